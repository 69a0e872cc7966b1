"""The archive service: finding, saving with history, refusing bad data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app import vocab
from app.services import households as hs
from app.services.history import household_history, verify_chain
from tests.conftest import family


def test_search_by_id_fragment_finds_the_household(db, add_household):
    """Typing part of a member's ID number finds that household and only it."""
    target = add_household("张国强")
    add_household("赵志刚")
    idn = hs.load_household(db, target).members[1].id_number
    assert hs.query_ids(db, hs.HouseholdQuery(text=idn[6:14])) == [target]


def test_search_accepts_fullwidth_and_lowercase_x(db, add_household):
    """A search typed with full-width digits finds the same household as half-width."""
    target = add_household("张国强")
    idn = hs.load_household(db, target).members[0].id_number
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in idn[:10])
    assert hs.query_ids(db, hs.HouseholdQuery(text=fullwidth)) == [target]


def test_filters_by_village_point_key_group_and_state(db, place, add_household):
    """Each filter narrows the list to the matching households."""
    village, big, small = place
    a = add_household("甲", point=big, housing="无房")
    b = add_household("乙", point=small, land=Decimal(0))
    c = add_household("丙", point=small, land=None)
    assert hs.query_ids(db, hs.HouseholdQuery(point_id=small)) == [b, c]
    assert hs.query_ids(db, hs.HouseholdQuery(key_group=vocab.TAG_NO_HOUSE)) == [a]
    assert hs.query_ids(db, hs.HouseholdQuery(key_group=vocab.GROUP_SANWU)) == [a, b]
    assert hs.query_ids(db, hs.HouseholdQuery(archive_state=vocab.ARCHIVE_INCOMPLETE)) == [c]
    assert hs.query_ids(db, hs.HouseholdQuery(village_id=village)) == [a, b, c]


def test_saving_a_change_records_history_with_old_and_new_values(db, add_household):
    """Changing a member's phone is saved and the history says what changed."""
    hid = add_household()
    data = hs.load_household(db, hid)
    data.members[0].phone = "138-0851-2233"
    hs.save_household(db, data)
    assert hs.load_household(db, hid).members[0].phone == "13808512233"
    rows = household_history(db, hid)
    assert any(r.field == "联系电话" and r.new == "13808512233" and r.old == "" for r in rows)
    assert verify_chain(db) == []


def test_invalid_id_is_refused_and_nothing_written(db, add_household):
    """A wrong check character refuses the save with the reason, and the archive is unchanged."""
    hid = add_household()
    data = hs.load_household(db, hid)
    good = data.members[0].id_number
    data.members[0].id_number = good[:17] + ("1" if good[17] != "1" else "2")
    data.members[0].phone = "13900000000"
    with pytest.raises(hs.SaveRefused) as refused:
        hs.save_household(db, data)
    assert "校验" in str(refused.value)
    after = hs.load_household(db, hid)
    assert after.members[0].id_number == good and after.members[0].phone == ""


def test_id_of_a_person_in_another_household_is_refused(db, add_household):
    """The same ID cannot be registered in two households; the message names the holder."""
    first = add_household("张国强")
    second = add_household("赵志刚")
    data = hs.load_household(db, second)
    data.members[1].id_number = hs.load_household(db, first).members[1].id_number
    with pytest.raises(hs.SaveRefused) as refused:
        hs.save_household(db, data)
    assert "李秀英" in str(refused.value)


def test_people_leave_but_are_never_deleted(db, add_household):
    """Marking a member 死亡 keeps them in the archive and drops them from the count."""
    hid = add_household()
    data = hs.load_household(db, hid)
    data.members[1].status = "死亡"
    data.members[1].status_date = dt.date(2026, 3, 2)
    hs.save_household(db, data)
    after = hs.load_household(db, hid)
    assert len(after.members) == 2 and after.members[1].status == "死亡"
    assert hs.fetch_rows(db, [hid])[0].member_count == 1


def test_leaving_needs_a_date(db, add_household):
    """迁出 without a date is refused with a message that asks for it."""
    hid = add_household()
    data = hs.load_household(db, hid)
    data.members[1].status = "迁出"
    with pytest.raises(hs.SaveRefused, match="迁出日期"):
        hs.save_household(db, data)


def test_two_heads_are_refused(db, place):
    """A household with two 在册 户主 cannot be saved."""
    members = family("王一", 1) + family("王二", 2, spouse=None)
    with pytest.raises(hs.SaveRefused, match="户主"):
        hs.save_household(db, hs.HouseholdData(village_id=place[0], members=members))


def test_new_household_gets_an_archive_number_and_fills_birth_and_sex_from_the_id(db, place):
    """A blank archive number is generated; birth date and sex come from a valid ID."""
    members = family("王一", 3)
    members[0].sex = ""
    members[0].birth_date = None
    result = hs.save_household(db, hs.HouseholdData(village_id=place[0], members=members))
    data = hs.load_household(db, result.household_id)
    assert result.archive_no.startswith("HF")
    assert data.members[0].sex == "男" and data.members[0].birth_date == dt.date(1968, 4, 4)


def test_attachment_is_stored_with_its_hash(db, add_household, tmp_path):
    """An attached scan is saved inside the database and can be read back byte for byte."""
    hid = add_household()
    scan = tmp_path / "户口簿.jpg"
    scan.write_bytes(b"\xff\xd8 fake jpeg bytes")
    data = hs.load_household(db, hid)
    data.attachments.append(hs.attachment_from_file(scan))
    hs.save_household(db, data)
    saved = hs.load_household(db, hid).attachments
    assert [a.filename for a in saved] == ["户口簿.jpg"]
    assert hs.attachment_bytes(db, saved[0].id) == ("户口簿.jpg", scan.read_bytes())
