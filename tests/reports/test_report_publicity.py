"""`report publicity` (SPEC §11): one page set per village, masked IDs only, 公示期 and 监督电话."""

from __future__ import annotations

import datetime as dt
import re

from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.models import Member
from app.services import subsidy
from app.services.subsidy_publicity import publicity_data
from tests.conftest import family


def test_publicity_pdf_lists_the_roster_and_changes_with_masked_ids(db, add_household, tmp_path, capsys):
    for i in range(3):
        add_household(f"王{i}华", members=family(f"王{i}华", 300 + i, spouse=f"李{i}英"))
    with db.read() as s:
        members = list(s.scalars(select(Member).order_by(Member.id)))
    for m in members:
        subsidy.save_facts(db, m.id, subsidy.FactsData(category="原迁人口", start_on=dt.date(2015, 3, 1),
                                                       account="6228480000000000123"))
    subsidy.reduce(db, members[0].id, dt.date(2026, 4, 2), "死亡")
    settings = subsidy.load_settings(db)
    subsidy.save_settings(db, settings.county, "0851-1234567")
    data = publicity_data(db, 2026, start=dt.date(2026, 12, 1))
    assert [v.name for v in data.villages] == ["清江村"]
    village = data.villages[0]
    assert len(village.rows) == 6 and village.changes[0][2:] == ["核减", "死亡", "2026-04-02"]
    assert village.rows[0][5] == "300.00"  # paid for H1 only
    out = tmp_path / "公示.pdf"
    code = main(["--db", str(db.path), "report", "publicity", "--year", "2026", "--out", str(out),
                 "--from", "2026-12-01"])
    assert code == 0, capsys.readouterr()
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(out).pages))
    assert "清江镇2026年大中型水库移民后期扶持人口公示" in text
    assert "2026年12月1日至2026年12月7日" in text and "0851-1234567" in text
    for m in members:
        assert m.id_number not in text
    assert "清江镇水利移民站" in text
    code = main(["--db", str(db.path), "report", "publicity", "--year", "2026", "--village", "无此村",
                 "--out", str(out)])
    assert code == 1
