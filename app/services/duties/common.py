"""Query pieces the duty checks share: what is in force on a date, how a household or point is named,
who owns it. Conditions are SQL expressions so that each check stays one or two queries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import Session

from app import vocab
from app.models import Cadre, Household, HouseholdAssignment, SettlementPoint, Village

def present(as_of: dt.date):
    """Condition on Household: on the town's register on as_of (SPEC §4.8) — registered by then (a household
    with no registration date counts as always registered) and not yet gone."""
    return and_(or_(Household.registered_on.is_(None), Household.registered_on <= as_of),
                or_(Household.status == vocab.HOUSEHOLD_ACTIVE,
                    and_(Household.left_on.is_not(None), Household.left_on > as_of)))


def point_sizes(s: Session, as_of: dt.date) -> dict[int, int]:
    """Households on the register on as_of, per settlement point."""
    return dict(s.execute(select(Household.settlement_point_id, func.count())
                          .where(present(as_of), Household.settlement_point_id.is_not(None))
                          .group_by(Household.settlement_point_id)).all())


def in_force(model, as_of: dt.date):
    """An assignment (start_date, end_date) in force on as_of: a reassignment ends the old one on the day
    the new one starts, so the end day itself belongs to the successor."""
    return and_(model.start_date <= as_of, or_(model.end_date.is_(None), model.end_date > as_of))


def household_name():
    """村 户主（档案编号）, as one SQL expression."""
    head = func.coalesce(func.nullif(Household.head_name, ""), "（未填户主）")
    return func.coalesce(Village.name + literal(" "), "") + head + "（" + Household.archive_no + "）"


def household_select(*columns):
    """select(id, name, *columns) from households joined to their village, for building a check's query."""
    return (select(Household.id, household_name(), *columns)
            .select_from(Household).outerjoin(Village, Village.id == Household.village_id))


def cadres_in_force(s: Session, as_of: dt.date, household_ids: list[int] | None = None) -> dict[int, str]:
    """Each household's one-to-one cadre on as_of (names joined when, against the rule, there are two)."""
    stmt = (select(HouseholdAssignment.household_id, Cadre.name)
            .join(Cadre, Cadre.id == HouseholdAssignment.cadre_id).where(in_force(HouseholdAssignment, as_of)))
    out: dict[int, str] = {}
    if household_ids is not None:
        for start in range(0, len(household_ids), 500):
            chunk = household_ids[start:start + 500]
            for hid, name in s.execute(stmt.where(HouseholdAssignment.household_id.in_(chunk))):
                out[hid] = f"{out[hid]}、{name}" if hid in out else name
        return out
    for hid, name in s.execute(stmt):
        out[hid] = f"{out[hid]}、{name}" if hid in out else name
    return out


def point_names(s: Session) -> dict[int, tuple[str, str, str]]:
    """{point id: (村·安置点, kind, village name)}."""
    return {pid: (f"{v}·{n}", kind, v) for pid, n, kind, v in s.execute(
        select(SettlementPoint.id, SettlementPoint.name, SettlementPoint.kind, Village.name)
        .join(Village, Village.id == SettlementPoint.village_id))}


def as_date(value) -> dt.date | None:
    """A DATE or DATETIME column value (or SQLite text) as a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1
