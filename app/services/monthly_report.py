"""The 月报 of a month (SPEC §6) as the station keeps it: drafted from the records as of the month's end,
edited section by section by the clerk (edits kept with the month), printed to PDF and .docx, and filed
(报送) with its PDF, .docx, figures and texts; a filed month prints as filed, later versions are 更正, and
the figures of a filed month are last month's figures for the next one. No Qt; one transaction per action."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from app.db import Database
from app.models import ReportFiling, ReportSection, Setting
from app.reports.model import BuildResult, MonthlyDocument, Section
from app.services import asof, monthly_facts, report_annex, report_text
from app.services.monthly_facts import MonthlyFacts

FILED_BY_SETTING = "report.filed_by"
BUREAU = "县农业农村局"  # 抄送; the town profile has no field naming the county bureau
KIND_FILED, KIND_CORRECTED = "报送", "更正"


# ------------------------------------------------------------------------------------------ filed versions


@dataclass(frozen=True, slots=True)
class FiledVersion:
    month: str
    version: int
    kind: str
    filed_by: str
    filed_at: dt.datetime
    pdf_sha256: str

    def as_json(self) -> dict:
        return {"month": self.month, "version": self.version, "kind": self.kind, "filed_by": self.filed_by,
                "filed_at": self.filed_at.isoformat(sep=" "), "pdf_sha256": self.pdf_sha256}


def _version(row: ReportFiling) -> FiledVersion:
    return FiledVersion(row.month, row.version, row.kind, row.filed_by, row.filed_at, row.pdf_sha256)


def filed_versions(db: Database, month: str | None = None) -> list[FiledVersion]:
    """Every filed version, by month then version (of one month when given)."""
    with db.read() as s:
        stmt = select(ReportFiling).order_by(ReportFiling.month, ReportFiling.version)
        if month:
            stmt = stmt.where(ReportFiling.month == month)
        return [_version(r) for r in s.scalars(stmt)]


def _latest(s, month: str) -> ReportFiling | None:
    return s.scalar(select(ReportFiling).where(ReportFiling.month == month)
                    .order_by(ReportFiling.version.desc()).limit(1))


def latest_version(db: Database, month: str) -> FiledVersion | None:
    with db.read() as s:
        row = _latest(s, month)
        return _version(row) if row else None


def filed_figures(db: Database, month: str) -> dict | None:
    """The figures of the month's latest filed version, or None when it was never filed."""
    with db.read() as s:
        row = _latest(s, month)
        return json.loads(row.figures) if row else None


def filed_texts(db: Database, month: str) -> dict[str, str] | None:
    with db.read() as s:
        row = _latest(s, month)
        return json.loads(row.texts) if row else None


def filed_files(db: Database, month: str) -> tuple[bytes, bytes] | None:
    """(PDF, .docx) of the month's latest filed version."""
    with db.read() as s:
        row = _latest(s, month)
        return (row.pdf, row.docx) if row else None


def remembered_name(db: Database) -> str:
    with db.read() as s:
        row = s.get(Setting, FILED_BY_SETTING)
        return row.value if row else ""


# ------------------------------------------------------------------------------------------ section edits


def section_edits(db: Database, month: str) -> dict[str, str]:
    """The sections the clerk has edited for the month: {section key: text}."""
    with db.read() as s:
        return dict(s.execute(select(ReportSection.section, ReportSection.text)
                              .where(ReportSection.month == month)).all())


def save_sections(db: Database, month: str, texts: dict[str, str], drafts: dict[str, str]) -> list[str]:
    """Keep the clerk's text of each section that differs from its draft; a section equal to its draft (or
    blank) follows the records again. One transaction; returns the keys kept as edited."""
    kept = []
    with db.write() as s:
        for key, _title in report_text.SECTIONS:
            if key not in texts:
                continue
            text = texts[key].strip()
            row = s.scalar(select(ReportSection).where(ReportSection.month == month, ReportSection.section == key))
            if not text or text == drafts.get(key, "").strip():
                if row is not None:
                    s.delete(row)
                continue
            if row is None:
                s.add(ReportSection(month=month, section=key, text=text))
            elif row.text != text:
                row.text = text
            kept.append(key)
    return kept


def clear_sections(db: Database, month: str) -> None:
    with db.write() as s:
        s.execute(delete(ReportSection).where(ReportSection.month == month))


# ------------------------------------------------------------------------------------------ building


@dataclass
class Prepared:
    """A month ready to print: the facts as of its end, each section's draft and the text that prints."""

    facts: MonthlyFacts
    drafts: dict[str, str]
    texts: dict[str, str]
    edited: set[str] = field(default_factory=set)
    filed: FiledVersion | None = None

    @property
    def figures(self) -> dict:
        return self.facts.figures


ONE_TOWN = ("县级汇总数据库中，月报是一个镇的月报：请先选定是哪个镇（界面在左侧“全部镇”处选择，命令行加 --town 镇名）；"
            "全县的汇总请用县级汇总报表")


def prepare(db: Database, month: str, *, today: dt.date | None = None, progress=None) -> Prepared:
    """Gather the month as of its last day (last month's figures from its filed version where filed), draft
    every section and take the clerk's edits over the drafts. A 月报 is one town's: in a county database the
    database must be narrowed to a town (ValueError ONE_TOWN otherwise)."""
    if db.county and db.town_id is None:
        raise ValueError(ONE_TOWN)
    prev = monthly_facts.previous_month(month)
    previous = filed_figures(db, prev)
    facts = monthly_facts.gather(db, month, previous=previous, previous_filed=previous is not None,
                                 today=today, progress=progress)
    drafts = report_text.drafts(facts)
    edits = section_edits(db, month)
    texts = {k: edits.get(k, v) for k, v in drafts.items()}
    return Prepared(facts, drafts, texts, set(edits) & set(drafts), latest_version(db, month))


def _station(facts: MonthlyFacts) -> str:
    t = facts.town
    return t.station_name or (f"{t.town_name}水利移民站" if t.town_name else "水利移民站")


def document(p: Prepared, *, dated: dt.date, texts: dict[str, str] | None = None,
             banner: str = "") -> MonthlyDocument:
    """The 公文 of the prepared month with `texts` (default: the prepared texts)."""
    f = p.facts
    texts = texts or p.texts
    town = f.town.town_name or "镇"
    return MonthlyDocument(
        title=f"{_station(f)}关于{f.month_label}搬迁群众后续扶持工作情况的报告",
        addressee=f"{town}党委、{town}政府" if f.town.town_name else "镇党委、镇政府",
        sections=[Section(k, title, texts.get(k, "")) for k, title in report_text.SECTIONS],
        signer=_station(f), dated=f"{dated.year}年{dated.month}月{dated.day}日", copy_to=BUREAU,
        annex=report_annex.annex(f), month_label=f.month_label, banner=banner)


def build_pdf(doc: MonthlyDocument) -> BuildResult:
    from app.reports import monthly as drawing

    return drawing.build(doc)


def build_docx(doc: MonthlyDocument) -> bytes:
    from app.reports import monthly_docx

    return monthly_docx.build(doc)


@dataclass
class Printed:
    """What prints for a month: the PDF (and .docx), and whether it is a filed version."""

    result: BuildResult
    docx: bytes | None
    filed: FiledVersion | None


def print_month(db: Database, month: str, *, current: bool = False, docx: bool = False,
                today: dt.date | None = None, progress=None) -> Printed:
    """A filed month prints as filed (its latest version, byte for byte) unless `current`; otherwise the
    month is drawn now from the records as of its end, with the clerk's edits."""
    if not current:
        files = filed_files(db, month)
        if files is not None:
            from app.reports import preview

            pdf, word = files
            version = latest_version(db, month)
            return Printed(BuildResult(pdf, preview.page_count(pdf), [f"已报送的第{version.version}版"]),
                           word if docx else None, version)
    p = prepare(db, month, today=today, progress=progress)
    doc = document(p, dated=today or dt.date.today())
    if progress:
        progress(85, "生成PDF")
    result = build_pdf(doc)
    word = build_docx(doc) if docx else None
    if progress:
        progress(100, "完成")
    return Printed(result, word, None)


# ------------------------------------------------------------------------------------------ filing


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def file_month(db: Database, month: str, by: str | None = None, *, today: dt.date | None = None,
               texts: dict[str, str] | None = None, progress=None) -> FiledVersion:
    """File (报送) the month: store its PDF, .docx, figures and texts with who and when. Filing again after
    a change stores a 更正 version; filing an unchanged month, or a month not yet over, is refused
    (ValueError, Chinese). The name is remembered for the next time."""
    today = today or dt.date.today()
    name = (by or "").strip() or remembered_name(db)
    if not name:
        raise ValueError("请填写报送人姓名（--by 姓名）")
    if len(name) > 40:
        raise ValueError("报送人姓名太长（最多40个字）")
    day = asof.month_end(month)
    if day >= today:
        raise ValueError(f"{month} 尚未结束（月末为 {day.isoformat()}），月份结束后才能报送")
    p = prepare(db, month, today=today, progress=progress)
    if texts is not None:
        save_sections(db, month, texts, p.drafts)
        p.texts = {k: texts.get(k, v).strip() or p.drafts[k] for k, v in p.texts.items()}
    figures_json, texts_json = _canonical(p.figures), _canonical(p.texts)
    with db.read() as s:
        last = _latest(s, month)
        if last is not None and last.figures == figures_json and last.texts == texts_json:
            raise ValueError(f"{month} 的月报与已报送的第{last.version}版相同，无需更正")
        version = (last.version + 1) if last else 1
    kind = KIND_FILED if version == 1 else KIND_CORRECTED
    banner = f"（更正版　第{version}版　{today.year}年{today.month}月{today.day}日）" if version > 1 else ""
    doc = document(p, dated=today, banner=banner)
    if progress:
        progress(85, "生成PDF和Word")
    result = build_pdf(doc)
    word = build_docx(doc)
    with db.write() as s:
        if s.scalar(select(func.count()).where(ReportFiling.month == month, ReportFiling.version == version)):
            raise ValueError(f"{month} 的第{version}版刚刚已由别处报送，请刷新后再试")
        row = ReportFiling(month=month, version=version, kind=kind, filed_by=name, figures=figures_json,
                           texts=texts_json, pdf=result.pdf, docx=word,
                           pdf_sha256=hashlib.sha256(result.pdf).hexdigest())
        s.add(row)
        setting = s.get(Setting, FILED_BY_SETTING)
        if setting is None:
            s.add(Setting(key=FILED_BY_SETTING, value=name))
        else:
            setting.value = name
        s.flush()
        return _version(row)


# ------------------------------------------------------------------------------------------ what changed


def _labels() -> list[tuple[str, str]]:
    from app import vocab

    rows = [("households", "在册户数"), ("members", "在册人数")]
    rows += [(f"movements.{k}", f"本月{v}") for k, v in (
        ("households_in", "迁入户数"), ("members_in", "迁入人数"), ("households_out", "整户迁出户数"),
        ("members_out", "迁出人数"), ("births", "出生人数"), ("deaths", "死亡人数"))]
    rows += [(f"key_groups.{k}", k) for k in (*vocab.KEY_TAGS, vocab.GROUP_SANTE, vocab.GROUP_SANWU)]
    rows += [("baobao.key_households", "重点户"), ("baobao.key_households_uncovered", "未落实一对一包保的重点户"),
             ("baobao.points_50plus", "50户以上集中安置点"),
             ("baobao.points_50plus_without_town_leader", "无镇级主要领导包保的50户以上安置点"),
             ("visits.due", "应走访户数"), ("visits.done", "已走访户数"), ("problems.open", "未办结问题"),
             ("problems.overdue", "逾期问题"), ("party_members", "在册党员"),
             ("report.problems_new", "本月新发现问题"), ("report.problems_resolved", "本月办结问题"),
             ("report.support_households", "月末享受兜底保障户数"), ("report.activities", "本月活动"),
             ("report.fusion_points_done", "今年已开展融合共建的安置点"), ("report.meetings", "本月调度会"),
             ("report.decisions_done", "已落实议定事项"), ("report.inspections", "本月督查"),
             ("report.plan_items_behind", "进度滞后的计划事项"), ("report.funds_amount", "本月资金（元）"),
             ("report.subsidy.people", "扶持期内的后扶人口")]
    return rows


def _flat(figures: dict) -> dict[str, object]:
    out: dict[str, object] = {}
    for path, label in _labels():
        value = figures
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            out[label] = value
    for name, v in (figures.get("villages") or {}).items():
        out[f"{name}在册户数"] = v.get("households")
        out[f"{name}在册人数"] = v.get("members")
    return out


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A figure (filed and now) or, with both None, a section whose text differs from the filed one."""

    label: str
    filed: object
    now: object


def changes_since_filing(db: Database, month: str, figures: dict | None = None,
                         texts: dict[str, str] | None = None) -> list[FigureChange]:
    """Figure by figure (and section by section), what differs between the month's latest filed version and
    the records now; empty when not filed or nothing changed."""
    filed = filed_figures(db, month)
    if filed is None:
        return []
    if figures is None or texts is None:
        p = prepare(db, month)
        figures, texts = p.figures, p.texts
    before, after = _flat(filed), _flat(figures)
    out = [FigureChange(k, before.get(k, "—"), after.get(k, "—"))
           for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    old_texts = filed_texts(db, month) or {}
    for key, title in report_text.SECTIONS:
        if old_texts.get(key, "").strip() != (texts.get(key) or "").strip():
            out.append(FigureChange(f"{title}：文字与报送时不同", None, None))
    return out


# ------------------------------------------------------------------------------------------ the 月报 page


@dataclass
class MonthState:
    """A month as the 月报 page shows it: the prepared text, what prints, and how it stands against its filing."""

    prepared: Prepared
    document: MonthlyDocument
    result: BuildResult  # the filed PDF unless `current`, else drawn now
    filed: FiledVersion | None
    filed_docx: bytes | None
    changes: list[FigureChange]
    current: bool

    def docx(self) -> bytes:
        """The .docx twin of what prints."""
        return self.filed_docx if self.filed_docx is not None else build_docx(self.document)


def month_state(db: Database, month: str, *, current: bool = False, today: dt.date | None = None,
                progress=None) -> MonthState:
    """Prepare the month, draw it (or take its filed version) and list what changed since it was filed."""
    p = prepare(db, month, today=today, progress=progress)
    doc = document(p, dated=today or dt.date.today())
    files = filed_files(db, month)
    if progress:
        progress(85, "生成PDF")
    if files is not None and not current:
        from app.reports import preview

        result = BuildResult(files[0], preview.page_count(files[0]), [f"已报送的第{p.filed.version}版"])
        word = files[1]
    else:
        result, word = build_pdf(doc), None
    changes = changes_since_filing(db, month, p.figures, p.texts) if files is not None else []
    if progress:
        progress(100, "完成")
    return MonthState(p, doc, result, p.filed, word, changes, current or files is None)
