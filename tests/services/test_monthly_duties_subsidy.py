"""The 月报 states the duties findings as of the month's end in 三、存在问题, the 后扶人口 roster's size as of
the month's end in 一、基本情况, and a half reconciled in the month in 二、工作开展情况 (SPEC §6, §4.7, §11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from app.models import Household, Member
from app.services import monthly_facts, report_text, subsidy
from app.services.subsidy_reconcile import BankRow, reconcile
from tests.conftest import family

LONG_AGO = dt.date(2024, 1, 1)


def _people(db, add_household, n: int = 3) -> list[Member]:
    for i in range(n):
        add_household(f"王{i}华", members=family(f"王{i}华", 300 + i, spouse=f"李{i}英"), registered_on=LONG_AGO)
    with db.read() as s:
        members = list(s.scalars(select(Member).order_by(Member.id)))
    for i, m in enumerate(members):
        subsidy.save_facts(db, m.id, subsidy.FactsData(category="现状人口", account=f"6228480000000001{i:03d}",
                                                       bank="农业银行"))
    return members


def test_roster_size_is_as_of_the_months_end(db, add_household):
    """March 2026 counts six people; a 核减 dated in April leaves March at six and makes April five; the period
    of 现状人口 ends on 2026-06-30, so July counts none."""
    members = _people(db, add_household)
    subsidy.reduce(db, members[0].id, dt.date(2026, 4, 10), "死亡")
    march = monthly_facts.gather(db, "2026-03", today=dt.date(2026, 12, 2))
    april = monthly_facts.gather(db, "2026-04", today=dt.date(2026, 12, 2))
    july = monthly_facts.gather(db, "2026-07", today=dt.date(2026, 12, 2))
    assert (march.roster_people, april.roster_people, july.roster_people) == (6, 5, 0)
    assert "后期扶持的在册人口6人" in report_text.basic(march)
    assert "后期扶持" not in report_text.basic(july)
    assert march.report["subsidy_people"] == 6


def test_a_half_reconciled_in_the_month_is_stated_with_what_is_open(db, add_household):
    members = _people(db, add_household)
    rows = [BankRow("Sheet1", 3 + i, m.name, m.id_number, Decimal(300), True) for i, m in enumerate(members[1:])]
    reconcile(db, rows, 2026, 1)  # members[0] is not in the bank's file: 漏发
    today = dt.date.today()
    month = f"{today:%Y-%m}"
    now = monthly_facts.gather(db, month, today=today)
    assert [(h.title, h.due_people, h.paid_ok, h.open) for h in now.halves] == [
        ("2026年上半年", 6, 5, {"漏发（应补发）": 1})]
    text = report_text.work(now)
    assert "核对2026年上半年直补发放结果：应发6人，发放成功5人、金额1,500.00元；尚待处理漏发（应补发）1人。" in text
    before = monthly_facts.gather(db, monthly_facts.previous_month(month), today=today)
    assert before.halves == [] and "后扶直补" not in report_text.work(before)


def test_problems_section_states_the_findings_as_of_the_months_end(db, add_household):
    """A leaking house on the register in June is stated under 三、存在问题 for June; a leaking house registered
    in July is not counted in June's report."""
    old = add_household("漏水甲", registered_on=dt.date(2026, 5, 1))
    new = add_household("漏水乙", registered_on=dt.date(2026, 7, 5))
    with db.write() as s:
        for hid in (old, new):
            s.get(Household, hid).house_leaks = True
    june = monthly_facts.gather(db, "2026-06", today=dt.date(2026, 12, 2))
    july = monthly_facts.gather(db, "2026-07", today=dt.date(2026, 12, 2))
    assert june.duties["住房-漏水"] == 1 and july.duties["住房-漏水"] == 2
    assert "房屋漏水未维修1户" in report_text.problems(june)
    assert "房屋漏水未维修2户" in report_text.problems(july)
    assert june.report["duties"]["住房-漏水"] == 1
