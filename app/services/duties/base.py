"""The findings mechanism of SPEC §4.7: each duty of the work plan is a small declared `Check` (its rule
code, severity, what it is about, and a query function); `compute_findings` runs every registered check
against one session as of one date. No Qt; no check reads today() — the date is passed in.

Adding a rule is declaring it: write `def run(s, as_of) -> Iterable[Finding]` (queries, not a loop over
ORM households) and `register(Check(...))` in a module that this package imports. A rule that finds
thousands of subjects is declared in two steps (`Check.split`): `which(s, as_of) -> Found` decides whom it
finds, `name(s, as_of, found)` words each finding. Counting (`count_findings`: 首页's panel, the 月报's
figures) runs `which` alone, so the counts and the list come from the one decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Found:
    """Whom a rule finds, before it is worded: the subjects' ids (each on the register on the day, each once),
    the severity on the day, and what the wording step needs from the deciding one."""

    ids: Collection[int]
    severity: str
    detail: Any = None


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
    # Set on rules declared in two steps (Check.split): whom the rule finds, without wording it.
    which: Callable[[Session, dt.date], Found] | None = None

    @property
    def closable(self) -> bool:
        return self.fingerprint is not None

    @classmethod
    def split(cls, code: str, title: str, severity: str, subject_kind: str,
              which: Callable[[Session, dt.date], Found],
              name: Callable[[Session, dt.date, Found], Iterable[Finding]], *,
              fingerprint: Callable[[Session, list[int]], dict[int, str]] | None = None) -> Check:
        """A rule in two steps: `which` decides whom it finds, `name` words one finding for each of them."""
        return cls(code, title, severity, subject_kind, lambda s, as_of: name(s, as_of, which(s, as_of)),
                   fingerprint, which)


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
    worst: dict[str, str] = field(default_factory=dict)  # per rule with findings: 问题 if any is one, else 提醒
    listed: bool = True  # False when only counted (count_findings): items is then empty

    def of_rule(self, code: str) -> list[Finding]:
        return [f for f in self.items if f.rule == code]

    def leave_out(self, closed: Finding) -> None:
        """Drop a finding the clerk has just closed, and count its rule again, as the next run would."""
        self.items = [f for f in self.items if f is not closed]
        left = self.of_rule(closed.rule)
        self.by_rule[closed.rule] = subject_count(left)
        self.closed[closed.rule] = self.closed.get(closed.rule, 0) + 1
        if left:
            self.worst[closed.rule] = worst_of(left)
        else:
            self.worst.pop(closed.rule, None)

    def as_json(self) -> dict:
        """The SPEC §7 object of `check --duties --json`."""
        return {"findings": [f.as_json() for f in self.items], "by_rule": dict(self.by_rule)}


def compute_findings(session: Session, as_of: dt.date, *, rules: Iterable[str] | None = None) -> Findings:
    """Run every registered check (or only `rules`) as of `as_of` in the caller's session; read-only."""
    out = Findings(as_of)
    _forget(session)  # what the checks share is read afresh each run and dropped after it
    for check in _wanted(rules):
        out.items.extend(_list(session, as_of, check, out))
    _forget(session)
    return out


def count_findings(session: Session, as_of: dt.date, *, rules: Iterable[str] | None = None) -> Findings:
    """What compute_findings counts (by_rule, closed, worst), without wording the findings of the rules
    declared in two steps: only their `which` runs. Read-only; items stays empty."""
    out = Findings(as_of, listed=False)
    _forget(session)
    for check in _wanted(rules):
        if check.which is None:  # a rule that finds few: counted from its list
            _list(session, as_of, check, out)
            continue
        found = check.which(session, as_of)
        ids = set(found.ids)
        if check.fingerprint is not None and ids:
            closed = closed_among(session, check, ids)
            out.closed[check.code] = len(closed)
            ids -= closed
        out.by_rule[check.code] = len(ids)
        if ids:
            out.worst[check.code] = found.severity
    _forget(session)
    return out


def _list(session: Session, as_of: dt.date, check: Check, out: Findings) -> list[Finding]:
    """One rule's findings less the closed ones; its count, closures and worst severity put in `out`."""
    found = list(check.run(session, as_of))
    if check.fingerprint is not None and found:
        closed = closed_among(session, check, {f.subject_id for f in found if f.subject_id is not None})
        kept = [f for f in found if f.subject_id not in closed]
        out.closed[check.code] = len(found) - len(kept)
        found = kept
    out.by_rule[check.code] = subject_count(found)
    if found:
        out.worst[check.code] = worst_of(found)
    return found


def subject_count(found: Iterable[Finding]) -> int:
    """How many distinct subjects the findings are about (what a rule's count on 首页 is)."""
    return len({(f.subject_kind, f.subject_id if f.subject_id is not None else f.subject) for f in found})


def worst_of(found: Iterable[Finding]) -> str:
    """问题 if any of the findings is one, else 提醒."""
    return PROBLEM if any(f.severity == PROBLEM for f in found) else REMINDER


def closed_among(session: Session, check: Check, ids: Collection[int]) -> set[int]:
    """The subjects among ids whose finding the clerk closed and whose facts are unchanged since."""
    from app.services.duties.closures import closed_among as closed

    return closed(session, check, ids)


def _wanted(rules: Iterable[str] | None) -> list[Check]:
    wanted = set(rules) if rules is not None else None
    return [c for c in CHECKS if wanted is None or c.code in wanted]


def _forget(session: Session) -> None:
    for key in [k for k in session.info if isinstance(k, tuple) and str(k[0]).startswith("duties.")
                or isinstance(k, str) and k.startswith("duties.")]:
        del session.info[key]
