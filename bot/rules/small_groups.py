"""The small-group rule for everything published together: no figure about 1-4 teachers, alone
or worked out by adding and subtracting the others (bot/rules/policy.py states the rule).

A publication (one report, one Home view, one digest) is a set of figures. Each figure is a sum
over contributions (visits, goals, places on the roster), each contribution belongs to one
teacher, and contributions are grouped into atoms: the finest pieces any figure of the
publication is made of (the visits of one school, by one coach, of one kind, say). A figure is
then a set of atoms of one measure (visits, minutes, cycles started, ...), and it is "about" the
teachers behind those atoms. Figures of one measure can be added and subtracted; what is left
is about the teachers behind the atoms that did not cancel.

`find_leaks` looks for a figure about 1 to MIN_GROUP_SIZE - 1 teachers in three places:

- a figure on its own;
- the difference of any two figures of one measure, nested or overlapping (a school and a
  coach who did nearly all of its visits);
- a figure minus the parts of it shown in one family, a family being figures that never share
  a contribution (one table's rows, one row's cells, one column of a table): a district minus
  its schools, a tier minus its kinds of support, a coach minus the schools wholly theirs.

`settle` withholds figures until there is none, choosing the part with the fewest teachers
first (so the rest stays), which is complementary suppression; the caller decides what
withholding means (a row merged into "Other ...", a cell left blank).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Set as AbstractSet
from dataclasses import dataclass, field

from bot.rules.policy import MIN_GROUP_SIZE


@dataclass(eq=False)
class Figure:
    """One published number, or several with the same contributions (a row's visits and its
    count of teachers): what is withheld is withheld everywhere it appears."""

    measure: str
    atoms: frozenset[int]
    teachers: int
    rank: int | None  # among equals the lowest rank is withheld first; None: never
    order: int
    places: list[Hashable] = field(default_factory=list)
    hidden: bool = False


@dataclass(frozen=True)
class Leak:
    """A figure about `teachers` (1 to 4) teachers that the publication gives away."""

    teachers: int
    figures: tuple[Figure, ...]  # everything involved
    candidates: tuple[Figure, ...]  # what to withhold, best first


class Unsafe(Exception):
    """No figure could be withheld to close a leak: publish less."""


class Atoms:
    """The atoms of one measure's contributions, each with the teachers behind it."""

    def __init__(self, teachers: Iterable[AbstractSet[Hashable]] = ()) -> None:
        self.teachers: list[AbstractSet[Hashable]] = list(teachers)
        self._index: dict[Hashable, int] = {}

    def add(self, key: Hashable, teacher: Hashable) -> int:
        """One contribution of `teacher` to the atom `key` (atoms made one at a time)."""
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.teachers)
            self.teachers.append(frozenset())
        self.teachers[index] = self.teachers[index] | {teacher}
        return index

    def count(self, atoms: Iterable[int], cap: int | None = None) -> int:
        """How many teachers are behind these atoms; stops counting at `cap`."""
        seen: set[Hashable] = set()
        for atom in atoms:
            seen.update(self.teachers[atom])
            if cap is not None and len(seen) >= cap:
                return cap
        return len(seen)


class Publication:
    """The figures of one output, each measure's atoms, and the families of disjoint figures."""

    def __init__(self, atoms: dict[str, Atoms]) -> None:
        self.atoms = atoms  # measure -> its atoms (measures may share one Atoms)
        self.figures: list[Figure] = []
        self.families: list[list[Figure]] = []
        self._same: dict[tuple[str, frozenset[int]], Figure] = {}
        self._pairs: list[tuple[Figure, Figure, int]] | None = None
        self._nested: list[tuple[Figure, list[Figure]]] | None = None
        self._held: dict[str, dict[int, list[Figure]]] | None = None

    def figure(
        self, place: Hashable, measure: str, atoms: Iterable[int], rank: int | None
    ) -> Figure | None:
        """The figure at `place`; None when no one is behind it (a zero gives no one away)."""
        key = (measure, frozenset(atoms))
        if not key[1]:
            return None
        found = self._same.get(key)
        if found is None:
            teachers = self.atoms[measure].count(key[1])
            found = Figure(measure, key[1], teachers, rank, len(self.figures))
            self._same[key] = found
            self.figures.append(found)
            self._pairs = self._nested = self._held = None
        elif found.rank is not None and (rank is None or rank < found.rank):
            found.rank = rank
        found.places.append(place)
        return found

    def family(self, members: Iterable[Figure | None]) -> None:
        """Figures of one measure that share no contribution (rows of a table, cells of a row)."""
        chosen = list({id(f): f for f in members if f is not None}.values())
        if chosen:
            self.families.append(chosen)
            self._nested = None

    # What follows depends on the figures and families only, not on which are withheld, so a
    # publication that only withholds is searched once, however many rounds `settle` takes.

    def close_pairs(self) -> list[tuple[Figure, Figure, int]]:
        """Every two figures of one measure whose difference is about 1-4 teachers."""
        if self._pairs is None:
            self._pairs = []
            for measure, holding in self._holding().items():
                self._pairs += _close_pairs(self.atoms[measure], holding)
        return self._pairs

    def nested(self) -> list[tuple[Figure, list[Figure]]]:
        """Each figure with, for each family, the members of it the figure contains."""
        if self._nested is None:
            member_of: dict[int, list[int]] = defaultdict(list)
            for n, family in enumerate(self.families):
                for figure in family:
                    member_of[id(figure)].append(n)
            parts: dict[tuple[int, int], list[Figure]] = defaultdict(list)
            holdings = self._holding()
            for part in self.figures:
                for total in holdings[part.measure][min(part.atoms)]:
                    if len(total.atoms) > len(part.atoms) and part.atoms <= total.atoms:
                        for kin in member_of.get(id(part), ()):
                            parts[(total.order, kin)].append(part)
            self._nested = [(self.figures[order], p) for (order, _), p in parts.items()]
        return self._nested

    def _holding(self) -> dict[str, dict[int, list[Figure]]]:
        """For each measure, the figures holding each atom, fewest teachers first."""
        if self._held is None:
            self._held = defaultdict(lambda: defaultdict(list))
            for figure in sorted(self.figures, key=lambda f: f.teachers):
                held = self._held[figure.measure]
                for atom in figure.atoms:
                    held[atom].append(figure)
        return self._held


def _close_pairs(
    atoms: Atoms, holding: dict[int, list[Figure]]
) -> Iterator[tuple[Figure, Figure, int]]:
    done: set[tuple[int, int]] = set()
    for together in holding.values():
        for i, first in enumerate(together):
            for second in together[i + 1 :]:
                if second.teachers - first.teachers >= MIN_GROUP_SIZE:
                    break  # at least that many teachers are in one and not the other
                pair = (first.order, second.order)
                if pair in done:
                    continue
                done.add(pair)
                n = atoms.count(_symmetric(first.atoms, second.atoms), cap=MIN_GROUP_SIZE)
                if _small(n):
                    yield first, second, n


def _symmetric(one: frozenset[int], other: frozenset[int]) -> Iterator[int]:
    yield from (a for a in one if a not in other)
    yield from (a for a in other if a not in one)


def _best(figures: Iterable[Figure]) -> tuple[Figure, ...]:
    """What to withhold first: the fewest teachers, then the lowest rank, then the first made."""
    ranked = [(f.teachers, f.rank, f.order, f) for f in figures if f.rank is not None]
    return tuple(f for *_, f in sorted(ranked, key=lambda r: r[:3]))


def _small(n: int) -> bool:
    return 0 < n < MIN_GROUP_SIZE


def find_leaks(publication: Publication) -> list[Leak]:
    """Every figure about 1-4 teachers the publication shows or lets someone work out."""
    leaks = [
        Leak(f.teachers, (f,), _best((f,)))
        for f in publication.figures
        if not f.hidden and _small(f.teachers)
    ]
    for first, second, n in publication.close_pairs():
        if not (first.hidden or second.hidden):
            leaks.append(Leak(n, (first, second), _best((first, second))))
    for total, parts in publication.nested():
        shown = [p for p in parts if not p.hidden]
        if total.hidden or not shown:
            continue
        if total.teachers - sum(p.teachers for p in shown) >= MIN_GROUP_SIZE:
            continue  # what is left has at least that many teachers
        covered = frozenset().union(*(p.atoms for p in shown))
        left = (a for a in total.atoms if a not in covered)
        n = publication.atoms[total.measure].count(left, cap=MIN_GROUP_SIZE)
        if _small(n):
            leaks.append(Leak(n, (total, *shown), _best(shown) + _best((total,))))
    return sorted(leaks, key=lambda leak: leak.teachers)


def settle(build: Callable[[], Publication], withhold: Callable[[Figure], None]) -> Publication:
    """Withhold figures until nothing about 1-4 teachers can be read or worked out.

    `build` makes the publication as it stands; `withhold` takes a figure out of it (the
    caller merges a row into "Other ..." or blanks a cell). A round first withholds what has
    to go whatever else happens (a leak with one candidate: a figure about 1-4 teachers on
    its own); when nothing does, it withholds the best candidate of each leak not touched
    yet this round. Raises Unsafe when a leak has nothing left to withhold, or when
    withholding stops making progress.
    """
    rounds = 0
    while True:
        publication = build()
        leaks = find_leaks(publication)
        if not leaks:
            return publication
        rounds += 1
        if rounds > 2 * len(publication.figures) + 2:
            raise Unsafe("withholding is not closing the leaks")
        if any(not leak.candidates for leak in leaks):
            raise Unsafe("a figure about fewer than five teachers has nothing to withhold")
        forced = [leak for leak in leaks if len(leak.candidates) == 1]
        touched: set[int] = set()
        for leak in forced or leaks:
            if touched.isdisjoint(id(f) for f in leak.figures):
                withhold(leak.candidates[0])
                touched.update(id(f) for f in leak.figures)
