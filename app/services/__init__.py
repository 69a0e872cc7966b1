"""Use-cases over the database: one session per call, plain results back, no Qt.

Importing the package gives the ledgers (a layer below) the archive hooks they call when an entry changes
a household: the history writer and the derived-field refresh.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.ledgers import hooks as _ledger_hooks
from app.ledgers.hooks import ArchiveChange


def _record_history(s: Session, household_id: int, changes: Sequence[ArchiveChange], reason: str) -> None:
    from app.services import history

    history.record(s, household_id, [history.Change(c.subject, c.field, c.old, c.new, c.member_id)
                                     for c in changes], reason)


def _refresh_derived(s: Session, household) -> None:
    from app.services.households import refresh_derived

    refresh_derived(s, household)


_ledger_hooks.install(record_history=_record_history, refresh_derived=_refresh_derived)
