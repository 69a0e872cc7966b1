"""The 月报 states the duties findings as of the month's end in 三、存在问题 (SPEC §6, §4.7)."""

from __future__ import annotations

import datetime as dt

from app.models import Household
from app.services import monthly_facts, report_text

LONG_AGO = dt.date(2024, 1, 1)


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
