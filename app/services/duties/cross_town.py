"""跨镇重复 (SPEC §4.7, §8): in a county database, an ID held 在册 by members of two towns. The query is
app.services.county_checks; in a town's database it finds nothing. Narrowed to a town, the check still
reads every town and keeps the IDs that town holds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.services.county_checks import RULE_CROSS_TOWN, SEVERITY, cross_town_duplicates
from app.services.duties.base import Check, Finding, register
from app.services.town_scope import every_town


def cross_town(s: Session, as_of: dt.date) -> list[Finding]:
    with every_town(s) as town_id:
        found = cross_town_duplicates(s, town_id)
    return [Finding(RULE_CROSS_TOWN, SEVERITY, d.subject, "person", d.member_id, "、".join(d.towns), None,
                    d.message, towns=d.towns) for d in found]


def as_dict(f: Finding) -> dict:
    """A 跨镇重复 finding in the shape `check --json` lists under cross_town: §7's finding with its towns."""
    return {**f.as_json(), "towns": list(f.towns)}


register(Check(RULE_CROSS_TOWN, "同一身份证号登记在两个镇", SEVERITY, "person", cross_town))
