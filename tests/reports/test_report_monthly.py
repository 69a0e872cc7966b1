"""Tests of the 月报 PDF: a 公文 whose figures are the month-end figures, fonts embedded, headers repeat, the CLI works."""

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
from app.services import asof, report_data

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


def month_figures(db, month: str = MONTH) -> dict:
    """The figures the 月报 printed on TODAY states: as of the month's end, or TODAY while it is not over."""
    with db.read() as s:
        return asof.figures(s, asof.report_day(month, TODAY), month=month)


def test_headline_figures_are_the_month_end_figures(archive, packet):
    """Households, members, key households, visits due/done and problems open/overdue are `stats --month`'s."""
    _result, text = packet
    s = month_figures(archive)
    assert "截至2025年6月18日" in text  # June is not over on TODAY: its figures are as of TODAY
    assert f"在册{s['households']}户" in text and f"{s['members']}人" in text
    bb = s["baobao"]
    assert f"重点户（三特户或三无户）{bb['key_households']}户" in text
    assert f"未落实{bb['key_households_uncovered']}户" in text
    v = s["visits"]
    assert f"应走访一对一包保户{v['due']}户，已由包保干部走访{v['done']}户" in text
    assert f"未办结{s['problems']['open']}个" in text and f"其中逾期{s['problems']['overdue']}个" in text


def test_headlines_carry_last_months_figure(archive, packet):
    """Each headline states last month's figure beside it (computed as of May's end when May was not filed)."""
    _result, text = packet
    may = month_figures(archive, "2025-05")
    assert f"（上月{may['households']}户，" in text
    assert f"（上月{may['members']}人，" in text


def test_village_and_key_group_rows_match_the_figures(archive, packet):
    """Each village's households and members, and each key group's count, appear as 附件 table rows."""
    _result, text = packet
    s = month_figures(archive)
    for name, v in s["villages"].items():
        if v["households"]:
            assert f"{name}{v['households']}{v['members']}" in text, name
    for tag, n in s["key_groups"].items():
        assert f"{tag}{n}" in text, tag


def test_the_report_is_a_gongwen_with_its_sections_and_numbered_pages(archive, packet):
    """Title, 主送, sections 一 to 四, 落款, 抄送 县农业农村局, then the 附件; every page is "— N —"."""
    result, _text = packet
    pages = pdf_text(result.pdf)
    assert "清江镇水利移民站关于2025年6月搬迁群众后续扶持工作情况的报告" in pages[0]
    assert "清江镇党委、清江镇政府：" in pages[0]
    whole = "".join(pages)
    for title in ("一、基本情况", "二、工作开展情况", "三、存在问题", "四、下步工作打算"):
        assert title in whole, title
    assert "抄送：县农业农村局。" in whole and "2025年6月18日" in whole
    assert whole.index("抄送") < whole.index("附件") < whole.index("一、在册户数和人数")
    assert len(pages) == result.pages >= 5
    for n, page in enumerate(pages, start=1):
        assert f"—{n}—" in page


def test_overdue_problems_are_listed_with_owner_and_days(archive, packet):
    """三、存在问题 and the annex name each overdue problem's 责任单位, 责任人 and days overdue."""
    from app.services import monthly_facts

    _result, text = packet
    facts = monthly_facts.gather(archive, MONTH, today=TODAY)
    assert facts.overdue
    p = max(facts.overdue, key=lambda x: x.days_overdue)
    assert f"责任单位{p.unit}，责任人{p.person}，逾期{p.days_overdue}天" in text
    assert "逾期未办结问题" in text and "逾期天数" in text
    assert all(x.days_overdue == (facts.day - x.deadline).days for x in facts.overdue)


def test_support_at_the_month_end_and_fusion_per_point(archive, packet):
    """兜底 shows the households supported at the month's end by type; 融合共建 lists every point this year."""
    from app.services import monthly_facts

    _result, text = packet
    f = monthly_facts.gather(archive, MONTH, today=TODAY)
    assert f"月末享受兜底保障{f.support_end['合计']}户" in text
    assert "月末享受户数" in text
    assert len(f.fusion) == len(f.points)
    assert "2025年各安置点居民融合共建活动" in text


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
    """Problems by unit and by focus area, visits by cadre and households by village add up to the figures."""
    from app.services import monthly_facts

    f = monthly_facts.gather(archive, MONTH)
    s = f.figures
    for rows in (f.problems_by_unit, f.problems_by_area):
        assert sum(r.open for r in rows) == s["problems"]["open"]
        assert sum(r.overdue for r in rows) == s["problems"]["overdue"]
    assert sum(due for _n, _r, due, _d in f.cadre_visits) == s["visits"]["due"]
    assert sum(done for _n, _r, _due, done in f.cadre_visits) == s["visits"]["done"]
    assert f.behind_total == s["visits"]["due"] - s["visits"]["done"]
    assert sum(v["households"] for v in s["villages"].values()) == s["households"]
