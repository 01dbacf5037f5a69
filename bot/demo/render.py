"""Slack messages and views as readable terminal text, for `coachbot demo`."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.demo.standin import Call

__all__ = ["Names", "mrkdwn_to_text", "render_call", "render_message", "render_view"]


@dataclass(frozen=True)
class Names:
    """What Slack ids stand for: user id -> display name, channel id -> name without '#'."""

    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- terminal styles

_BOLD, _BOLD_OFF = "\x1b[1m", "\x1b[22m"
_DIM = "\x1b[2m"  # turned off by _BOLD_OFF too
_ITALIC, _ITALIC_OFF = "\x1b[3m", "\x1b[23m"
_STRIKE, _STRIKE_OFF = "\x1b[9m", "\x1b[29m"
_GREEN, _RED, _FG_OFF = "\x1b[32m", "\x1b[31m", "\x1b[39m"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ANSI_OR_CHAR = re.compile(r"\x1b\[[0-9;]*m|.", re.DOTALL)


@dataclass(frozen=True)
class _Paint:
    color: bool

    def bold(self, text: str) -> str:
        return f"{_BOLD}{text}{_BOLD_OFF}" if self.color and text else text

    def italic(self, text: str) -> str:
        return f"{_ITALIC}{text}{_ITALIC_OFF}" if self.color and text else text

    def strike(self, text: str) -> str:
        return f"{_STRIKE}{text}{_STRIKE_OFF}" if self.color and text else text

    def dim(self, text: str) -> str:
        if not self.color or not text:
            return text
        # Bold inside dim text ends with the code that also ends dim; dim again after it.
        return f"{_DIM}{text.replace(_BOLD_OFF, _BOLD_OFF + _DIM)}{_BOLD_OFF}"

    def primary(self, text: str) -> str:
        return f"{_BOLD}{_GREEN}{text}{_FG_OFF}{_BOLD_OFF}" if self.color else text

    def danger(self, text: str) -> str:
        return f"{_RED}{text}{_FG_OFF}" if self.color else text


@dataclass(frozen=True)
class _Ctx:
    names: Names
    width: int
    paint: _Paint


def _context(names: Names, width: int, color: bool) -> _Ctx:
    return _Ctx(names, max(width, 20), _Paint(color))


# --------------------------------------------------------------------------- mrkdwn

_EMOJI = {
    "tada": "🎉",
    "white_check_mark": "✅",
    "warning": "⚠️",
    "hourglass_flowing_sand": "⏳",
    "no_entry_sign": "🚫",
    "calendar": "📆",
    "wave": "👋",
    "sparkles": "✨",
    "snooze": "💤",
}
_EMOJI_CODE = re.compile(r":([a-z0-9_+\-]+):")
_TOKEN = re.compile(r"<([^<>\n]+)>")
_ESCAPE = re.compile(r"&(lt|gt|amp);")
_UNESCAPED = {"lt": "<", "gt": ">", "amp": "&"}
_SLOT = re.compile("\ue000([0-9]+)\ue001")
_BOLD_SPAN = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC_SPAN = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
_STRIKE_SPAN = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")


def mrkdwn_to_text(text: str, names: Names, *, color: bool = False) -> str:
    """Slack mrkdwn as a person reads it: names for ids, links spelled out, escapes undone.

    *bold*, _italic_ and ~struck~ keep their markers unless `color` turns them into ANSI
    styles; quoted lines ('> ...') start with '│ '.
    """
    paint = _Paint(color)
    lines: list[str] = []
    quoting_rest = False
    for raw in text.split("\n"):
        quoted = quoting_rest
        if raw.startswith(">>>"):
            quoted = quoting_rest = True
            raw = raw[3:].removeprefix(" ")
        elif raw.startswith(">"):
            quoted = True
            raw = raw[1:].removeprefix(" ")
        line = _inline_mrkdwn(raw, names, paint)
        lines.append(f"│ {line}" if quoted else line)
    return "\n".join(lines)


def _inline_mrkdwn(raw: str, names: Names, paint: _Paint) -> str:
    # Mentions and links are set aside first so that no '_' or '*' in a URL reads as style.
    tokens: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        tokens.append(_token(match.group(1), names))
        return f"\ue000{len(tokens) - 1}\ue001"

    line = _TOKEN.sub(set_aside, raw)
    if paint.color:
        line = _BOLD_SPAN.sub(lambda m: paint.bold(m.group(1)), line)
        line = _ITALIC_SPAN.sub(lambda m: paint.italic(m.group(1)), line)
        line = _STRIKE_SPAN.sub(lambda m: paint.strike(m.group(1)), line)
    line = _emoji(_unescape(line))
    return _SLOT.sub(lambda m: tokens[int(m.group(1))], line)


def _token(inner: str, names: Names) -> str:
    body, _, label = inner.partition("|")
    body, label = _unescape(body), _unescape(label)
    if body.startswith("@"):
        user_id = body[1:]
        return "@" + (names.users.get(user_id) or label.lstrip("@") or user_id)
    if body.startswith("#"):
        channel_id = body[1:]
        return "#" + (names.channels.get(channel_id) or label.lstrip("#") or channel_id)
    if body.startswith("!"):
        word = body[1:]
        if word in ("here", "channel", "everyone"):
            return "@" + word
        if word.startswith("subteam^"):
            return label or "@" + word.partition("^")[2]
        if word.startswith("date^"):
            return label or word.split("^")[1]
        return label or "@" + word
    if not label or label == body or f"mailto:{label}" == body:
        return label or body
    return f"{label} ({body})"


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _UNESCAPED[m.group(1)], text)


def _emoji(text: str) -> str:
    return _EMOJI_CODE.sub(lambda m: _EMOJI.get(m.group(1), m.group(0)), text)


# --------------------------------------------------------------------------- widths and wrapping

_HANG = re.compile(r"(?:│ )?[ \t]*(?:(?:[•◦▪‣-]|[0-9]{1,3}[.)]) )?")


def _cells(char: str) -> int:
    if unicodedata.combining(char) or char in "\ufe0e\ufe0f\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _visible(text: str) -> int:
    """How many terminal columns `text` takes, not counting ANSI codes."""
    return sum(_cells(char) for char in _ANSI.sub("", text))


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns; line breaks kept, list lines keep a hanging indent."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend(_wrap_line(line, width))
    return lines


def _wrap_line(line: str, width: int) -> list[str]:
    if _visible(line) <= width:
        return [line]
    prefix = _HANG.match(line)
    lead = prefix.group(0) if prefix else ""
    columns = _visible(lead)
    hang = ("│ " + " " * (columns - 2)) if lead.startswith("│ ") else " " * columns
    if _visible(hang) > width // 2:
        hang = "│ " if lead.startswith("│ ") else ""
    out: list[str] = []
    current, used, empty = lead, columns, True
    for word in line[len(lead) :].split(" "):
        size = _visible(word)
        if empty and not word and out:
            continue  # no leading spaces on a continuation line
        if used + size + (0 if empty else 1) <= width:
            current += word if empty else " " + word
            used += size + (0 if empty else 1)
            empty = False
            continue
        if not empty:
            out.append(current)
            current, used = hang, _visible(hang)
        while used + _visible(word) > width:
            head, word = _split_columns(word, max(width - used, 1))
            out.append(current + head)
            current, used = hang, _visible(hang)
        current += word
        used += _visible(word)
        empty = not word
    out.append(current)
    return [line.rstrip() for line in out]


def _split_columns(word: str, columns: int) -> tuple[str, str]:
    """The start of `word` that fits in `columns` (at least one character) and the rest."""
    pieces = _ANSI_OR_CHAR.findall(word)
    used = 0
    for index, piece in enumerate(pieces):
        if piece.startswith("\x1b"):
            continue
        size = _cells(piece)
        if used and used + size > columns:
            return "".join(pieces[:index]), "".join(pieces[index:])
        used += size
    return word, ""


def _pack(chips: Sequence[str], width: int) -> list[str]:
    """Chips such as buttons, side by side, on as few lines as fit."""
    lines: list[str] = []
    current = ""
    for chip in chips:
        if not chip:
            continue
        if current and _visible(current) + 1 + _visible(chip) > width:
            lines.append(current)
            current = ""
        current = f"{current} {chip}" if current else chip
    if current:
        lines.append(current)
    return lines


# --------------------------------------------------------------------------- text objects


def _text(obj: Any, ctx: _Ctx) -> str:
    if isinstance(obj, str):
        return obj
    if not isinstance(obj, Mapping):
        return ""
    text = obj.get("text")
    if not isinstance(text, str):
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_text(text, ctx.names, color=ctx.paint.color)
    return text if obj.get("emoji") is False else _emoji(text)


def _plain(obj: Any) -> str:
    """A plain_text object's words, on one line."""
    if isinstance(obj, Mapping):
        text = obj.get("text")
        if isinstance(text, str):
            return " ".join(_emoji(text).split())
    return ""


def _user(user_id: Any, names: Names) -> str:
    return names.users.get(user_id, user_id) if isinstance(user_id, str) else ""


def _channel(channel_id: Any, names: Names) -> str:
    if not isinstance(channel_id, str):
        return ""
    return "#" + names.channels.get(channel_id, channel_id)


# --------------------------------------------------------------------------- elements


def _option_text(option: Any, ctx: _Ctx) -> str:
    return " ".join(_text(option.get("text"), ctx).split()) if isinstance(option, Mapping) else ""


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _chosen(element: Mapping[str, Any], ctx: _Ctx) -> str | None:
    """What a select or picker shows as already chosen, if anything."""
    kind = element.get("type")
    names = ctx.names
    shown: list[str] = []
    if kind == "users_select" and element.get("initial_user"):
        shown = [_user(element["initial_user"], names)]
    elif kind == "multi_users_select":
        shown = [_user(u, names) for u in _list(element.get("initial_users"))]
    elif kind == "conversations_select" and element.get("initial_conversation"):
        shown = [_channel(element["initial_conversation"], names)]
    elif kind == "channels_select" and element.get("initial_channel"):
        shown = [_channel(element["initial_channel"], names)]
    elif kind == "multi_conversations_select":
        shown = [_channel(c, names) for c in _list(element.get("initial_conversations"))]
    elif kind == "multi_channels_select":
        shown = [_channel(c, names) for c in _list(element.get("initial_channels"))]
    elif element.get("initial_option"):
        shown = [_option_text(element["initial_option"], ctx)]
    elif element.get("initial_options"):
        shown = [_option_text(o, ctx) for o in _list(element.get("initial_options"))]
    elif kind == "datepicker" and isinstance(element.get("initial_date"), str):
        shown = [element["initial_date"]]
    elif kind == "timepicker" and isinstance(element.get("initial_time"), str):
        shown = [element["initial_time"]]
    elif kind == "datetimepicker" and isinstance(element.get("initial_date_time"), int | float):
        moment = datetime.fromtimestamp(element["initial_date_time"], UTC)
        shown = [moment.strftime("%Y-%m-%d %H:%M UTC")]
    shown = [s for s in shown if s]
    return ", ".join(shown) if shown else None


_PICKER_DEFAULTS = {"datepicker": "Choose a date", "timepicker": "Choose a time"}


def _picker(element: Mapping[str, Any], ctx: _Ctx) -> str:
    """'Initial option ▾', or the placeholder (dimmed), or 'Choose ▾'."""
    chosen = _chosen(element, ctx)
    if chosen is not None:
        return f"{chosen} ▾"
    placeholder = _plain(element.get("placeholder"))
    if placeholder:
        return f"{ctx.paint.dim(placeholder)} ▾"
    return f"{_PICKER_DEFAULTS.get(str(element.get('type')), 'Choose')} ▾"


def _choices(element: Mapping[str, Any], ctx: _Ctx) -> list[str]:
    """Checkboxes as '[x] text', radio buttons as '(•) text'."""
    radio = element.get("type") == "radio_buttons"
    picked: list[Any] = _list(element.get("initial_options"))
    if element.get("initial_option"):
        picked.append(element["initial_option"])
    picked_values = {o.get("value") for o in picked if isinstance(o, Mapping)}
    out: list[str] = []
    for option in _list(element.get("options")):
        if not isinstance(option, Mapping):
            continue
        on = option.get("value") in picked_values
        mark = ("(•)" if on else "( )") if radio else ("[x]" if on else "[ ]")
        out.append(f"{mark} {_option_text(option, ctx)}")
    return out


def _chip(element: Any, ctx: _Ctx) -> str:
    """An interactive element inside a message line: '[Accept]', '[Choose ▾]', '[⋯]'."""
    if not isinstance(element, Mapping):
        return ""
    kind = element.get("type")
    if kind in ("button", "workflow_button"):
        label = _plain(element.get("text")) or "Button"
        chip = f"[{label} ↗]" if element.get("url") else f"[{label}]"
        if element.get("style") == "primary":
            return ctx.paint.primary(chip)
        if element.get("style") == "danger":
            return ctx.paint.danger(chip)
        return chip
    if kind == "overflow":
        return "[⋯]"
    if kind == "image":
        return _image(element)
    if kind in ("checkboxes", "radio_buttons"):
        return "  ".join(_choices(element, ctx))
    if isinstance(kind, str) and (kind.endswith("select") or kind.endswith("picker")):
        return f"[{_picker(element, ctx)}]"
    return ""


def _image(element: Mapping[str, Any]) -> str:
    alt = element.get("alt_text")
    if not isinstance(alt, str) or not alt.strip():
        alt = _plain(element.get("title")) or "image"
    return f"[image: {' '.join(alt.split())}]"


def _field_value(element: Mapping[str, Any], ctx: _Ctx) -> str:
    """What an input box shows: its value, else its placeholder dimmed, else a blank."""
    kind = element.get("type")
    if kind == "rich_text_input" and isinstance(element.get("initial_value"), Mapping):
        value = _rich_text(element["initial_value"], ctx)
    elif kind == "file_input":
        value = "Choose files"
    else:
        initial = element.get("initial_value")
        value = str(initial) if isinstance(initial, str | int | float) else ""
        value = _emoji(value)
    if value:
        return value
    placeholder = _plain(element.get("placeholder"))
    return ctx.paint.dim(placeholder) if placeholder else " "


# --------------------------------------------------------------------------- blocks


def _blocks(blocks: Any, ctx: _Ctx) -> list[str]:
    lines: list[str] = []
    for block in _list(blocks):
        if isinstance(block, Mapping):
            lines.extend(_block(block, ctx))
    return lines


def _block(block: Mapping[str, Any], ctx: _Ctx) -> list[str]:
    kind = block.get("type")
    width, paint = ctx.width, ctx.paint
    if kind == "header":
        lines = _wrap(_plain(block.get("text")), width)
        if paint.color:
            return [paint.bold(line) for line in lines]
        return [*lines, "─" * max(_visible(line) for line in lines)]
    if kind == "divider":
        return [paint.dim("─" * width)]
    if kind == "section":
        return _section(block, ctx)
    if kind == "context":
        parts = []
        for element in _list(block.get("elements")):
            if isinstance(element, Mapping) and element.get("type") == "image":
                parts.append(_image(element))
            else:
                parts.append(" ".join(_text(element, ctx).split()))
        return [paint.dim(line) for line in _wrap(" · ".join(p for p in parts if p), width)]
    if kind == "actions":
        return _pack([_chip(e, ctx) for e in _list(block.get("elements"))], width)
    if kind == "input":
        return _input(block, ctx)
    if kind == "image":
        return _wrap(_image(block), width)
    if kind == "rich_text":
        return _wrap(_rich_text(block, ctx), width)
    return []


def _section(block: Mapping[str, Any], ctx: _Ctx) -> list[str]:
    lines: list[str] = []
    if block.get("text"):
        lines += _wrap(_text(block.get("text"), ctx), ctx.width)
    fields = [f for f in _list(block.get("fields")) if isinstance(f, Mapping)]
    text_lines = len(lines)
    if fields:
        lines += _fields(fields, ctx)
    chip = _chip(block.get("accessory"), ctx)
    if chip:
        # Slack shows the accessory to the right of the text.
        if text_lines and _visible(lines[0]) + 2 + _visible(chip) <= ctx.width:
            lines[0] = f"{lines[0]}  {chip}"
        else:
            lines.extend(_pack([chip], ctx.width))
    return lines


_ON_ITS_OWN_LINE = re.compile(r"\*([^*\n]+)\*:?")
_ON_THE_SAME_LINE = re.compile(r"\*([^*\n]+?):?\*:?[ \t]+(\S.*)", re.DOTALL)


def _split_field(obj: Mapping[str, Any], ctx: _Ctx) -> tuple[str, str]:
    """('When', 'Tuesday, ...') from '*When*\\nTuesday, ...'; ('', text) when there is no label."""
    raw = obj.get("text")
    if obj.get("type") != "mrkdwn" or not isinstance(raw, str):
        return "", _text(obj, ctx)
    first, newline, rest = raw.partition("\n")
    label = _ON_ITS_OWN_LINE.fullmatch(first.strip()) if newline else None
    if label is None:
        same = _ON_THE_SAME_LINE.fullmatch(raw.strip())
        if same is None:
            return "", _text(obj, ctx)
        label_text, rest = same.group(1), same.group(2)
    else:
        label_text = label.group(1)
    label_words = " ".join(mrkdwn_to_text(label_text, ctx.names).split())
    return label_words, mrkdwn_to_text(rest, ctx.names, color=ctx.paint.color)


def _fields(fields: Sequence[Mapping[str, Any]], ctx: _Ctx) -> list[str]:
    pairs = [_split_field(field, ctx) for field in fields]
    label_width = max(_visible(label) for label, _ in pairs)
    column = label_width + 2
    lines: list[str] = []
    two_columns = label_width > 0 and column + 16 <= ctx.width
    for label, value in pairs:
        if two_columns:
            wrapped = _wrap(value, ctx.width - column) or [""]
            pad = " " * (label_width - _visible(label))
            lines.append(f"{ctx.paint.bold(label)}{pad}  {wrapped[0]}".rstrip())
            lines += [" " * column + line for line in wrapped[1:]]
        elif label:
            lines += [ctx.paint.bold(line) for line in _wrap(label, ctx.width)]
            lines += ["  " + line for line in _wrap(value, ctx.width - 2)]
        else:
            lines += _wrap(value, ctx.width)
    return lines


def _input(block: Mapping[str, Any], ctx: _Ctx) -> list[str]:
    label = _plain(block.get("label")) or "Input"
    if block.get("optional"):
        label += " (optional)"
    element = block.get("element")
    element = element if isinstance(element, Mapping) else {}
    kind = element.get("type")
    if kind in ("checkboxes", "radio_buttons"):
        lines = _wrap(f"{ctx.paint.bold(label)}:", ctx.width)
        for choice in _choices(element, ctx):
            lines += ["  " + line for line in _wrap(choice, ctx.width - 2)]
    elif isinstance(kind, str) and (kind.endswith("select") or kind.endswith("picker")):
        lines = _boxed(f"{ctx.paint.bold(label)}: ", _picker(element, ctx), ctx.width)
    else:
        lines = _boxed(f"{ctx.paint.bold(label)}: ", _field_value(element, ctx), ctx.width)
    hint = _plain(block.get("hint"))
    if hint:
        lines += [ctx.paint.dim("  " + line) for line in _wrap(hint, ctx.width - 2)]
    return lines


def _boxed(prefix: str, content: str, width: int) -> list[str]:
    """'Label: [content]', the content wrapped inside the brackets."""
    lines: list[str] = []
    if _visible(prefix) + 1 > width // 2:
        lines += _wrap(prefix.rstrip(), width)
        prefix = "  "
    hang = _visible(prefix) + 1
    inner: list[str] = []
    for line in content.split("\n"):
        inner += _wrap_line(line, width - hang - 1) if line else [""]
    inner = inner or [""]
    lines.append(f"{prefix}[{inner[0]}")
    lines += [" " * hang + line for line in inner[1:]]
    lines[-1] += "]"
    return lines


# --------------------------------------------------------------------------- rich text


def _rich_text(block: Mapping[str, Any], ctx: _Ctx) -> str:
    out: list[str] = []
    for part in _list(block.get("elements")):
        if not isinstance(part, Mapping):
            continue
        kind = part.get("type")
        if kind == "rich_text_section":
            out.append(_rich_inline(part.get("elements"), ctx).rstrip("\n"))
        elif kind == "rich_text_list":
            ordered = part.get("style") == "ordered"
            indent, offset = _whole(part.get("indent")), _whole(part.get("offset"))
            for number, item in enumerate(_list(part.get("elements")), start=offset + 1):
                words = _rich_inline(item.get("elements"), ctx) if isinstance(item, Mapping) else ""
                mark = f"{number}. " if ordered else "• "
                out.append("  " * indent + mark + words.rstrip("\n"))
        elif kind == "rich_text_quote":
            words = _rich_inline(part.get("elements"), ctx).rstrip("\n")
            out += ["│ " + line for line in words.split("\n")]
        elif kind == "rich_text_preformatted":
            words = _rich_inline(part.get("elements"), ctx).rstrip("\n")
            out += ["    " + line for line in words.split("\n")]
    return "\n".join(out)


def _whole(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _rich_inline(elements: Any, ctx: _Ctx) -> str:
    words: list[str] = []
    for element in _list(elements):
        if not isinstance(element, Mapping):
            continue
        kind = element.get("type")
        if kind == "text":
            words.append(_styled(element, ctx.paint))
        elif kind == "link":
            url, label = str(element.get("url", "")), str(element.get("text", "") or "")
            words.append(f"{label} ({url})" if label and label != url else url)
        elif kind == "user":
            words.append("@" + _user(element.get("user_id"), ctx.names))
        elif kind == "channel":
            words.append(_channel(element.get("channel_id"), ctx.names))
        elif kind == "usergroup":
            words.append("@" + str(element.get("usergroup_id", "")))
        elif kind == "broadcast":
            words.append("@" + str(element.get("range", "here")))
        elif kind == "emoji":
            words.append(_rich_emoji(element))
        elif kind == "date":
            words.append(str(element.get("fallback") or element.get("timestamp", "")))
    return "".join(words)


def _styled(element: Mapping[str, Any], paint: _Paint) -> str:
    """A rich text run in its styles: colour on a terminal, Slack's marks otherwise."""
    text = str(element.get("text", ""))
    style = element.get("style")
    style = style if isinstance(style, Mapping) else {}
    if style.get("code"):
        text = f"`{text}`"
    if style.get("bold"):
        text = paint.bold(text) if paint.color else f"*{text}*"
    if style.get("italic"):
        text = paint.italic(text) if paint.color else f"_{text}_"
    if style.get("strike"):
        text = paint.strike(text) if paint.color else f"~{text}~"
    return text


def _rich_emoji(element: Mapping[str, Any]) -> str:
    name = str(element.get("name", ""))
    code = element.get("unicode")
    if isinstance(code, str) and code:
        try:
            return "".join(chr(int(point, 16)) for point in code.split("-"))
        except ValueError:
            pass
    return _EMOJI.get(name, f":{name}:")


# --------------------------------------------------------------------------- public renderers


def _join(lines: Sequence[str]) -> str:
    return "\n".join(line.rstrip() for line in lines)


def render_message(
    text: str | None,
    blocks: Sequence[Mapping[str, Any]] | None,
    names: Names,
    *,
    width: int = 78,
    color: bool = False,
) -> str:
    """A message as Slack shows it: its blocks, or its text when it has none."""
    ctx = _context(names, width, color)
    lines = _blocks(blocks, ctx) if blocks else []
    if not lines and text:
        lines = _wrap(mrkdwn_to_text(text, names, color=color), ctx.width)
    return _join(lines)


def render_view(
    view: Mapping[str, Any], names: Names, *, width: int = 78, color: bool = False
) -> str:
    """A modal or Home tab: a title line, its blocks, and a modal's [Submit] [Close] buttons."""
    ctx = _context(names, width, color)
    kind = view.get("type")
    title = _plain(view.get("title")) or ("Home" if kind == "home" else "")
    lines: list[str] = []
    if title:
        wrapped = _wrap(title, ctx.width)
        lines += [ctx.paint.bold(line) for line in wrapped]
        lines.append("═" * max(_visible(line) for line in wrapped))
    lines += _blocks(view.get("blocks"), ctx)
    if kind == "modal":
        buttons: list[str] = []
        submit = _plain(view.get("submit"))
        if submit:
            buttons.append(ctx.paint.primary(f"[{submit}]"))
        buttons.append(f"[{_plain(view.get('close')) or 'Close'}]")
        lines.append("")
        lines += _pack(buttons, ctx.width)
    return _join(lines)


_MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
_VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})


def render_call(call: Call, names: Names, *, width: int = 78, color: bool = False) -> str | None:
    """What a person sees because of one Web API call; None for calls that show nothing.

    Messages (chat.postMessage, chat.update, chat.postEphemeral) and views (views.open,
    views.push, views.update, views.publish) are rendered; ephemeral messages start with
    '(only you can see this)', updates with '(updated)', thread replies with '(in thread)'.
    Calls Slack refused show nothing, so they give None too.
    """
    if call.status >= 400 or call.response.get("ok") is False:
        return None
    args = call.args
    if call.method in _MESSAGE_METHODS:
        text, blocks = args.get("text"), _decoded(args.get("blocks"))
        message = call.response.get("message")
        if call.method == "chat.update" and isinstance(message, Mapping):
            # The message as it stands after the update: Slack keeps what was not replaced.
            text = message.get("text", text)
            blocks = _decoded(message.get("blocks", blocks))
        body = render_message(
            text if isinstance(text, str) else None,
            [b for b in _list(blocks) if isinstance(b, Mapping)],
            names,
            width=width,
            color=color,
        )
        marks = []
        if call.method == "chat.postEphemeral":
            marks.append("(only you can see this)")
        if call.method == "chat.update":
            marks.append("(updated)")
        if args.get("thread_ts"):
            marks.append("(in thread)")
        if not marks:
            return body
        mark = _Paint(color).dim(" ".join(marks))
        return f"{mark}\n{body}" if body else mark
    if call.method in _VIEW_METHODS:
        view = _decoded(args.get("view"))
        if isinstance(view, Mapping):
            return render_view(view, names, width=width, color=color)
    return None


def _decoded(value: Any) -> Any:
    """Blocks or a view sent as a JSON string, as Slack accepts them in form bodies."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


# --------------------------------------------------------------------------- what was sent


def render_submission(view: Mapping[str, Any], values: Mapping[str, Any], names: Names) -> str:
    """A form as its author sent it: each question the view asked, and the answer given."""
    title = str((view.get("title") or {}).get("text", "Form"))
    lines = [title, "═" * len(title)]
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        state = (values.get(block.get("block_id", "")) or {}).get(element.get("action_id", ""))
        answer = _answer(element, state or {}, names)
        lines.append(f"{block['label']['text']}: {answer or '—'}")
    return "\n".join(lines)


def _answer(element: Mapping[str, Any], state: Mapping[str, Any], names: Names) -> str:
    options = {o["value"]: o["text"]["text"] for o in element.get("options", [])}
    if state.get("selected_option"):
        value = state["selected_option"].get("value", "")
        return str(options.get(value, value))
    if state.get("selected_options"):
        return ", ".join(
            str(options.get(o["value"], o["value"])) for o in state["selected_options"]
        )
    if state.get("selected_users"):
        return ", ".join(f"@{names.users.get(u, u)}" for u in state["selected_users"])
    if state.get("selected_user"):
        return f"@{names.users.get(state['selected_user'], state['selected_user'])}"
    if state.get("selected_conversation"):
        channel = state["selected_conversation"]
        return f"#{names.channels.get(channel, channel)}"
    for key in ("selected_date", "selected_time", "value"):
        if state.get(key):
            return str(state[key])
    return ""
