"""The 月报 kept with its month: section edits, filing (报送) with PDF, figures and text, a filed month printed
as filed after later work, 更正 versions, and last month's figures taken from its filed version."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import update

from app import demo
from app.cli import main
from app.models import Household, Problem, Visit
from app.services import monthly_report

TODAY = dt.date(2025, 6, 18)
JUNE, JULY = "2025-06", "2025-07"
FILED_ON = dt.date(2025, 7, 3)


@pytest.fixture
def archive(db):
    demo.generate(db, 120, seed=5, today=TODAY)
    return db


def add_household(db, head: str, seq: int = 900) -> int:
    """A household typed in today, in the demo's first village."""
    from app.models import Village
    from app.services.households import HouseholdData, save_household
    from tests.conftest import family

    with db.read() as s:
        village = s.scalar(Village.__table__.select().with_only_columns(Village.id).limit(1))
    return save_household(db, HouseholdData(village_id=village, housing_status="自有安置房",
                                            members=family(head, seq, region="110101"))).household_id


def later_work(db) -> None:
    """What the clerk types after June was filed: a new household, a visit and a problem of today."""
    hid = add_household(db, "新来户")
    with db.write() as s:
        s.add(Visit(date=dt.date.today(), household_id=hid, way="电话"))
        s.add(Problem(found_date=dt.date.today(), source="走访", focus_area="住房保障", description="新问题"))


def test_a_filed_month_reprints_as_filed_after_later_work(archive):
    """Filing stores the PDF, figures and texts; after later work the month prints byte for byte as filed and
    its figures computed again are identical to the filed ones."""
    v = monthly_report.file_month(archive, JUNE, "张三", today=FILED_ON)
    assert (v.version, v.kind, v.filed_by) == (1, "报送", "张三")
    filed_pdf, filed_docx = monthly_report.filed_files(archive, JUNE)
    assert filed_pdf.startswith(b"%PDF") and filed_docx.startswith(b"PK")
    figures = monthly_report.filed_figures(archive, JUNE)
    later_work(archive)
    assert monthly_report.print_month(archive, JUNE).result.pdf == filed_pdf
    again = monthly_report.prepare(archive, JUNE)
    assert json.dumps(again.figures, sort_keys=True) == json.dumps(figures, sort_keys=True)
    assert again.texts == monthly_report.filed_texts(archive, JUNE)
    assert monthly_report.changes_since_filing(archive, JUNE) == []
    current = monthly_report.print_month(archive, JUNE, current=True, today=FILED_ON).result.pdf
    assert current.startswith(b"%PDF") and current != filed_pdf


def test_next_month_takes_last_months_figures_from_its_filed_version(archive):
    """July's 上月 is June as filed, even when a later correction to June's records would change June."""
    monthly_report.file_month(archive, JUNE, "张三", today=FILED_ON)
    filed = monthly_report.filed_figures(archive, JUNE)
    late = add_household(archive, "补登户", 901)
    with archive.write() as s:  # a household found to have registered in June, typed in afterwards
        s.execute(update(Household).where(Household.id == late).values(registered_on=dt.date(2025, 6, 5)))
    assert monthly_report.prepare(archive, JUNE).figures["households"] == filed["households"] + 1
    july = monthly_report.prepare(archive, JULY)
    assert july.facts.previous == filed and july.facts.previous_filed
    assert f"（上月{filed['households']}户，" in july.texts["basic"]


def test_a_change_after_filing_is_listed_and_filed_as_a_correction(archive):
    """What changed since filing is listed figure by figure; filing again stores a 更正; unchanged is refused."""
    monthly_report.file_month(archive, JUNE, "张三", today=FILED_ON)
    before = monthly_report.filed_figures(archive, JUNE)["households"]
    late = add_household(archive, "补登户", 901)
    with archive.write() as s:
        s.execute(update(Household).where(Household.id == late).values(registered_on=dt.date(2025, 6, 5)))
    changes = {c.label: (c.filed, c.now) for c in monthly_report.changes_since_filing(archive, JUNE)}
    assert changes["在册户数"] == (before, before + 1)
    v2 = monthly_report.file_month(archive, JUNE, today=FILED_ON)  # the name is remembered
    assert (v2.version, v2.kind, v2.filed_by) == (2, "更正", "张三")
    with pytest.raises(ValueError, match="无需更正"):
        monthly_report.file_month(archive, JUNE, today=FILED_ON)
    assert [(v.version, v.kind) for v in monthly_report.filed_versions(archive, JUNE)] == [(1, "报送"), (2, "更正")]
    assert monthly_report.filed_figures(archive, JUNE)["households"] == before + 1


def test_section_edits_are_kept_with_the_month_and_filed(archive):
    """An edited section replaces its draft for that month only; the draft text back again follows the
    records; filing stores the edited text."""
    p = monthly_report.prepare(archive, JUNE)
    edited = p.drafts["problems"] + "\n另：部分村报送资料不及时。"
    kept = monthly_report.save_sections(archive, JUNE, {**p.texts, "problems": edited}, p.drafts)
    assert kept == ["problems"]
    again = monthly_report.prepare(archive, JUNE)
    assert again.texts["problems"] == edited and again.edited == {"problems"}
    assert again.texts["basic"] == again.drafts["basic"]
    assert monthly_report.prepare(archive, JULY).edited == set()
    monthly_report.file_month(archive, JUNE, "李四", today=FILED_ON)
    assert monthly_report.filed_texts(archive, JUNE)["problems"] == edited
    monthly_report.save_sections(archive, JUNE, {"problems": again.drafts["problems"]}, again.drafts)
    assert monthly_report.section_edits(archive, JUNE) == {}


def test_filing_is_refused_without_a_name_or_before_the_month_is_over(archive):
    """No name and none remembered, or a month not yet ended: a Chinese message, nothing filed."""
    with pytest.raises(ValueError, match="报送人"):
        monthly_report.file_month(archive, JUNE, "", today=FILED_ON)
    with pytest.raises(ValueError, match="尚未结束"):
        monthly_report.file_month(archive, JUNE, "张三", today=dt.date(2025, 6, 30))
    assert monthly_report.filed_versions(archive) == []


def test_cli_files_lists_and_prints_the_month(archive, tmp_path, capsys):
    """`report file --by`, `report filed --json` and `report monthly --docx`: the filed month prints as filed,
    --current prints the records now."""
    path = str(archive.path)
    assert main(["--db", path, "report", "file", "--month", JUNE]) == 1
    assert "报送人" in capsys.readouterr().err
    assert main(["--db", path, "report", "file", "--month", JUNE, "--by", "张三"]) == 0
    assert "第1版（报送）" in capsys.readouterr().out
    assert main(["--db", path, "report", "filed", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [m["month"] for m in listed["months"]] == [JUNE]
    assert listed["months"][0]["versions"][0]["filed_by"] == "张三"
    out, word = tmp_path / "m.pdf", tmp_path / "m.docx"
    assert main(["--db", path, "report", "monthly", "--month", JUNE, "--out", str(out), "--docx", str(word)]) == 0
    assert "已报送的第1版" in capsys.readouterr().out
    pdf, docx = monthly_report.filed_files(archive, JUNE)
    assert out.read_bytes() == pdf and word.read_bytes() == docx
    assert main(["--db", path, "report", "monthly", "--month", JUNE, "--out", str(out), "--current"]) == 0
    assert out.read_bytes() != pdf
