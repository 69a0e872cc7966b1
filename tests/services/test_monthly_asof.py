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
