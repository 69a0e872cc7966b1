"""The duty commands of SPEC §7, kept beside cli.py: `check --duties [--json]` and `import problems`."""

from __future__ import annotations

import datetime as dt
import json


def _as_of(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"日期格式不对：{text}，应为 年-月-日，例如 2026-05-31") from None


def check_duties(args, db) -> int:
    """Print every finding of §4.7 as of today (or --as-of): JSON, or text grouped by rule."""
    from app.services import duties

    try:
        as_of = _as_of(args.as_of)
        result = duties.findings(db, as_of)
    finally:
        db.close()
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    total = sum(result.by_rule.values())
    print(f"督办提醒（截至 {as_of.isoformat()}）：{total} 项")
    for code, n in result.by_rule.items():
        if not n:
            continue
        items = result.of_rule(code)
        kinds = "、".join(f"{sev} {sum(f.severity == sev for f in items)}" for sev in duties.SEVERITIES
                         if any(f.severity == sev for f in items))
        print(f"\n【{code}】{duties.title_of(code)}：{n} 项（{kinds}）")
        for f in items:
            owner = f"　责任：{f.owner}" if f.owner else ""
            since = f"　自 {f.since.isoformat()}" if f.since else ""
            print(f"  [{f.severity}] {f.subject}{owner}{since}\n      {f.message}")
    closed = {k: v for k, v in result.closed.items() if v}
    if closed:
        print("\n已由经办人确认关闭：" + "，".join(f"{k} {v} 项" for k, v in closed.items()))
    return 0
