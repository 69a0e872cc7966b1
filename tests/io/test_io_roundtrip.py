"""Round trip: exporting the archive and importing that file into an empty database gives the same archive."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import vocab
from app.db import create_database
from app.io.export import export_households
from app.io.importer import run_import
from app.io.validate import Options
from app.models import Household, HouseholdTag, Member, SettlementPoint, Village
from app.rules import check_char
from app.services import households as hs
from app.services import town


def _id_pool() -> list[str]:
    """Valid IDs, about half of them ending in X."""
    pool, with_x = [], []
    for n in range(4000):
        birth = dt.date(1930 + n % 90, 1 + n % 12, 1 + n % 28)
        first17 = f"5226{n % 100:02d}{birth:%Y%m%d}{n % 1000:03d}"
        idn = first17 + check_char(first17)
        (with_x if idn.endswith("X") else pool).append(idn)
    return [x for pair in zip(with_x, pool) for x in pair][:400]


IDS = _id_pool()
NAME_CHARS = "王李张刘陈杨黄赵明华秀英国强䶮𠮷堃玥喆淼犇昇珺"
NAMES = st.one_of(
    st.text(alphabet=NAME_CHARS, min_size=1, max_size=4),
    st.sampled_from(["阿依古丽·买买提", "买买提·艾力", "热依拉·阿不都", "欧阳娜娜"]),
)
FREE = st.text(alphabet="汉苗布依初中小学大专=，。！·、0123456789ab", max_size=10).map(str.strip)
PHONES = st.one_of(st.just(""), st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
MONEY = st.one_of(st.none(), st.decimals(min_value=0, max_value=9_999_999, places=2, allow_nan=False))
LAND = st.one_of(st.none(), st.decimals(min_value=0, max_value=99, places=2, allow_nan=False))


@st.composite
def member(draw, relation: str, idn: str, head: bool):
    status = vocab.MEMBER_ACTIVE if head else draw(st.sampled_from(["在册", "在册", "在册", "迁出", "死亡"]))
    return hs.MemberData(
        name=draw(NAMES), relation=relation, id_number=idn,
        ethnic_group=draw(st.sampled_from(["", "汉", "苗", "布依"])), education=draw(FREE),
        health=draw(st.sampled_from(("",) + vocab.HEALTH)), labour=draw(st.sampled_from(("",) + vocab.LABOUR)),
        employment=draw(st.sampled_from(("",) + vocab.EMPLOYMENT)), party_member=draw(st.booleans()),
        phone=draw(PHONES), status=status,
        status_date=None if status == vocab.MEMBER_ACTIVE else draw(st.dates(dt.date(2000, 1, 1), dt.date(2024, 1, 1))),
        notes=draw(FREE),
    )


@st.composite
def archive(draw):
    """Households with a head holding an ID, other members with or without one; IDs unique."""
    count = draw(st.integers(1, 4))
    sizes = [draw(st.integers(1, 4)) for _ in range(count)]
    ids = draw(st.lists(st.sampled_from(IDS), min_size=sum(sizes), max_size=sum(sizes), unique=True))
    households = []
    for size in sizes:
        people = []
        for i in range(size):
            idn = ids.pop()
            if i and draw(st.integers(0, 5)) == 0:
                idn = ""
            relation = vocab.HEAD if i == 0 else draw(st.sampled_from(vocab.RELATIONS[1:]))
            people.append(draw(member(relation, idn, i == 0)))
        village = draw(st.sampled_from(["清江村", "平寨村", None]))
        households.append(dict(
            village=village, point=draw(st.sampled_from(["新寨安置点", "河坝分散点", None])) if village else None,
            group_name=draw(st.sampled_from(["", "3组", "7", "二组"])), address=draw(FREE),
            original_residence=draw(FREE), relocation_date=draw(st.sampled_from(["", "2019", "2019-10", "2018-05-03"])),
            settlement_type=draw(st.sampled_from(("",) + vocab.SETTLEMENT_TYPES)),
            housing_status=draw(st.sampled_from(("",) + vocab.HOUSING_STATUS)),
            house_leaks=draw(st.sampled_from([None, True, False])),
            geohazard_unmoved=draw(st.sampled_from([None, True, False])), land_mu=draw(LAND),
            annual_income=draw(MONEY), phone=draw(PHONES), household_size=draw(st.one_of(st.none(), st.integers(0, 9))),
            notes=draw(FREE), declared_tags=set(draw(st.lists(st.sampled_from(vocab.KEY_TAGS), max_size=3))),
            members=people,
        ))
    return households


def snapshot(db) -> list[tuple]:
    """The archive as comparable values: every household field, tag, member field and derived cache."""
    with db.read() as s:
        villages = dict(s.execute(select(Village.id, Village.name)).all())
        points = dict(s.execute(select(SettlementPoint.id, SettlementPoint.name)).all())
        out = []
        for h in s.scalars(select(Household).order_by(Household.archive_no)):
            members = [tuple(getattr(m, a) for a in ("name", "relation", "sex", "id_number", "birth_date",
                                                     "ethnic_group", "education", "health", "labour", "employment",
                                                     "party_member", "phone", "status", "status_date", "notes"))
                       for m in s.scalars(select(Member).where(Member.household_id == h.id)
                                          .order_by(Member.sort_order, Member.id))]
            tags = sorted(s.scalars(select(HouseholdTag.tag).where(HouseholdTag.household_id == h.id)))
            out.append((h.archive_no, villages.get(h.village_id), points.get(h.settlement_point_id), h.group_name,
                        h.address, h.original_residence, h.relocation_date, h.settlement_type, h.housing_status,
                        h.house_leaks, h.geohazard_unmoved, h.land_mu, h.annual_income, h.phone, h.household_size,
                        h.status, h.notes, tags, members, h.key_flags, h.archive_state, h.head_name, h.member_count))
        return out


def fresh(folder: Path, name: str):
    db = create_database(folder / name)
    town.seed_reference_data(db)
    return db


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(archive())
def test_export_then_import_into_an_empty_database_gives_the_same_archive(households):
    """Any archive (IDs ending in X, rare and minority names, blanks, tags, leavers) survives export and import."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = fresh(folder, "source.db")
        places: dict[tuple[str, str | None], int] = {}
        try:
            for h in households:
                village_id = point_id = None
                if h["village"]:
                    key = (h["village"], None)
                    if key not in places:
                        places[key] = town.save_village(source, town.VillageData(name=h["village"]))
                    village_id = places[key]
                    if h["point"]:
                        pkey = (h["village"], h["point"])
                        if pkey not in places:
                            places[pkey] = town.save_point(source, town.PointData(
                                name=h["point"], village_id=village_id))
                        point_id = places[pkey]
                fields = {k: v for k, v in h.items() if k not in ("village", "point")}
                hs.save_household(source, hs.HouseholdData(village_id=village_id, settlement_point_id=point_id, **fields))
            export_households(source, folder / "archive.xlsx")
            target = fresh(folder, "target.db")
            try:
                _, result = run_import(target, [folder / "archive.xlsx"], Options(new_places=True))
                assert result.errors == [], [e.message for e in result.errors]
                assert result.households_imported == len(households)
                assert snapshot(target) == snapshot(source)
            finally:
                target.close()
        finally:
            source.close()


def test_round_trip_keeps_money_and_land_exactly(db, tmp_path, add_household):
    """Amounts with cents and land with two decimals come back to the cent."""
    hid = add_household("王明华")
    data = hs.load_household(db, hid)
    data.annual_income = Decimal("1234567.89")
    data.land_mu = Decimal("0.05")
    hs.save_household(db, data)
    export_households(db, tmp_path / "a.xlsx")
    target = fresh(tmp_path, "t.db")
    try:
        run_import(target, [tmp_path / "a.xlsx"], Options(new_places=True))
        back = hs.load_household(target, hs.query_ids(target, hs.HouseholdQuery())[0])
        assert (back.annual_income, back.land_mu) == (Decimal("1234567.89"), Decimal("0.05"))
    finally:
        target.close()
