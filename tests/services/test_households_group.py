"""The 组 is saved in one form whichever way it was typed (the editor and the importer share the rule)."""

from __future__ import annotations

from app.services.households import HouseholdData, load_household, save_household
from tests.conftest import family


def test_a_household_saved_with_group_three_written_in_chinese_keeps_3zu(db, place):
    hid = save_household(db, HouseholdData(village_id=place[0], settlement_point_id=place[1], group_name="第三组",
                                           members=family("王明华", 1))).household_id
    assert load_household(db, hid).group_name == "3组"
