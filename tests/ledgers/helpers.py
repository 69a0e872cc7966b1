"""Helpers shared by the ledger, 包保, visit and dashboard tests (services and GUI alike)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from app import vocab
from app.ledgers import Kind, Ledger, engine
from app.services import people


def cadre(db, name: str = "张建国", rank: str = "村干部", post: str = "村委会主任") -> int:
    """A cadre through the people service; returns the id."""
    return people.save_cadre(db, people.CadreData(name=name, rank=rank, post=post))


def unit_id(db, name: str = "镇社事办") -> int:
    return next(c.id for c in engine.ref_choices(db, "unit") if c.label == name)


def key_households(add_household) -> dict[str, int]:
    """Households of each kind: a 三特户 (declared), a 三无户 (derived 无房), one that is both, and an
    ordinary one; name -> id."""
    return {
        "低收入": add_household("钱低收", tags=("低收入户",)),
        "无房": add_household("孙无房", housing="无房"),
        "两者": add_household("李两者", land=Decimal("0"), tags=("孤寡老残户",)),
        "普通": add_household("周普通"),
    }


def sample_values(db, ledger: Ledger, refs: dict[str, int], today: dt.date, variant: int = 0) -> dict[str, Any]:
    """A valid record of any declared ledger, built from its field types alone (the suite over every
    declaration uses it, so a new declaration is tested without new test code). `refs` maps a reference
    target (household, point, village, unit, cadre) to an id."""
    values: dict[str, Any] = {}
    for f in ledger.fields:
        if not f.form:
            continue
        if f.kind is Kind.TEXT:
            values[f.key] = f"文字{variant}{f.label}"
        elif f.kind is Kind.LONGTEXT:
            values[f.key] = f"说明{variant}：{f.label}的内容"
        elif f.kind is Kind.DATE:
            values[f.key] = today - dt.timedelta(days=10 - variant) if f.key == ledger.date_field else None
        elif f.kind is Kind.MONEY:
            values[f.key] = "1500.50"
        elif f.kind is Kind.INT:
            values[f.key] = str(3 + variant)
        elif f.kind is Kind.BOOL:
            values[f.key] = bool(variant % 2)
        elif f.kind is Kind.CHOICE:
            values[f.key] = f.default_value(today) if f.default_value(today) else f.choices[variant % len(f.choices)]
        elif f.kind is Kind.REF:
            values[f.key] = refs.get(f.ref)
    return values


def all_refs(db, place, add_household) -> dict[str, int]:
    village, big, _small = place
    household = add_household("吴样本")
    member = engine.ref_choices(db, "member", household_id=household)[0].id
    return {"household": household, "point": big, "village": village, "unit": unit_id(db),
            "cadre": cadre(db, "陈样本", "镇班子成员", "副镇长"), "member": member}


def answer(dialog_type, fill, *, accept_with=None):
    """Fill the next modal dialog of dialog_type when it appears, then press its OK (or `accept_with(d)`)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poke():
        for w in QApplication.topLevelWidgets():
            if isinstance(w, dialog_type) and w.isVisible():
                fill(w)
                if accept_with is not None:
                    accept_with(w)
                elif hasattr(w, "save_button"):
                    w.save_button.click()
                elif hasattr(w, "ok"):
                    w.ok.click()
                else:
                    w.accept()
                if w.isVisible():  # refused: leave it for the test to inspect, then close it
                    QTimer.singleShot(0, w.reject)
                return
        QTimer.singleShot(20, poke)

    QTimer.singleShot(0, poke)


def silence_messages(monkeypatch, *modules: str) -> list[str]:
    """Replace info/warn/confirm message boxes in the given modules; returns the texts shown.
    confirm answers yes."""
    shown: list[str] = []
    for module in modules:
        monkeypatch.setattr(f"{module}.info", lambda _p, _t, text, *a, **k: shown.append(text), raising=False)
        monkeypatch.setattr(f"{module}.warn", lambda _p, _t, text, *a, **k: shown.append(text), raising=False)
        monkeypatch.setattr(f"{module}.confirm", lambda _p, _t, text, *a, **k: shown.append(text) or True,
                            raising=False)
    return shown


ACTIVE = vocab.HOUSEHOLD_ACTIVE
