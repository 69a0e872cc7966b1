"""应保尽保 and housing duties (SPEC §4.7): 三特户 and 无劳动力户 with no 兜底 record in force, for the clerk
to check (closable as 不符合条件); a leaking house or a geological-hazard threat without a completed 住房
record; a 无房户 without a placement — each with how long it has been open."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app import vocab
from app.models import ChangeLog, Household, HousingRecord, Member, SupportRecord
from app.services.duties.base import PROBLEM, REMINDER, Check, Finding, Found, register
from app.services.duties.closures import digest
from app.services.duties.common import among, as_date, facts_of, fetch, register_of

SUPPORT_MASK = vocab.SANTE_MASK | vocab.TAG_BITS[vocab.TAG_NO_LABOUR]


def households_unsupported(s: Session, as_of: dt.date) -> Found:
    """三特户 and 无劳动力户 on the register with no 兜底 record in force; detail: {household: key flags}."""
    flags = facts_of(s, as_of).with_flags(SUPPORT_MASK)
    covered = {r[0] for r in fetch(s, select(SupportRecord.household_id).distinct().where(
        SupportRecord.start_date <= as_of, or_(SupportRecord.end_date.is_(None), SupportRecord.end_date >= as_of)))}
    left = {h: f for h, f in flags.items() if h not in covered}
    return Found(left, REMINDER, left)


def households_without_support(s: Session, as_of: dt.date, found: Found) -> list[Finding]:
    reg = register_of(s, as_of)
    flags = found.detail
    ids = reg.sorted(flags)
    ended = dict(fetch(s, select(SupportRecord.household_id, func.max(SupportRecord.end_date))
                       .where(among(SupportRecord.household_id), SupportRecord.end_date < as_of)
                       .group_by(SupportRecord.household_id), ids))
    out = []
    for hid in ids:
        groups = [t for t in (*vocab.SANTE_TAGS, vocab.TAG_NO_LABOUR) if flags[hid] & vocab.TAG_BITS[t]]
        last = as_date(ended.get(hid))
        past = f"原兜底保障已于 {last.isoformat()} 到期；" if last else ""
        out.append(Finding("应保尽保", REMINDER, reg.label[hid], "household", hid, reg.owner(hid),
                           last + dt.timedelta(days=1) if last else None,
                           f"{'、'.join(groups)}，没有在享的兜底保障。{past}请核实是否符合低保、特困供养等条件："
                           "符合的纳入保障并登记，不符合的确认为“不符合条件”并写明原因"))
    return out


def support_fingerprint(s: Session, ids: list[int]) -> dict[int, str]:
    """The facts 应保尽保 judges: key-group tags, members' labour, and the 兜底 records."""
    facts: dict[int, list[str]] = {}
    labour: dict[int, list[str]] = defaultdict(list)
    records: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for hid, flags, status in s.execute(select(Household.id, Household.key_flags, Household.status)
                                            .where(Household.id.in_(chunk))):
            facts[hid] = [str(flags), status]
        for hid, mid, lab, status in s.execute(select(Member.household_id, Member.id, Member.labour, Member.status)
                                               .where(Member.household_id.in_(chunk)).order_by(Member.id)):
            labour[hid].append(f"{mid}:{lab}:{status}")
        for hid, rid, kind, begin, end in s.execute(
                select(SupportRecord.household_id, SupportRecord.id, SupportRecord.kind, SupportRecord.start_date,
                       SupportRecord.end_date).where(SupportRecord.household_id.in_(chunk))
                .order_by(SupportRecord.id)):
            records[hid].append(f"{rid}:{kind}:{begin}:{end}")
    return {hid: digest([*f, "|", *labour.get(hid, ()), "|", *records.get(hid, ())]) for hid, f in facts.items()}


def _flag_since(s: Session, ids: list[int], label: str, as_of: dt.date) -> dict[int, dt.date]:
    """When each household's archive field last became 是 (from the change history)."""
    out: dict[int, dt.date] = {}
    for hid, at in fetch(s, select(ChangeLog.household_id, func.max(ChangeLog.at))
                         .where(among(ChangeLog.household_id), ChangeLog.field == label, ChangeLog.new_value == "是")
                         .group_by(ChangeLog.household_id), ids):
        day = as_date(at)
        if day is not None and day <= as_of:
            out[hid] = day
    return out


def _housing(condition, kind: str, placed=None):
    """Households on the register matching `condition` without a completed `kind` record by as_of (`placed`:
    what else counts as done, e.g. a placement named)."""
    finished = HousingRecord.completed.is_(True) if placed is None else or_(HousingRecord.completed.is_(True), placed)

    def run(s: Session, as_of: dt.date) -> Found:
        done = {r[0] for r in fetch(s, select(HousingRecord.household_id).distinct()
                                    .where(HousingRecord.kind == kind, finished, HousingRecord.date <= as_of))}
        return Found([h for h in condition(facts_of(s, as_of)) if h not in done], PROBLEM)
    return run


def _housing_named(code: str, kind: str, history_label: str | None, what: str):
    """The wording of a housing finding: since when (the archive field's history, a pending record, the day
    the household was typed in) and what is pending."""
    def run(s: Session, as_of: dt.date, found: Found) -> list[Finding]:
        reg = register_of(s, as_of)
        facts = facts_of(s, as_of)
        ids = reg.sorted(found.ids)
        pending = dict(fetch(s, select(HousingRecord.household_id, func.min(HousingRecord.date))
                             .where(among(HousingRecord.household_id), HousingRecord.kind == kind,
                                    HousingRecord.completed.is_(False), HousingRecord.date <= as_of)
                             .group_by(HousingRecord.household_id), ids)) if ids else {}
        since_map = _flag_since(s, ids, history_label, as_of) if history_label and ids else {}
        out = []
        for hid in ids:
            pending_day = as_date(pending.get(hid))
            since = since_map.get(hid) or facts.created(hid)
            if pending_day is not None:
                since = min(since or pending_day, pending_day)
            if since is not None and since > as_of:
                since = None
            days = f"已 {(as_of - since).days} 天，" if since and since < as_of else ""
            started = f"{kind}已于 {pending_day.isoformat()} 登记但尚未完成，" if pending_day else ""
            out.append(Finding(code, PROBLEM, reg.label[hid], "household", hid, reg.owner(hid), since,
                               f"{what}，{days}{started}请落实{kind}并在住房台账登记完成"))
        return out
    return run


def _housing_check(code: str, title: str, condition, kind: str, history_label: str | None, what: str,
                   placed=None) -> Check:
    return Check.split(code, title, PROBLEM, "household", _housing(condition, kind, placed),
                       _housing_named(code, kind, history_label, what))


register(Check.split("应保尽保", "重点户无兜底保障待核实", REMINDER, "household", households_unsupported,
                     households_without_support, fingerprint=support_fingerprint))
register(_housing_check("住房-漏水", "房屋漏水未维修", lambda f: f.leaks, "漏水维修", "房屋漏水", "房屋漏水"))
register(_housing_check("住房-地灾", "受地灾威胁未过渡安置", lambda f: f.hazard, "地灾过渡安置", "受地灾威胁未搬迁",
                        "受地质灾害威胁未搬迁"))
register(_housing_check("住房-无房", "无房户未安置", lambda f: f.with_flags(vocab.TAG_BITS[vocab.TAG_NO_HOUSE]),
                        "无房户安置", None, "无房户", placed=HousingRecord.placement != ""))
