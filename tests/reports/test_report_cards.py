"""Tests of the 一户一档 cards and of the report fonts: IDs masked unless asked, rare characters never dropped."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.cli import main
from app.reports.fonts import FontSet, load_fonts
from app.services import report_data
from app.services.households import load_household
from tests.conftest import family

RARE = "\U00020000"  # 𠀀, CJK Extension B: in no font this test machine ships


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture
def two(add_household):
    """Two households at the big point; returns their ids."""
    return [add_household("王明华"), add_household("张国强")]


def test_one_page_per_household_with_masked_ids(db, two):
    """Each household gets its own page with its members; IDs show only the first 6 and last 4 characters."""
    result = report_data.cards_pdf(db, household_ids=two)
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(io.BytesIO(result.pdf)).pages]
    assert len(pages) == 2 and "王明华" in pages[0] and "张国强" in pages[1]
    ids = [m.id_number for hid in two for m in load_household(db, hid).members]
    text = "".join(pages)
    for id_number in ids:
        assert id_number not in text
        assert id_number[:6] + "*" * 8 + id_number[-4:] in text
    assert not re.search(r"\d{17}[\dX]", text)


def test_full_ids_only_when_asked(db, two):
    """With full_ids the complete ID numbers are printed."""
    result = report_data.cards_pdf(db, household_ids=two, full_ids=True)
    ids = [m.id_number for m in load_household(db, two[0]).members]
    assert all(i in text_of(result.pdf) for i in ids)


def test_cards_for_a_point_from_the_cli(db, two, tmp_path, capsys):
    """`report cards --point NAME` prints every household of the point; an unknown archive number exits 2."""
    out = tmp_path / "cards.pdf"
    path = str(db.path)
    db.close()
    assert main(["--db", path, "report", "cards", "--point", "新寨安置点", "--out", str(out)]) == 0
    assert len(PdfReader(str(out)).pages) == 2
    capsys.readouterr()
    assert main(["--db", path, "report", "cards", "--household", "NO-SUCH", "--out", str(out)]) == 2
    assert "NO-SUCH" in capsys.readouterr().err


def test_a_character_no_font_has_is_reported(db, add_household):
    """A character missing from every font is printed as a box and named in the warnings, never dropped."""
    members = family("王" + RARE, 1)
    hid = add_household("王" + RARE, members=members)
    result = report_data.cards_pdf(db, household_ids=[hid])
    assert any(RARE in w for w in result.warnings)
    assert "户主：王□" in text_of(result.pdf)


def test_a_character_missing_from_the_body_font_falls_back(tmp_path):
    """Text the chosen font lacks is switched to the next font in the chain that has it."""
    latin = next((p for p in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),) if p.is_file()), None)
    if latin is None:
        pytest.skip("no Latin-only TrueType font on this machine")
    pdfmetrics.registerFont(TTFont("TestLatin", str(latin)))
    bundled = load_fonts(system=False)
    fonts = FontSet("TestLatin", "TestLatin", "TestLatin", ["TestLatin", *bundled.chain])
    markup = fonts.markup("A中")
    assert markup.startswith("A") and f'<font face="{bundled.body}">中</font>' in markup
    assert not fonts.warnings()


def test_fonts_without_chinese_or_not_truetype_are_refused(tmp_path):
    """A Latin-only font (what fc-match answers for a missing SimSun) or a non-TrueType file is never chosen."""
    from app.reports.fonts import _register

    fake = tmp_path / "NotoSansCJK.otf"
    fake.write_bytes(b"OTTO")
    assert _register(fake, 0) is None
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.is_file():
        assert _register(latin, 0) is None
    assert load_fonts(system=False).chain == ["HoufuBundled"]
