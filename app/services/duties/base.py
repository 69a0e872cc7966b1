"""The findings mechanism of SPEC §4.7: each duty of the work plan is a small declared `Check` (its rule
code, severity, what it is about, and a query function); `compute_findings` runs every registered check
against one session as of one date. No Qt; no check reads today() — the date is passed in.

Adding a rule is declaring it: write `def run(s, as_of) -> Iterable[Finding]` (queries, not a loop over
ORM households) and `register(Check(...))` in a module that this package imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

REMINDER, PROBLEM = "提醒", "问题"
SEVERITIES: tuple[str, ...] = (PROBLEM, REMINDER)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a duty rule says is not done: about whom, who owns it, since when, what to do."""

    rule: str  # the SPEC §4.7 rule code, e.g. 问题-逾期
    severity: str  # 提醒 or 问题
    subject: str  # the household / point / cadre / unit / plan item / problem, in words
    subject_kind: str  # household, point, problem, plan_item, cadre, unit, person
    subject_id: int | None
    owner: str  # the responsible cadre or unit; "" when nobody is
    since: dt.date | None
    message: str  # plain Chinese: what to do
    household_id: int | None = None  # the household a person's finding leads to (直补 …)
    towns: tuple[str, ...] = ()  # the towns a county finding concerns (跨镇重复)

    @property
    def household(self) -> int | None:
        """The household to open for this finding, if any."""
        return self.subject_id if self.subject_kind == "household" else self.household_id

    def as_json(self) -> dict:
        """The SPEC §7 shape of one finding."""
        return {"rule": self.rule, "severity": self.severity, "subject": self.subject, "owner": self.owner,
                "since": self.since.isoformat() if self.since else None, "message": self.message}


@dataclass(frozen=True)
class Check:
    """One declared duty rule. `run(session, as_of)` yields its findings; `title` is how 首页 names it."""

    code: str
    title: str
    severity: str
    subject_kind: str
    run: Callable[[Session, dt.date], Iterable[Finding]]
    # Set on rules whose findings the clerk may close with a reason: fingerprint(session, subject ids) ->
    # {id: hash of the facts the rule judges}. A closure holds while the subject's fingerprint is unchanged.
    fingerprint: Callable[[Session, list[int]], dict[int, str]] | None = None

    @property
    def closable(self) -> bool:
        return self.fingerprint is not None


CHECKS: list[Check] = []


def register(check: Check) -> Check:
    """Add a check to the registry (once per code); returns it."""
    if any(c.code == check.code for c in CHECKS):
        raise ValueError(f"duty rule {check.code} is declared twice")
    CHECKS.append(check)
    return check


def check_by_code(code: str) -> Check:
    for c in CHECKS:
        if c.code == code:
            return c
    raise KeyError(code)


@dataclass
class Findings:
    """Every finding as of a date, in the registry's rule order, and the distinct subjects per rule."""

    as_of: dt.date
    items: list[Finding] = field(default_factory=list)
    by_rule: dict[str, int] = field(default_factory=dict)
    closed: dict[str, int] = field(default_factory=dict)  # findings left out because the clerk closed them

    def of_rule(self, code: str) -> list[Finding]:
        return [f for f in self.items if f.rule == code]

    def as_json(self) -> dict:
        """The SPEC §7 object of `check --duties --json`."""
        return {"findings": [f.as_json() for f in self.items], "by_rule": dict(self.by_rule)}


def compute_findings(session: Session, as_of: dt.date, *, rules: Iterable[str] | None = None) -> Findings:
    """Run every registered check (or only `rules`) as of `as_of` in the caller's session; read-only."""
    wanted = set(rules) if rules is not None else None
    out = Findings(as_of)
    _forget(session)  # what the checks share is read afresh each run and dropped after it
    for check in CHECKS:
        if wanted is not None and check.code not in wanted:
            continue
        found = list(check.run(session, as_of))
        if check.fingerprint is not None and found:
            from app.services.duties.closures import drop_closed

            kept = drop_closed(session, check, found)
            out.closed[check.code] = len(found) - len(kept)
            found = kept
        out.items.extend(found)
        subjects = {(f.subject_kind, f.subject_id if f.subject_id is not None else f.subject) for f in found}
        out.by_rule[check.code] = len(subjects)
    _forget(session)
    return out


def _forget(session: Session) -> None:
    for key in [k for k in session.info if isinstance(k, tuple) and str(k[0]).startswith("duties.")
                or isinstance(k, str) and k.startswith("duties.")]:
        del session.info[key]
