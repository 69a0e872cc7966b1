"""What "open" and "overdue" mean for a problem, as query conditions: the 问题台账's presets, the figures of
services.stats and the 月报 all use these two."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_

from app import vocab
from app.models import Problem


def problem_open():
    """Condition on Problem: not yet closed (待办 or 办理中)."""
    return Problem.status.in_(vocab.PROBLEM_OPEN)


def problem_overdue(today: dt.date):
    """Condition on Problem: open and past its deadline (a problem without a deadline is never overdue)."""
    return and_(problem_open(), Problem.deadline.is_not(None), Problem.deadline < today)
