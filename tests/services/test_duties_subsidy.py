"""督办提醒 of SPEC §11 and §8 through the one findings mechanism: 直补-应核减 and 直补-无账号 at their edges,
跨镇重复 in a county database built by merging two towns' copies, and `check --duties --town`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.cli import main
from app.db import open_database
from app.services import baobao as bs
from app.services import duties, subsidy
from app.services.county_merge import create_county, merge_copies
from app.services.households import load_household, save_household
from tests.conftest import family
from tests.ledgers.helpers import cadre
from tests.services.county_helpers import copy_of, make_town, share_an_id

TODAY = dt.date.today()
ACCOUNT = "6228 4800 0000 0000 123"
JOINED = dt.date(2015, 3, 1)  # 原迁人口 supported from their relocation: still within the 20 years

# Every list a test reads is also counted, and the counts must agree (首页 and the 月报 count alone).
pytestmark = pytest.mark.usefixtures("counts_agree")


def on_roster(db, hid: int, *, account: str = ACCOUNT, start: dt.date = JOINED) -> list[int]:
    """Put every member of the household on the 后扶 roster; returns their ids in archive order."""
    ids = [m.id for m in load_household(db, hid).members]
    for mid in ids:
        subsidy.save_facts(db, mid, subsidy.FactsData(category="原迁人口", account=account, start_on=start))
    return ids


def record_in_archive(db, hid: int, index: int, status: str, day: dt.date) -> None:
    """The clerk records a member's 死亡 / 迁出 in the household's archive."""
    data = load_household(db, hid)
    data.members[index].status, data.members[index].status_date = status, day
    save_household(db, data)


def cli_json(capsys, *argv) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# ------------------------------------------------------------------------------------------ 直补-应核减


def test_a_death_recorded_in_the_archive_is_a_finding_until_the_reduction_is_recorded(db, add_household, capsys):
    hid = add_household("王明华", members=family("王明华", 11, spouse="李秀英"))
    head, spouse = on_roster(db, hid)
    died = TODAY - dt.timedelta(days=20)
    record_in_archive(db, hid, 1, "死亡", died)
    assert duties.findings(db, died - dt.timedelta(days=1)).of_rule("直补-应核减") == []
    found = duties.findings(db, TODAY).of_rule("直补-应核减")
    assert [f.subject_id for f in found] == [spouse]
    f = found[0]
    idn = load_household(db, hid).members[1].id_number
    assert "李秀英" in f.subject and idn not in f.subject and idn[:6] in f.subject and idn[-4:] in f.subject
    assert f.owner == "清江村" and f.since == died and f.household == hid and f.severity == "问题"
    assert "核减" in f.message and "死亡" in f.message
    data = cli_json(capsys, "--db", str(db.path), "check", "--duties")
    assert data["by_rule"]["直补-应核减"] == 1
    assert [x["subject"] for x in data["findings"] if x["rule"] == "直补-应核减"] == [f.subject]
    assert idn not in json.dumps(data, ensure_ascii=False)

    bs.assign_households(db, [hid], cadre(db, "张建国"), TODAY - dt.timedelta(days=60))
    assert duties.findings(db, TODAY).of_rule("直补-应核减")[0].owner == "张建国"
    subsidy.reduce(db, spouse, died, "死亡")
    assert duties.findings(db, TODAY).of_rule("直补-应核减") == []
    assert cli_json(capsys, "--db", str(db.path), "check", "--duties")["by_rule"]["直补-应核减"] == 0


def test_a_person_who_moved_away_is_found_even_after_the_household_left(db, add_household):
    hid = add_household("赵德胜", members=family("赵德胜", 12, spouse=None))
    (only,) = on_roster(db, hid)
    record_in_archive(db, hid, 0, "迁出", TODAY - dt.timedelta(days=3))
    with db.write() as s:
        from app.models import Household

        h = s.get(Household, hid)
        h.status, h.left_on = "整户迁出", TODAY - dt.timedelta(days=2)
    found = duties.findings(db, TODAY).of_rule("直补-应核减")
    assert [(f.subject_id, f.owner) for f in found] == [(only, "清江村")]
    assert "清江村 赵德胜" in found[0].subject and "迁出" in found[0].message


# ------------------------------------------------------------------------------------------ 直补-无账号


def test_a_roster_person_without_an_account_is_a_finding_until_the_account_is_added(db, add_household, capsys):
    hid = add_household("孙建华", members=family("孙建华", 13, spouse="周兰芳"))
    head, spouse = on_roster(db, hid)
    assert duties.findings(db, TODAY).of_rule("直补-无账号") == []
    subsidy.save_facts(db, spouse, subsidy.FactsData(category="原迁人口", account="", start_on=JOINED))
    found = duties.findings(db, TODAY).of_rule("直补-无账号")
    assert [f.subject_id for f in found] == [spouse]
    assert "周兰芳" in found[0].subject and "一卡通账号" in found[0].message and found[0].household == hid
    assert found[0].since == JOINED  # supported since then, without an account
    assert cli_json(capsys, "--db", str(db.path), "check", "--duties")["by_rule"]["直补-无账号"] == 1
    subsidy.save_facts(db, spouse, subsidy.FactsData(category="原迁人口", account="6228480000000000999",
                                                     start_on=JOINED))
    assert duties.findings(db, TODAY).of_rule("直补-无账号") == []


def test_no_account_is_found_before_support_starts_but_not_after_a_reduction(db, add_household):
    hid = add_household("吴永红", members=family("吴永红", 14, spouse="陈桂兰"))
    later = TODAY + dt.timedelta(days=40)
    head, spouse = on_roster(db, hid, account="")
    subsidy.save_facts(db, head, subsidy.FactsData(category="原迁人口", account="", start_on=later))
    found = {f.subject_id: f for f in duties.findings(db, TODAY).of_rule("直补-无账号")}
    assert set(found) == {head, spouse}
    assert found[head].since is None and later.isoformat() in found[head].message
    subsidy.reduce(db, spouse, TODAY - dt.timedelta(days=1), "转为非农业户口")
    assert [f.subject_id for f in duties.findings(db, TODAY).of_rule("直补-无账号")] == [head]


def test_the_subsidy_rules_follow_the_archive_rules_in_the_spec_order(db):
    codes = [c.code for c in duties.CHECKS]
    assert codes[:len(duties.RULE_ORDER)] == list(duties.RULE_ORDER)
    assert codes.index("档案-不一致") + 1 == codes.index("直补-应核减") == codes.index("直补-无账号") - 1
    assert list(duties.findings(db, TODAY).by_rule)[-3:] == ["直补-应核减", "直补-无账号", "跨镇重复"]


# ------------------------------------------------------------------------------------------ county


@pytest.fixture
def county(tmp_path, county_target):
    """A county database merged from three towns' copies (in a file, and on PostgreSQL); 清江镇 and 白河镇
    share one ID, 石门镇 none."""
    towns = {name: make_town(tmp_path, name, households=20, seed=seed)
             for seed, name in enumerate(("清江镇", "白河镇", "石门镇"), start=1)}
    idn, name = share_an_id(towns["清江镇"], towns["白河镇"])
    path = county_target
    db = create_county(path, "竹山县")
    try:
        merge_copies(db, [copy_of(p, tmp_path / f"{n}-副本.db") for n, p in towns.items()], None)
    finally:
        db.close()
    return path, towns, idn, name


def test_cross_town_duplicates_are_a_duty_finding_of_the_county_and_of_each_town_holding_them(county, capsys):
    path, towns, idn, name = county
    data = cli_json(capsys, "--db", str(path), "check", "--duties")
    assert data["by_rule"]["跨镇重复"] == 1
    (f,) = [x for x in data["findings"] if x["rule"] == "跨镇重复"]
    assert f["owner"] == "、".join(sorted(["清江镇", "白河镇"])) and f["severity"] == "问题"
    assert name in f["message"] and "清江镇" in f["message"] and "白河镇" in f["message"]
    assert idn not in json.dumps(data, ensure_ascii=False)
    for town, n in (("清江镇", 1), ("白河镇", 1), ("石门镇", 0)):
        narrowed = cli_json(capsys, "--db", str(path), "check", "--duties", "--town", town)
        assert narrowed["by_rule"]["跨镇重复"] == n, town
    for town_path in towns.values():  # a town's own database holds one town: nothing to find
        assert cli_json(capsys, "--db", str(town_path), "check", "--duties")["by_rule"]["跨镇重复"] == 0
    report = cli_json(capsys, "--db", str(path), "check")
    assert [x["subject"] for x in report["cross_town"]] == [f["subject"]]
    assert report["cross_town"][0]["towns"] == sorted(["清江镇", "白河镇"])


def test_duties_narrowed_to_a_town_are_that_towns_own_findings(county, capsys):
    """`check --duties --town X` in the county lists what X's own database lists (跨镇重复 aside)."""
    path, towns, _idn, _name = county
    day = TODAY.isoformat()
    whole = cli_json(capsys, "--db", str(path), "check", "--duties", "--as-of", day)
    parts = 0
    for town, town_path in towns.items():
        own = cli_json(capsys, "--db", str(town_path), "check", "--duties", "--as-of", day)
        narrowed = cli_json(capsys, "--db", str(path), "check", "--duties", "--town", town, "--as-of", day)
        drop = {"跨镇重复"}
        assert {k: v for k, v in narrowed["by_rule"].items() if k not in drop} == \
            {k: v for k, v in own["by_rule"].items() if k not in drop}, town
        assert [x for x in narrowed["findings"] if x["rule"] not in drop] == \
            [x for x in own["findings"] if x["rule"] not in drop], town
        assert sum(own["by_rule"].values()) > 0
        parts += sum(v for k, v in own["by_rule"].items() if k not in drop)
    assert sum(v for k, v in whole["by_rule"].items() if k != "跨镇重复") == parts


def test_an_unknown_town_is_one_chinese_line_and_exit_2(county, capsys, db):
    path, _towns, _idn, _name = county
    assert main(["--db", str(path), "check", "--duties", "--town", "不存在镇"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "不存在镇" in err and "清江镇" in err
    assert main(["--db", str(db.path), "check", "--duties", "--town", "白河镇"]) == 2  # a town's own database
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "白河镇" in err
    assert main(["--db", str(db.path), "check", "--duties", "--town", "清江镇", "--json"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db.path), "check", "--town", "清江镇"]) == 2
    assert "--duties" in capsys.readouterr().err


def test_the_county_summary_counts_cross_town_findings_by_town(county):
    from app.services.county_summary import county_summary

    path, _towns, _idn, _name = county
    db = open_database(path)
    try:
        summary = county_summary(db)
    finally:
        db.close()
    by_town = {t.name: t.findings["跨镇重复"] for t in summary.towns}
    assert by_town == {"清江镇": 1, "白河镇": 1, "石门镇": 0}
    assert summary.total.findings["跨镇重复"] == 1 and len(summary.cross_town) == 1


def test_a_county_read_over_every_town_lists_each_towns_plan_measured_by_its_own_ledgers(county):
    """Three towns' plans of the year in one county database: 全部镇 shows each town's items, town by town,
    with the completion its own database shows, not one town's plan (nor the county's records against it)."""
    from app.services import plans

    path, towns, _idn, _name = county
    month = f"{TODAY.year:04d}-{TODAY.month:02d}"

    def shown(db_path):
        db = open_database(db_path, readonly=True)
        try:
            return [(st.focus_area, st.title, st.target, st.done, st.source)
                    for st in plans.item_statuses(db, TODAY.year, month, today=TODAY)]
        finally:
            db.close()

    own = {name: shown(p) for name, p in towns.items()}
    assert all(own.values()) and own["清江镇"] != own["白河镇"]
    county_db = open_database(path, readonly=True)
    try:
        from app.services.county import list_towns

        order = [t.name for t in sorted(list_towns(county_db), key=lambda t: t.id)]
    finally:
        county_db.close()
    assert shown(path) == [row for name in order for row in own[name]]


def test_the_county_archive_export_counts_every_towns_households(county, tmp_path, capsys):
    """Towns number their households alike (XJ-0001 …): the county's export counts households, not numbers."""
    path, towns, _idn, _name = county

    def exported(db_path, out):
        assert main(["--db", str(db_path), "export", "households", str(out)]) == 0
        line = capsys.readouterr().out
        return int(line.split("已导出 ")[1].split(" 户")[0]), int(line.split("户、")[1].split(" 人")[0])

    parts = [exported(p, tmp_path / f"{n}.xlsx") for n, p in towns.items()]
    assert exported(path, tmp_path / "县.xlsx") == (sum(h for h, _ in parts), sum(m for _, m in parts))
