"""Shared fixtures: every test gets a fresh temporary database; Qt runs offscreen; logs stay in tmp."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HOUFU_DATA_DIR", tempfile.mkdtemp(prefix="houfu-test-data-"))


@pytest.fixture(autouse=True)
def _gui_jobs_finish_with_their_test():
    """A Qt test's queued database jobs end (and deliver) before the next test starts, so no job of one test
    runs against another test's database or reports into another test's dialogs."""
    yield
    if "app.ui.taskman" in sys.modules:
        from PySide6.QtWidgets import QApplication

        from app.ui import taskman

        taskman.wait_idle(30000)
        if QApplication.instance() is not None:
            QApplication.processEvents()


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster on a Unix socket for the session (tests/pg_cluster.py), or the server of
    HOUFU_TEST_PG. The PostgreSQL cases are skipped, saying why, only where no server is installed; a server
    that is installed but does not start is an error, never a silent skip (CI installs one)."""
    from tests.pg_cluster import ENV_URL, server_binaries, start_cluster

    if not os.environ.get(ENV_URL) and server_binaries() is None:
        pytest.skip("PostgreSQL cases skipped: no PostgreSQL server programs (Debian: apt-get install postgresql)")
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def county_target(request, tmp_path):
    """Where a county test's county database goes, once per backend: a file that does not exist yet, or a
    fresh empty database on PostgreSQL (a config.ServerURL; dropped afterwards). `county merge` creates
    the county database in either."""
    if request.param == "sqlite":
        yield tmp_path / "县.db"
        return
    from app.config import ServerURL

    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.create_database()
    yield ServerURL(url)
    cluster.drop_database(url)


@pytest.fixture
def db(tmp_path):
    """A new, empty database with the town's default units and a town profile."""
    from app.db import create_database
    from app.services import town

    database = create_database(tmp_path / "test.db")
    town.seed_reference_data(database)
    town.save_town(database, town.TownData(town_name="清江镇", county_name="某县", station_name="清江镇水利移民站"))
    yield database
    database.close()


@pytest.fixture
def place(db):
    """A village and two settlement points in it: (village_id, big_point_id, small_point_id)."""
    from app.services import town

    village = town.save_village(db, town.VillageData(name="清江村", secretary="刘德华"))
    big = town.save_point(db, town.PointData(name="新寨安置点", village_id=village, kind="集中"))
    small = town.save_point(db, town.PointData(name="河坝分散点", village_id=village, kind="分散"))
    return village, big, small


def family(head: str, seq: int, *, spouse: str | None = "李秀英", region: str = "522601"):
    """Members of a plausible family with valid IDs; seq keeps IDs unique across a test."""
    from app.rules import make_id
    from app.services.households import MemberData

    members = [MemberData(name=head, relation="户主", sex="男",
                          id_number=make_id(region, dt.date(1968, 1 + seq % 12, 1 + seq % 28), (2 * seq + 1) % 1000),
                          labour="普通劳动力", employment="县内务工")]
    if spouse:
        members.append(MemberData(name=spouse, relation="配偶", sex="女",
                                  id_number=make_id(region, dt.date(1970, 1 + seq % 12, 1 + seq % 28), (2 * seq) % 1000),
                                  labour="弱劳动力", employment="在家务农"))
    return members


@pytest.fixture
def add_household(db, place):
    """Create a household through the archive service; returns its id."""
    from app.services.households import HouseholdData, save_household

    counter = {"n": 0}

    def make(head: str = "王明华", *, point: int | None = None, housing: str = "自有安置房",
             land: Decimal | None = Decimal("1.20"), members=None, tags=(), phone: str = "", registered_on=None) -> int:
        counter["n"] += 1
        data = HouseholdData(village_id=place[0], settlement_point_id=point or place[1], housing_status=housing,
                             land_mu=land, phone=phone, declared_tags=set(tags),
                             members=members if members is not None else family(head, counter["n"]))
        hid = save_household(db, data).household_id
        if registered_on is not None:  # a household on the register since that day (SPEC §4.8)
            from app.models import Household

            with db.write() as s:
                s.get(Household, hid).registered_on = registered_on
        return hid

    return make



def type_into(widget, text: str) -> None:
    """Type text into a widget as a clerk would, Chinese included (see tests/ui/qt_helpers.type_text)."""
    from tests.ui.qt_helpers import type_text

    type_text(None, widget, text)
