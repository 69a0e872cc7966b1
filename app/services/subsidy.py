"""后扶人口 facts of each member and the county settings (SPEC §11): load, save with history, 核减.

Every change to a member's support facts goes through `apply_facts`, which the form, the one-click 核减
and the roster import all call, so each change is checked the same way and written to the change history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import vocab
from app.db import Database
from app.models import Member, Setting, SubsidyFacts, TownProfile
from app.rules.subsidy import CountySettings, default_start, normalize_account, relocated_day
from app.services import history

SETTING_STANDARD = "subsidy.standard"
SETTING_YEARS = "subsidy.years"
SETTING_NATURAL = "subsidy.natural_add"
SETTING_HOTLINE = "subsidy.hotline"

LABELS: dict[str, str] = {
    "on_roster": "纳入后扶名册", "category": "扶持类别", "start_on": "纳入扶持时间", "account": "一卡通账号",
    "bank": "开户银行", "state": "后扶状态", "reduced_on": "核减时间", "reduced_reason": "核减原因",
}


class SubsidyRefused(ValueError):
    """Facts that break a rule of §11; the message is one Chinese line saying what to fix."""


@dataclass
class FactsData:
    on_roster: bool = True
    category: str = ""
    start_on: dt.date | None = None
    account: str = ""
    bank: str = ""
    state: str = vocab.SUBSIDY_ON
    reduced_on: dt.date | None = None
    reduced_reason: str = ""


@dataclass(frozen=True, slots=True)
class TownSubsidySettings:
    county: CountySettings
    hotline: str  # 监督电话 printed on the 公示


# --- county settings ---------------------------------------------------------------------------------

def _settings_in(s: Session) -> TownSubsidySettings:
    rows = dict(s.execute(select(Setting.key, Setting.value).where(Setting.key.like("subsidy.%"))).all())
    try:
        standard = Decimal(rows.get(SETTING_STANDARD) or "600")
    except InvalidOperation:
        standard = Decimal(600)
    try:
        years = int(rows.get(SETTING_YEARS) or 20)
    except ValueError:
        years = 20
    hotline = rows.get(SETTING_HOTLINE)
    if hotline is None:
        profile = s.get(TownProfile, 1)
        hotline = profile.contact_phone if profile is not None else ""
    return TownSubsidySettings(CountySettings(standard, years, rows.get(SETTING_NATURAL) == "1"), hotline or "")


def load_settings(db: Database) -> TownSubsidySettings:
    with db.read() as s:
        return _settings_in(s)


def county_settings(s: Session) -> CountySettings:
    return _settings_in(s).county


def save_settings(db: Database, county: CountySettings, hotline: str) -> None:
    """Save the county settings of 基础信息 (one transaction)."""
    if county.standard <= 0 or county.standard > 100000:
        raise SubsidyRefused("扶持标准应为大于0的金额（元/人·年），例如 600")
    if not 1 <= county.years <= 60:
        raise SubsidyRefused("扶持年限应为1到60之间的整数，例如 20")
    values = {SETTING_STANDARD: str(Decimal(county.standard).normalize()), SETTING_YEARS: str(county.years),
              SETTING_NATURAL: "1" if county.natural_add else "0", SETTING_HOTLINE: hotline.strip()}
    with db.write() as s:
        for key, value in values.items():
            row = s.get(Setting, key) or Setting(key=key)
            row.value = value
            s.add(row)


# --- member facts ------------------------------------------------------------------------------------

def facts_of(row: SubsidyFacts | None) -> FactsData | None:
    if row is None:
        return None
    return FactsData(**{f.name: getattr(row, f.name) for f in fields(FactsData)})


def load_facts(db: Database, member_id: int) -> FactsData | None:
    with db.read() as s:
        return facts_of(s.get(SubsidyFacts, member_id))


def check_facts(data: FactsData) -> FactsData:
    """The facts normalised (account digits, bank trimmed), or SubsidyRefused saying what to fix."""
    if data.category and data.category not in vocab.SUBSIDY_CATEGORIES:
        raise SubsidyRefused(f"扶持类别只能是“现状人口”或“原迁人口”，而不是“{data.category}”")
    if data.on_roster and not data.category:
        raise SubsidyRefused("请选择扶持类别（现状人口或原迁人口）")
    if data.state not in vocab.SUBSIDY_STATES:
        raise SubsidyRefused(f"后扶状态只能是“在册”或“核减”，而不是“{data.state}”")
    account, problem = normalize_account(data.account)
    if problem:
        raise SubsidyRefused(problem)
    if data.state == vocab.SUBSIDY_REDUCED:
        if data.reduced_on is None:
            raise SubsidyRefused("核减的人员请填写核减时间")
        if not data.reduced_reason.strip():
            raise SubsidyRefused("核减的人员请填写核减原因")
        reduced_on, reason = data.reduced_on, data.reduced_reason.strip()
    else:
        reduced_on, reason = None, ""
    return replace(data, account=account, bank=data.bank.strip(), reduced_on=reduced_on, reduced_reason=reason)


def apply_facts(s: Session, member: Member, data: FactsData) -> list[history.Change]:
    """Store checked facts on the member (creating the row when needed); returns the changes for history."""
    data = check_facts(data)
    if data.start_on is None:
        relocated = relocated_day(member.household.relocation_date) if member.household is not None else None
        data = replace(data, start_on=default_start(data.category, relocated))
    row = s.get(SubsidyFacts, member.id)
    old = facts_of(row) or FactsData(on_roster=False, category="", state=vocab.SUBSIDY_ON)
    if row is None:
        row = SubsidyFacts(member_id=member.id)
        s.add(row)
    changes = []
    for f in fields(FactsData):
        before, after = getattr(old, f.name), getattr(data, f.name)
        if before != after:
            changes.append(history.Change(member.name, LABELS[f.name], history.display_text(before),
                                          history.display_text(after), member.id))
        setattr(row, f.name, after)
    return changes


def save_facts(db: Database, member_id: int, data: FactsData, *, reason: str = "编辑") -> list[history.Change]:
    """Save one member's support facts (the member dialog); returns what changed."""
    with db.write() as s:
        member = s.get(Member, member_id)
        if member is None:
            raise SubsidyRefused("找不到这个成员，可能已被删除")
        changes = apply_facts(s, member, data)
        history.record(s, member.household_id, changes, reason)
        return changes


def reduce(db: Database, member_id: int, day: dt.date, reason: str) -> list[history.Change]:
    """核减 one person (the one click on the 直补-应核减 finding) with its date and reason."""
    with db.write() as s:
        member = s.get(Member, member_id)
        row = s.get(SubsidyFacts, member_id)
        if member is None or row is None:
            raise SubsidyRefused("这个成员不在后扶名册中")
        data = replace(facts_of(row), state=vocab.SUBSIDY_REDUCED, reduced_on=day, reduced_reason=reason)
        changes = apply_facts(s, member, data)
        history.record(s, member.household_id, changes, "核减")
        return changes


def reduce_prefill(db: Database, member_id: int, today: dt.date | None = None) -> tuple[dt.date, str]:
    """The 核减 date and reason the finding offers: the archive's status date and 死亡/迁出."""
    with db.read() as s:
        member = s.get(Member, member_id)
        if member is None:
            raise SubsidyRefused("找不到这个成员，可能已被删除")
        reason = member.status if member.status in ("死亡", "迁出") else vocab.REDUCE_REASONS[-1]
        return member.status_date or today or dt.date.today(), reason
