"""Tests of the 月报 PDF: its figures are the stats figures, fonts are embedded, headers repeat, the CLI works."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from app import demo
from app.cli import main
from app.reports import layout
from app.reports.fonts import load_fonts
from app.services import report_data, stats

TODAY = dt.date(2025, 6, 18)
MONTH = "2025-06"


def pdf_text(pdf: bytes) -> list[str]:
    """Text of each page, all whitespace removed (pypdf splits table cells and lines at will)."""
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def archive(db):
    """The test database filled with 300 demo households as of TODAY."""
    demo.generate(db, 300, seed=3, today=TODAY)
    return db


@pytest.fixture
def packet(archive):
    """The 月报 of MONTH built from the generated archive: (BuildResult, whole text)."""
    result = report_data.monthly_pdf(archive, MONTH, today=TODAY)
    return result, "".join(pdf_text(result.pdf))


def test_headline_figures_are_the_stats_figures(archive, packet):
    """Households, members, key households, visits due/done and problems open/overdue are stats() itself."""
    _result, text = packet
    s = stats.stats(archive, month=MONTH, today=TODAY)
    assert f"在册{s['households']}户{s['members']}人" in text
    bb = s["baobao"]
    assert f"重点户（三特户或三无户）{bb['key_households']}户" in text
    assert f"未落实{bb['key_households_uncovered']}户" in text
    v = s["visits"]
    assert f"应走访（一对一包保户）{v['due']}户，已由包保干部走访{v['done']}户" in text
    assert f"未办结{s['problems']['open']}个，其中逾期{s['problems']['overdue']}个" in text


def test_village_and_key_group_rows_match_stats(archive, packet):
    """Each village's households and members, and each key group's count, appear as table rows."""
    _result, text = packet
    s = stats.stats(archive, month=MONTH, today=TODAY)
    for name, v in s["villages"].items():
        assert f"{name}{v['households']}{v['members']}" in text, name
    for tag, n in s["key_groups"].items():
        assert f"{tag}{n}" in text, tag


def test_the_packet_has_a_cover_every_section_and_numbered_pages(archive, packet):
    """The cover names the town and month; every section is there; pages after the cover are "— N —"."""
    result, _text = packet
    pages = pdf_text(result.pdf)
    assert "清江镇" in pages[0] and "2025年6月" in pages[0] and "月报" in pages[0]
    whole = "".join(pages)
    for title in result.sections[1:]:
        assert title in whole, title
    assert len(pages) == result.pages >= 5
    for n, page in enumerate(pages[1:], start=1):
        assert f"—{n}—" in page


def test_every_font_is_embedded_truetype(packet):
    """Every font the packet uses carries its TrueType program (FontFile2); no base-14 font is referenced."""
    result, _text = packet
    seen = 0
    for page in PdfReader(io.BytesIO(result.pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            for f in ([d.get_object() for d in descendants] if descendants else [font]):
                assert "/FontFile2" in f["/FontDescriptor"], f.get("/BaseFont")
                seen += 1
    assert seen


def test_the_packet_prints_no_unmasked_id(packet):
    """No 18-character resident ID appears in the packet's text."""
    result, _text = packet
    raw = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(result.pdf)).pages)
    assert not re.search(r"(?<![\d*])\d{17}[\dX](?![\dX])", raw)


def test_a_long_table_repeats_its_header_on_every_page(tmp_path):
    """A table running over several pages starts each page with its header row, and no row is split."""
    fonts = load_fonts()
    st = layout.Styles(fonts)
    rows = [[i, f"第{i}户的很长很长的情况说明，需要换行显示。" * (1 + i % 3), i * 2] for i in range(1, 301)]
    out = io.BytesIO()
    doc = layout.document(out, fonts, title="t")
    doc.build([Paragraph("表", st.h1), layout.table(st, ["序号", "情况说明表头", "数值列"], rows, [.1, .7, .2])])
    pages = pdf_text(out.getvalue())
    assert len(pages) > 3
    for page in pages:
        assert page.count("情况说明表头") == 1
    whole = "".join(pages)
    for i in (1, 150, 300):
        assert f"第{i}户的很长很长的情况说明" in whole


def test_cli_report_monthly_writes_the_pdf(archive, tmp_path, capsys):
    """`report monthly --month --out` exits 0 and writes a PDF; a bad month exits 2 with one line."""
    out = tmp_path / "月报.pdf"
    db_path = str(archive.path)
    archive.close()
    assert main(["--db", db_path, "report", "monthly", "--month", MONTH, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "页" in capsys.readouterr().out
    assert main(["--db", db_path, "report", "monthly", "--month", "2025-13", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "月份格式不对" in err and "\n" not in err


def test_breakdowns_add_up_to_the_headline_figures(archive):
    """Problems by unit and by focus area, and visits by cadre, add up to the stats figures."""
    data = report_data.monthly(archive, MONTH, today=TODAY)
    s = data.stats
    for rows in (data.problems_by_unit, data.problems_by_area):
        assert sum(r.open for r in rows) == s["problems"]["open"]
        assert sum(r.overdue for r in rows) == s["problems"]["overdue"]
    assert sum(due for _n, _r, due, _d in data.cadre_visits) == s["visits"]["due"]
    assert sum(done for _n, _r, _due, done in data.cadre_visits) == s["visits"]["done"]
    assert data.behind_total == s["visits"]["due"] - s["visits"]["done"]
    assert sum(v.households for v in data.villages) == s["households"]


def test_the_months_births_deaths_and_moves_are_counted_by_village(db, add_household):
    """A birth, a death and a move-out dated in the month count there; the same events a month earlier do not."""
    import dataclasses

    from app.services.households import load_household, save_household

    hid = add_household("王明华")
    data = load_household(db, hid)
    head, spouse = data.members
    born = dataclasses.replace(head, id=None, name="王小宝", relation="之子", id_number="",
                               birth_date=dt.date(2025, 6, 3), labour="无劳动力", employment="无")
    old = dataclasses.replace(born, name="王大宝", birth_date=dt.date(2025, 5, 30))
    spouse.status, spouse.status_date = "死亡", dt.date(2025, 6, 10)
    data.members = [head, spouse, born, old]
    save_household(db, data)
    other = load_household(db, add_household("张国强"))
    other.members[1].status, other.members[1].status_date = "迁出", dt.date(2025, 6, 20)
    save_household(db, other)

    row = next(v for v in report_data.monthly(db, MONTH, today=TODAY).villages if v.name == "清江村")
    assert (row.births, row.deaths, row.moved_out) == (1, 1, 1)
    earlier = next(v for v in report_data.monthly(db, "2025-05", today=TODAY).villages if v.name == "清江村")
    assert (earlier.births, earlier.deaths, earlier.moved_out) == (1, 0, 0)
