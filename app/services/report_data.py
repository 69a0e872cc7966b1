"""The 一户一档 cards (SPEC §6) as plain `reports.model.Card`s, and the entry points that draw the cards and
the 月报 (whose facts, text and filing live in `monthly_facts`, `report_text` and `monthly_report`). No Qt;
the report modules draw what this returns. IDs are masked here unless full IDs are asked for."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app import vocab
from app.db import Database
from app.models import Cadre, Household, HouseholdAssignment, Problem, SettlementPoint, Unit, UnitAssignment, Visit
from app.reports.model import BuildResult, Card
from app.rules import mask_id
from app.rules.keygroups import derive_key_groups
from app.services import stats, town

# ------------------------------------------------------------------------------------------ 一户一档 cards


def _yes_no(v) -> str:
    return "" if v is None else ("是" if v else "否")


def card_ids(db: Database, *, archive_nos: list[str] | None = None, point: str | None = None,
             household_ids: list[int] | None = None, point_id: int | None = None) -> list[int]:
    """Household ids for cards: by archive numbers, by settlement point name (households 在册), or given ids.
    ValueError (Chinese) when a number or point is not found."""
    with db.read() as s:
        if household_ids is not None:
            return list(household_ids)
        if archive_nos:
            found = dict(s.execute(select(Household.archive_no, Household.id)
                                   .where(Household.archive_no.in_(archive_nos))).all())
            missing = [n for n in archive_nos if n not in found]
            if missing:
                raise ValueError(f"找不到档案编号：{'、'.join(missing)}")
            return [found[n] for n in archive_nos]
        pids = [point_id] if point_id is not None else \
            list(s.scalars(select(SettlementPoint.id).where(SettlementPoint.name == point)))
        if not pids:
            raise ValueError(f"找不到安置点：{point}")
        return list(s.scalars(select(Household.id).where(Household.settlement_point_id.in_(pids),
                                                         stats.ACTIVE_HOUSEHOLD).order_by(Household.archive_no)))


def cards(db: Database, household_ids: list[int], *, full_ids: bool = False, progress=None) -> list[Card]:
    """One 一户一档 card per household, in the order given."""
    from app.services.households import facts_of, load_household

    out = []
    for i, hid in enumerate(household_ids):
        if progress and i % 20 == 0:
            progress(int(90 * i / max(1, len(household_ids))), f"第 {i + 1}/{len(household_ids)} 户")
        data = load_household(db, hid)
        with db.read() as s:
            h = s.get(Household, hid)
            village = h.village.name if h.village else ""
            point = h.settlement_point.name if h.settlement_point else ""
            cadre = s.execute(select(Cadre.name, Cadre.rank, Cadre.phone).join(HouseholdAssignment)
                              .where(HouseholdAssignment.household_id == hid,
                                     HouseholdAssignment.end_date.is_(None))).first()
            units = [f"{u}（{r}）" for u, r in s.execute(
                select(Unit.name, UnitAssignment.reason).join(UnitAssignment)
                .where(UnitAssignment.household_id == hid, UnitAssignment.end_date.is_(None)))]
            visits = [(d.isoformat(), c or "", w, f) for d, c, w, f in s.execute(
                select(Visit.date, Cadre.name, Visit.way, Visit.findings).outerjoin(Cadre, Cadre.id == Visit.cadre_id)
                .where(Visit.household_id == hid).order_by(Visit.date.desc()).limit(3))]
            problems = [(f.isoformat(), a, d, u or "", dl.isoformat() if dl else "") for f, a, d, u, dl in s.execute(
                select(Problem.found_date, Problem.focus_area, Problem.description, Unit.name, Problem.deadline)
                .outerjoin(Unit, Unit.id == Problem.unit_id)
                .where(Problem.household_id == hid, stats.problem_open()).order_by(Problem.found_date))]
        head = next((m.name for m in data.members if m.relation == vocab.HEAD), "")
        members = [(m.name, m.relation, m.sex, m.id_number if full_ids else mask_id(m.id_number),
                    m.health, m.labour, m.employment, m.status)
                   for m in data.members]
        facts = [("住房情况", data.housing_status), ("房屋漏水", _yes_no(data.house_leaks)),
                 ("地灾威胁未搬迁", _yes_no(data.geohazard_unmoved)),
                 ("承包地（亩）", "" if data.land_mu is None else f"{data.land_mu}"),
                 ("家庭年收入（元）", "" if data.annual_income is None else f"{data.annual_income}"),
                 ("搬迁时间", data.relocation_date), ("安置方式", data.settlement_type),
                 ("原居住地", data.original_residence), ("联系电话", data.phone), ("住址", data.address)]
        tags = [(t.tag, t.reason) for t in derive_key_groups(facts_of(data, village or None, point or None))]
        out.append(Card(data.archive_no, head, village, data.group_name, point, facts, members, tags,
                        f"{cadre[0]}（{cadre[1]}，{cadre[2]}）" if cadre else "未落实", "、".join(units),
                        visits, problems))
    return out


__all__ = ["Card", "card_ids", "cards", "cards_pdf", "monthly_pdf"]


# ------------------------------------------------------------------------------------------ PDFs


def monthly_pdf(db: Database, month: str, *, current: bool = False, full_ids: bool = False,
                today: dt.date | None = None, progress=None) -> BuildResult:
    """The 月报 of `month` as a PDF: as filed when filed (unless `current`), else drawn now as of the month's
    end (`monthly_report.print_month`). The 月报 names households, never prints IDs: full_ids is accepted
    for the command line's sake."""
    from app.services import monthly_report

    del full_ids
    return monthly_report.print_month(db, month, current=current, today=today, progress=progress).result


def cards_pdf(db: Database, *, archive_nos: list[str] | None = None, point: str | None = None,
              household_ids: list[int] | None = None, point_id: int | None = None, full_ids: bool = False,
              progress=None):
    """Gather and draw 一户一档 cards for archive numbers, a settlement point (name or id), or household ids."""
    from app.reports import cards as drawing

    ids = card_ids(db, archive_nos=archive_nos, point=point, household_ids=household_ids, point_id=point_id)
    result = drawing.build(cards(db, ids, full_ids=full_ids, progress=progress),
                           town_name=town.load_town(db).town_name)
    if progress:
        progress(100, "完成")
    return result
