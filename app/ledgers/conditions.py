"""Query conditions that several services share: what "open" and "overdue" mean for a problem (the 问题台账's
presets, the figures of services.stats and the 月报), and who the people 在册 are (the figures, the county's
towns and its cross-town check)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func

from app import vocab
from app.models import Household, Member, Problem


def problem_open():
    """Condition on Problem: not yet closed (待办 or 办理中)."""
    return Problem.status.in_(vocab.PROBLEM_OPEN)


def problem_overdue(today: dt.date):
    """Condition on Problem: open and past its deadline (a problem without a deadline is never overdue)."""
    return and_(problem_open(), Problem.deadline.is_not(None), Problem.deadline < today)


def people_on_register():
    """Condition on a statement joining Member to its Household: a member 在册 of a household 在册 — the people
    the figures count. The member's status is wrapped so that no index serves it: SQLite then reads the
    households 在册 first and takes each one's members from ix_members_household_id (household_id, status),
    counted from that index alone, instead of looking up the row of every member 在册."""
    return and_(Household.status == vocab.HOUSEHOLD_ACTIVE, func.coalesce(Member.status, "") == vocab.MEMBER_ACTIVE)
