"""Celebrations: wins posted in PLC channels, only in words their author chose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, update

from storage.enums import CelebrationStatus
from storage.models import Celebration
from storage.repositories.base import RowRepository


class CelebrationRepository(RowRepository[Celebration]):
    """Only a celebration's author changes it; bot/rules/celebrations.py checks who asks."""

    model = Celebration

    def get_by_goal(self, goal_id: int) -> Celebration | None:
        """The celebration offered when a goal was met, if one was."""
        return self.find(Celebration, Celebration.goal_id == goal_id)

    def claim_for_posting(
        self, celebration: Celebration, now: datetime, stale_before: datetime
    ) -> bool:
        """Mark a draft as being posted, in one conditional UPDATE, so a second click or a
        second replica cannot claim it too; a claim made before `stale_before` is taken over.

        The row is read back either way, so the caller sees the state that won.
        """
        claimed = self.session.execute(
            update(Celebration)
            .where(
                Celebration.id == celebration.id,
                or_(
                    Celebration.status == CelebrationStatus.DRAFT,
                    and_(
                        Celebration.status == CelebrationStatus.POSTING,
                        Celebration.posted_at < stale_before,
                    ),
                ),
            )
            .values(status=CelebrationStatus.POSTING, posted_at=now)
            .returning(Celebration.id)
            .execution_options(synchronize_session=False)
        ).first()
        self.session.refresh(celebration)
        return claimed is not None
