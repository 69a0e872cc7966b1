"""What a ledger entry needs from the archive above it, injected by app.services (the ledgers never import it).

app.services installs the hooks when it is first imported (app/services/__init__.py), which every program
entry point and test fixture does before a ledger entry is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Household


@dataclass(frozen=True, slots=True)
class ArchiveChange:
    """One field of the archive a ledger entry changed: subject (户 or the member's name), label, old, new."""

    subject: str
    field: str
    old: str
    new: str
    member_id: int | None = None


RecordHistory = Callable[[Session, int, Sequence[ArchiveChange], str], None]
RefreshDerived = Callable[[Session, Household], None]

_record_history: RecordHistory | None = None
_refresh_derived: RefreshDerived | None = None


def install(*, record_history: RecordHistory, refresh_derived: RefreshDerived) -> None:
    """Give the ledgers the archive's history writer and its derived-field refresh."""
    global _record_history, _refresh_derived
    _record_history, _refresh_derived = record_history, refresh_derived


def record_history(s: Session, household_id: int, changes: Sequence[ArchiveChange], reason: str) -> None:
    """Append changes to the household's history inside the caller's transaction."""
    if _record_history is None:
        raise RuntimeError("app.services has not installed the ledgers' archive hooks")
    _record_history(s, household_id, changes, reason)


def refresh_derived(s: Session, household: Household) -> None:
    """Recompute the household's cached key groups, archive state and counts."""
    if _refresh_derived is None:
        raise RuntimeError("app.services has not installed the ledgers' archive hooks")
    _refresh_derived(s, household)
