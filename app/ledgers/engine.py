"""The one mechanism behind every ledger: a declaration (`app.ledgers.spec.Ledger`) in, and out come the
table's ids and rows (filters, search, sort, counts), one record for the form, validation, saving as one
transaction, deleting, and the Excel export in the township layout (`app.io.xlsx_layout`).

No Qt. Every function opens its own session and returns plain data. The table asks for the matching ids
(ints are cheap even at 100,000 rows) and then for rows a page at a time, by id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.db import Database
from app.ledgers import values as vals
from app.ledgers.spec import (
    REF_CADRE,
    REF_HOUSEHOLD,
    REF_MEMBER,
    REF_PLAN_ITEM,
    REF_POINT,
    REF_UNIT,
    REF_VILLAGE,
    Field,
    Kind,
    Ledger,
    LedgerError,
    LedgerQuery,
    LedgerRefused,
    Virtual,
)
from app.models import Cadre, Household, Member, Plan, PlanItem, SettlementPoint, Unit, Village
from app.rules import normalize_id

REF_MODELS: dict[str, type] = {
    REF_HOUSEHOLD: Household, REF_POINT: SettlementPoint, REF_VILLAGE: Village, REF_UNIT: Unit,
    REF_CADRE: Cadre, REF_MEMBER: Member, REF_PLAN_ITEM: PlanItem,
}
REF_NOUNS: dict[str, str] = {
    REF_HOUSEHOLD: "户", REF_POINT: "安置点", REF_VILLAGE: "村", REF_UNIT: "责任单位", REF_CADRE: "干部",
    REF_MEMBER: "家庭成员", REF_PLAN_ITEM: "计划任务",
}
CHUNK = 500


def _sort_column(alias, ref: str):
    if ref == REF_PLAN_ITEM:
        return alias.title
    return alias.head_name if ref == REF_HOUSEHOLD else alias.name


def plan_item_label(year: int, focus_area: str, title: str) -> str:
    return f"{year}年·{focus_area}·{title}"


def household_label(head_name: str | None, archive_no: str | None) -> str:
    head = head_name or "（未填户主）"
    return f"{head}（{archive_no}）" if archive_no else head


def ref_labels(s: Session, ref: str, ids: Iterable[int]) -> dict[int, str]:
    """The label the clerk knows each referenced row by (户主（档案编号）, or the name)."""
    wanted = sorted({i for i in ids if i is not None})
    out: dict[int, str] = {}
    model = REF_MODELS[ref]
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        if ref == REF_HOUSEHOLD:
            for i, head, no in s.execute(select(Household.id, Household.head_name, Household.archive_no)
                                         .where(Household.id.in_(chunk))):
                out[i] = household_label(head, no)
        elif ref == REF_PLAN_ITEM:
            for i, year, area, title in s.execute(select(PlanItem.id, Plan.year, PlanItem.focus_area, PlanItem.title)
                                                  .join(Plan, Plan.id == PlanItem.plan_id)
                                                  .where(PlanItem.id.in_(chunk))):
                out[i] = plan_item_label(year, area, title)
        else:
            out.update(s.execute(select(model.id, model.name).where(model.id.in_(chunk))).all())
    return out


# ------------------------------------------------------------------------------------------ the table


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The ids a table lists, in order, and the figures of its counts line."""

    ids: list[int]
    counts: dict[str, int]  # per choice of ledger.count_field, in vocabulary order
    alerts: int  # rows matching ledger.alert (e.g. 逾期)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One row of a ledger as the table and the export show it."""

    id: int
    values: dict[str, Any]  # stored values (ids for references)
    labels: dict[str, str]  # references' labels and virtual columns' values
    alert: bool

    def text(self, key: str, kind: Kind | None) -> str:
        if key in self.labels:
            return str(self.labels[key] or "")
        return vals.display(kind, self.values.get(key)) if kind else str(self.values.get(key) or "")


def _like(word: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"


class _Select:
    """Builds the ledger's select with outer joins to referenced tables only where they are needed."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.model = ledger.model
        self.aliases: dict[str, Any] = {}

    def alias(self, key: str):
        if key not in self.aliases:
            self.aliases[key] = aliased(REF_MODELS[self.ledger.field(key).ref])
        return self.aliases[key]

    def joined(self, stmt):
        for key, alias in self.aliases.items():
            stmt = stmt.outerjoin(alias, alias.id == getattr(self.model, key))
        return stmt


def _conditions(ledger: Ledger, q: LedgerQuery, today: dt.date, sel: _Select) -> list:
    M = ledger.model
    cond: list = []
    for key, value in q.filters.items():
        if value is None or value == "":
            continue
        cond.append(getattr(M, key) == value)
    if q.village_id is not None:
        options = []
        if ledger.village_field:
            options.append(getattr(M, ledger.village_field) == q.village_id)
        if ledger.household_field:
            options.append(sel.alias(ledger.household_field).village_id == q.village_id)
        if ledger.point_field:
            options.append(sel.alias(ledger.point_field).village_id == q.village_id)
        cond.append(or_(*options) if options else false())
    date_col = getattr(M, ledger.date_field)
    if q.date_from is not None:
        cond.append(date_col >= q.date_from)
    if q.date_to is not None:
        cond.append(date_col <= q.date_to)
    if q.preset:
        preset = next((p for p in ledger.presets if p.label == q.preset), None)
        if preset is None and ledger.alert is not None and ledger.alert.label == q.preset:
            preset = ledger.alert
        if preset is not None:
            cond.append(preset.condition(today))
    for word in (normalize_id(w) for w in q.text.split() if w.strip()):
        pattern = _like(word)
        options = []
        for f in ledger.fields:
            if not f.search:
                continue
            if f.kind is Kind.REF:
                # The referenced rows that match, found once (not joined row by row): fast at 250,000 visits.
                target = REF_MODELS[f.ref]
                label = target.search_text if f.ref == REF_HOUSEHOLD else target.name
                options.append(getattr(M, f.key).in_(select(target.id).where(label.like(pattern, escape="\\"))))
            else:
                options.append(getattr(M, f.key).like(pattern, escape="\\"))
        cond.append(or_(*options) if options else false())
    return cond


def query(db: Database, ledger: Ledger, q: LedgerQuery | None = None, *, today: dt.date | None = None) -> QueryResult:
    """The ids matching q in the requested order, with the counts line's figures (same filters)."""
    q = q or LedgerQuery()
    today = today or dt.date.today()
    M = ledger.model
    sel = _Select(ledger)
    cond = _conditions(ledger, q, today, sel)
    sort_key = q.sort or ledger.sort_key
    descending = ledger.default_descending if q.descending is None else q.descending
    sort_field = ledger.field(sort_key)
    if sort_field.kind is Kind.REF:
        column = _sort_column(sel.alias(sort_key), sort_field.ref)
    else:
        column = getattr(M, sort_key)
    order = [column.desc() if descending else column.asc(), M.id.desc() if descending else M.id.asc()]
    if ledger.first is not None and sort_key == ledger.sort_key:  # the default order (the clerk's own sort wins)
        key, value = ledger.first
        order.insert(0, case((getattr(M, key) == value, 0), else_=1))
    with db.read() as s:
        ids = list(s.scalars(sel.joined(select(M.id)).where(*cond).order_by(*order)))
        counts: dict[str, int] = {}
        if ledger.count_field:
            f = ledger.field(ledger.count_field)
            col = getattr(M, f.key)
            found = dict(s.execute(sel.joined(select(col, func.count())).where(*cond).group_by(col)).all())
            counts = {c: found.get(c, 0) for c in f.choices}
        alerts = 0
        if ledger.alert is not None:
            alerts = s.scalar(sel.joined(select(func.count(M.id)))
                              .where(*cond, ledger.alert.condition(today))) or 0
    return QueryResult(ids, counts, alerts)


def table_columns(ledger: Ledger) -> list[Field | Virtual]:
    """The table's columns (fields and virtual ones) in the declared order."""
    return [c for c in ledger.ordered() if c.table]


def fetch_rows(db: Database, ledger: Ledger, ids: Sequence[int], *, today: dt.date | None = None,
               keys: Iterable[str] | None = None) -> list[LedgerRow]:
    """Rows for these ids in the same order (ids that no longer exist are left out)."""
    if not ids:
        return []
    today = today or dt.date.today()
    M = ledger.model
    fields = [f for f in ledger.fields if keys is None or f.key in set(keys)]
    alert_col = (case((ledger.alert.condition(today), 1), else_=0) if ledger.alert is not None else None)
    columns = [M.id] + [getattr(M, f.key) for f in fields] + ([alert_col] if alert_col is not None else [])
    by_id: dict[int, LedgerRow] = {}
    with db.read() as s:
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start:start + CHUNK])
            for row in s.execute(select(*columns).where(M.id.in_(chunk))):
                values = {f.key: row[i + 1] for i, f in enumerate(fields)}
                alert = bool(row[-1]) if alert_col is not None else False
                by_id[row[0]] = LedgerRow(row[0], values, {}, alert)
        found = list(by_id)
        for f in fields:
            if f.kind is Kind.REF:
                labels = ref_labels(s, f.ref, (r.values[f.key] for r in by_id.values()))
                for r in by_id.values():
                    value = r.values[f.key]
                    r.labels[f.key] = labels.get(value, "") if value is not None else ""
        for v in ledger.virtuals:
            if keys is not None and v.key not in set(keys):
                continue
            computed = v.fetch(s, found, today)
            for r in by_id.values():
                r.labels[v.key] = computed.get(r.id, "")
    return [by_id[i] for i in ids if i in by_id]


# ------------------------------------------------------------------------------------------ one record


@dataclass
class LedgerRecord:
    """One record as the form edits it: stored values by field key, and the labels of its references."""

    id: int | None
    values: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)


class RecordNotFound(LookupError):
    pass


def new_record(ledger: Ledger, *, today: dt.date | None = None, **preset: Any) -> LedgerRecord:
    """A blank record with the declared defaults, overridden by preset values (e.g. household_id=…)."""
    today = today or dt.date.today()
    values = {f.key: f.default_value(today) for f in ledger.fields}
    for f in ledger.fields:
        if values[f.key] is None and f.kind in (Kind.TEXT, Kind.LONGTEXT):
            values[f.key] = ""
        if values[f.key] is None and f.kind is Kind.BOOL:
            values[f.key] = False
    values.update(preset)
    return LedgerRecord(None, values)


def load(db: Database, ledger: Ledger, record_id: int) -> LedgerRecord:
    with db.read() as s:
        row = s.get(ledger.model, record_id)
        if row is None:
            raise RecordNotFound(f"找不到该条{ledger.title}记录（编号 {record_id}），可能已被删除。")
        values = {f.key: getattr(row, f.key) for f in ledger.fields}
        return LedgerRecord(record_id, values, record_labels(s, ledger, values))


def record_labels(s: Session, ledger: Ledger, values: Mapping[str, Any]) -> dict[str, str]:
    labels = {}
    for f in ledger.fields:
        if f.kind is Kind.REF and values.get(f.key) is not None:
            labels[f.key] = ref_labels(s, f.ref, [values[f.key]]).get(values[f.key], "")
    return labels


def validate(ledger: Ledger, raw: Mapping[str, Any], *, today: dt.date | None = None,
             base: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[LedgerError]]:
    """Typed values for what the form holds, and every reason they cannot be saved (pure: no database).

    raw: field key -> what the widget holds (text, a date, an id, a bool); keys not in raw keep base's
    value (the stored record, or the defaults of a new one).
    """
    today = today or dt.date.today()
    values: dict[str, Any] = dict(base) if base is not None else dict(new_record(ledger, today=today).values)
    errors: list[LedgerError] = []
    bad: set[str] = set()
    for f in ledger.fields:
        if f.key not in raw:
            continue
        value, error = vals.coerce(f, raw[f.key])
        if error is not None:
            errors.append(error)
            bad.add(f.key)
        values[f.key] = value
    for f in ledger.fields:
        if f.key in bad:
            continue
        error = vals.check_value(f, values.get(f.key))
        if error is not None:
            errors.append(error)
            bad.add(f.key)
    for check in ledger.checks:
        if check.field in bad:
            continue
        message = check.test(values, today)
        if message:
            errors.append(LedgerError(check.field, message))
            bad.add(check.field)
    return values, errors


def _fill_links(s: Session, ledger: Ledger, values: dict[str, Any]) -> None:
    """A record about a household is also about its settlement point and village; a point, its village."""
    hf, pf, vf = ledger.household_field, ledger.point_field, ledger.village_field
    if hf and values.get(hf) is not None and (pf or vf):
        h = s.get(Household, values[hf])
        if h is not None:
            if pf and values.get(pf) is None:
                values[pf] = h.settlement_point_id
            if vf and values.get(vf) is None:
                values[vf] = h.village_id
    if pf and vf and values.get(pf) is not None and values.get(vf) is None:
        p = s.get(SettlementPoint, values[pf])
        if p is not None:
            values[vf] = p.village_id


def household_place(db: Database, household_id: int) -> tuple[int | None, int | None]:
    """(village id, settlement point id) of a household, for a form that follows the chosen household."""
    with db.read() as s:
        h = s.get(Household, household_id)
        return (h.village_id, h.settlement_point_id) if h is not None else (None, None)


def _check_refs(s: Session, ledger: Ledger, values: Mapping[str, Any]) -> list[LedgerError]:
    errors = []
    for f in ledger.fields:
        value = values.get(f.key)
        if f.kind is Kind.REF and value is not None and s.get(REF_MODELS[f.ref], value) is None:
            errors.append(LedgerError(f.key, f"“{f.label}”所选的{REF_NOUNS[f.ref]}已不存在，请重新选择"))
    return errors


@dataclass(frozen=True, slots=True)
class Saved:
    """What a save changed: the record's id and whether it was new."""

    id: int
    created: bool


def write(s: Session, ledger: Ledger, record_id: int | None, raw: Mapping[str, Any], *,
          today: dt.date | None = None) -> Saved:
    """Validate and write one record inside the caller's transaction (services compose it with other
    writes, e.g. a visit and the problem raised from it). Raises LedgerRefused; the caller rolls back."""
    today = today or dt.date.today()
    row = None
    base = None
    if record_id is not None:
        row = s.get(ledger.model, record_id)
        if row is None:
            raise LedgerRefused([LedgerError("id", f"该条{ledger.title}记录已不存在，无法保存")])
        base = {f.key: getattr(row, f.key) for f in ledger.fields}
    values, errors = validate(ledger, raw, today=today, base=base)
    if errors:
        raise LedgerRefused(errors)
    _fill_links(s, ledger, values)
    errors = _check_refs(s, ledger, values)
    if errors:
        raise LedgerRefused(errors)
    if row is None:
        row = ledger.model()
        s.add(row)
    for f in ledger.fields:
        setattr(row, f.key, values[f.key])
    s.flush()
    if ledger.after_write is not None:
        ledger.after_write(s, row, today)
    return Saved(row.id, record_id is None)


def save(db: Database, ledger: Ledger, record_id: int | None, raw: Mapping[str, Any], *,
         today: dt.date | None = None) -> Saved:
    """Validate and save one record as one transaction; LedgerRefused (nothing written) on bad data."""
    with db.write() as s:
        return write(s, ledger, record_id, raw, today=today)


def delete(db: Database, ledger: Ledger, record_id: int) -> None:
    """Delete one record (one transaction); records that refer to it keep their own data."""
    with db.write() as s:
        row = s.get(ledger.model, record_id)
        if row is not None:
            s.delete(row)


# ------------------------------------------------------------------------------------------ choices


@dataclass(frozen=True, slots=True)
class RefChoice:
    id: int
    label: str
    parent_id: int | None = None  # a point's village


def ref_choices(db: Database, ref: str, *, keep: Iterable[int | None] = (),
                household_id: int | None = None) -> list[RefChoice]:
    """What a reference field offers: villages, points, active units and cadres (plus `keep`, the ids a
    record already holds, even when since deactivated); members: those 在册 of household_id (plus keep).
    Not for households: use find_households."""
    keep_ids = [i for i in keep if i is not None]
    with db.read() as s:
        if ref == REF_MEMBER:
            rows = s.execute(select(Member.id, Member.name, Member.relation)
                             .where(or_(Member.household_id == (household_id or 0), Member.id.in_(keep_ids)))
                             .where(or_(Member.status == "在册", Member.id.in_(keep_ids)))
                             .order_by(Member.sort_order, Member.id))
            return [RefChoice(i, f"{n}（{r}）" if r else n, household_id) for i, n, r in rows]
        if ref == REF_VILLAGE:
            return [RefChoice(i, n) for i, n in s.execute(select(Village.id, Village.name).order_by(Village.name))]
        if ref == REF_POINT:
            rows = s.execute(select(SettlementPoint.id, SettlementPoint.name, Village.name, SettlementPoint.village_id)
                             .join(Village).order_by(Village.name, SettlementPoint.name))
            return [RefChoice(i, f"{v}·{n}", vid) for i, n, v, vid in rows]
        if ref == REF_UNIT:
            rows = s.execute(select(Unit.id, Unit.name).where(or_(Unit.active, Unit.id.in_(keep_ids)))
                             .order_by(Unit.kind, Unit.id))
            return [RefChoice(i, n) for i, n in rows]
        if ref == REF_PLAN_ITEM:
            rows = s.execute(select(PlanItem.id, Plan.year, PlanItem.focus_area, PlanItem.title)
                             .join(Plan, Plan.id == PlanItem.plan_id).order_by(Plan.year.desc(), PlanItem.id))
            return [RefChoice(i, plan_item_label(y, a, t)) for i, y, a, t in rows]
        if ref == REF_CADRE:
            # A cadre is named with the post and where they work: a village cadre by the village, others by
            # the unit, so that the searchable picker finds them by any of these.
            rows = s.execute(select(Cadre.id, Cadre.name, Cadre.post, Cadre.rank, Unit.name, Village.name)
                             .outerjoin(Unit, Unit.id == Cadre.unit_id)
                             .outerjoin(Village, Village.id == Unit.village_id)
                             .where(or_(Cadre.active, Cadre.id.in_(keep_ids)))
                             .order_by(Cadre.sort_order, Cadre.name))
            return [RefChoice(i, f"{n}（{'·'.join(x for x in (p or r, v or u) if x)}）")
                    for i, n, p, r, u, v in rows]
    raise ValueError(ref)


# ------------------------------------------------------------------------------------------ export


def export_columns(ledger: Ledger) -> list[tuple[str, str, Kind | None, int]]:
    """(key, header, kind, width) of every exported column, virtual ones included, in order."""
    return [(c.key, c.label, c.kind if isinstance(c, Field) else None, c.width)
            for c in ledger.ordered(ledger.export_order or None) if c.export]
