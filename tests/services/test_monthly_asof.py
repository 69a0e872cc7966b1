"""The 月报's newer figures as of the month's end (SPEC §4.8, §6, §11): archive completeness judged by the
fields as they stood, the 后扶人口 roster's size, the half reconciled in the month, and 三、存在问题 drafted
from the duty findings of the month's last day."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from app.services import asof, duties, monthly_facts, report_text
from app.services.households import load_household, save_household
from tests.services.test_asof import backdate

MARCH = "2025-03"
MARCH_END = asof.month_end(MARCH)


@pytest.fixture
def three(db, add_household):
    """Three complete households of 清江村 registered in February 2025 (typed in then, as far as history goes)."""
    ids = [add_household(name) for name in ("王明华", "张国强", "李春生")]
    for hid in ids:
        backdate(db, hid, dt.date(2025, 2, 10))
    return ids


def archive_of(db, month: str) -> dict[str, int]:
    return monthly_facts.gather(db, month).archive


def test_completeness_of_a_past_month_judges_households_by_their_fields_then(db, three, add_household):
    """Blanking the land of one household and adding a member without an ID to another today leaves March at
    3 complete; a household registered after March is not counted; today's archive shows both incomplete."""
    first = load_household(db, three[0])
    first.land_mu = None
    save_household(db, first)
    second = load_household(db, three[1])
    child = dataclasses.replace(second.members[0], id=None, name="张小明", relation="之子", id_number="",
                                birth_date=dt.date(2012, 5, 1))
    second.members = [*second.members, child]
    save_household(db, second)
    late = add_household("赵后来", land=None)
    backdate(db, late, dt.date(2025, 4, 2))
    assert archive_of(db, MARCH) == {"完整": 3, "不完整": 0, "不一致": 0}
    now = monthly_facts.gather(db, f"{dt.date.today():%Y-%m}").archive
    assert now == {"完整": 1, "不完整": 3, "不一致": 0}
    text = report_text.work(monthly_facts.gather(db, MARCH))
    assert "档案完整3户，不完整0户，不一致0户，完整率100.0%" in text


def test_a_later_fix_does_not_make_a_past_month_complete(db, three):
    """A household whose housing status was blank in March and is filled in today is incomplete in March's
    report and in the findings as of March's end, complete now."""
    data = load_household(db, three[2])
    data.housing_status = ""
    save_household(db, data)
    backdate(db, three[2], dt.date(2025, 2, 10))  # the blank was in the archive since February
    data = load_household(db, three[2])
    data.housing_status = "自有安置房"
    save_household(db, data)
    assert archive_of(db, MARCH) == {"完整": 2, "不完整": 1, "不一致": 0}
    with db.read() as s:
        then = duties.compute_findings(s, MARCH_END, rules=["档案-不完整"])
        now = duties.compute_findings(s, dt.date.today(), rules=["档案-不完整"])
    assert then.by_rule["档案-不完整"] == 1 and [f.subject_id for f in then.items] == [three[2]]
    assert now.by_rule["档案-不完整"] == 0


def on_roster(db, household_ids) -> list[int]:
    """Every member of the households on the 后扶 roster as 现状人口 with an account; their ids in order."""
    from sqlalchemy import select

    from app.models import Member
    from app.services import subsidy

    with db.read() as s:
        ids = list(s.scalars(select(Member.id).where(Member.household_id.in_(household_ids)).order_by(Member.id)))
    for i, mid in enumerate(ids):
        subsidy.save_facts(db, mid, subsidy.FactsData(category="现状人口", account=f"62284800000000{i:05d}"))
    return ids


def test_roster_size_at_the_month_end_is_unchanged_by_a_later_reduction(db, three):
    """Six people supported at March's end; a 核减 dated 15 April (recorded today) leaves March at 6, April at
    5; 一、基本情况 of March says 6 and the figure is kept with the filed month."""
    from app.services import monthly_report, subsidy

    people = on_roster(db, three)
    subsidy.reduce(db, people[0], dt.date(2025, 4, 15), "死亡")
    march, april = monthly_facts.gather(db, MARCH), monthly_facts.gather(db, "2025-04")
    assert (march.subsidy_people, april.subsidy_people) == (6, 5)
    assert "应享受直补的6人" in report_text.basic(march)
    monthly_report.file_month(db, MARCH, "张三", today=dt.date(2025, 4, 3))
    assert monthly_report.filed_figures(db, MARCH)["report"]["subsidy"]["people"] == 6
    may = monthly_report.prepare(db, "2025-05")
    assert "应享受直补的5人" in may.texts["basic"]


def test_a_reconciled_half_is_stated_in_the_month_it_was_reconciled(db, three):
    """The bank's return of 2025 H1 reconciled on 20 March: March's 二、工作开展情况 states what was due and paid
    and what is still open (one failed, one not paid); February and April say nothing of it; the filed
    March keeps the figures."""
    from decimal import Decimal

    from sqlalchemy import update

    from app.models import Member, SubsidyHalf
    from app.services import monthly_report
    from app.services.subsidy_reconcile import BankRow, reconcile

    people = on_roster(db, three)
    with db.read() as s:
        held = [(m.name, m.id_number) for m in (s.get(Member, i) for i in people)]
    rows = [BankRow("发放结果", 2 + i, name, idn, Decimal(300), True) for i, (name, idn) in enumerate(held[:4])]
    rows.append(BankRow("发放结果", 6, *held[4], Decimal(300), False, "账户已销户"))
    reconcile(db, rows, 2025, 1)
    with db.write() as s:
        s.execute(update(SubsidyHalf).values(reconciled_at=dt.datetime(2025, 3, 20, 10)))
    march = monthly_facts.gather(db, MARCH)
    assert [(h["label"], h["due_people"], h["paid_ok"], h["unpaid"], h["failed"]) for h in march.subsidy_paid] == [
        ("2025年上半年", 6, 4, 1, 1)]
    text = report_text.work(march)
    assert "本月核对2025年上半年直补发放结果：应发6人1,800.00元，银行发放成功1,200.00元，其中足额发放4人" in text
    assert "尚有漏发（应补发）1人、发放失败1人待处理" in text
    for other in ("2025-02", "2025-04"):
        assert monthly_facts.gather(db, other).subsidy_paid == []
        assert "直补发放结果" not in report_text.work(monthly_facts.gather(db, other))
    monthly_report.file_month(db, MARCH, "张三", today=dt.date(2025, 4, 3))
    paid = monthly_report.filed_figures(db, MARCH)["report"]["subsidy"]["paid"]
    assert paid[0]["paid_ok"] == 4 and paid[0]["paid_amount"] == 1200
