"""The changes an import makes to households already held (SPEC §5), as the clerk reads them."""

from __future__ import annotations

from collections.abc import Sequence

from app.io.apply import HeldChange

SHOWN = 200


def who(c: HeldChange) -> str:
    """档案编号 and head, then the member when the change is a member's: "HF000001 王明 / 李芳"."""
    household = f"{c.household} {c.head}".strip()
    return household if c.subject == "户" else f"{household} / {c.subject}"


def change_line(c: HeldChange) -> str:
    old = c.old if c.old != "" else "（空）"
    new = c.new if c.new != "" else "（空）"
    line = f"{who(c)}：{c.field} {old} → {new}" if c.field != "新增成员" else f"{who(c)}：新增成员 {new}"
    return line if c.applies else line + "（该户有错误，本次不导入）"


def changes_text(changes: Sequence[HeldChange], *, written: bool, refused: bool = False, limit: int = SHOWN) -> str:
    """A heading and one line per change, the first `limit` of them."""
    households = len({c.household for c in changes})
    verb = "已修改" if written else ("错误改正后导入时将修改" if refused else "将修改")
    lines = [f"{verb}已有档案 {households} 户、{len(changes)} 处："]
    lines += [f"  {change_line(c)}" for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"  ……另有 {len(changes) - limit} 处，使用 --json 查看全部")
    return "\n".join(lines)
