"""Place names (SPEC §5, safety of imports): when a village or settlement-point name that is not known is
close enough to a known one to be a slip of the pen (清江 for 清江村, 清江材 for 清江村).

Close means: one name contains the other, or they are one character apart (one character added, dropped
or replaced). Names are compared as stored (whitespace removed by the caller).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.vocab import POINT_KINDS, SETTLEMENT_TYPES


def one_edit_apart(a: str, b: str) -> bool:
    """True when b is a with exactly one character inserted, deleted or replaced."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(1 for x, y in zip(a, b) if x != y) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def names_close(a: str, b: str) -> bool:
    """Two different names that are probably meant to be the same place."""
    if not a or not b or a == b:
        return False
    return a in b or b in a or one_edit_apart(a, b)


def close_names(name: str, known: Iterable[str]) -> list[str]:
    """The known names close to `name` (none when `name` itself is known), in a stable order."""
    known = list(dict.fromkeys(known))
    if not name or name in known:
        return []
    return sorted((k for k in known if names_close(name, k)), key=lambda k: (abs(len(k) - len(name)), k))


def settlement_type_for(point_kind: str | None) -> str:
    """The household's 安置方式 that its 安置点 implies: a 集中 point means 集中安置, a 分散 one 分散安置."""
    return SETTLEMENT_TYPES[POINT_KINDS.index(point_kind)] if point_kind in POINT_KINDS else ""
