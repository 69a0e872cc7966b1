"""Demo step: this year's 年度计划 with its monthly progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from app import vocab
from app.demo.base import DemoBase, _month_end, _nice
from app.demo.words import PLAN_ITEMS
from app.models import Plan, PlanItem, PlanProgress

# Items whose progress the ledgers measure (app.services.plan_measures); the others are typed (手填).
MEASURED = {"开展创业就业技能培训": "training", "新增转移就业": "placement", "无房户住房安置": "house_placement",
            "漏水房屋维修": "leak_repair", "一对一包保干部每月走访": "visits", "开展居民融合共建活动": "fusion",
            "开展后续扶持政策宣讲": "publicity"}


class PlanSteps(DemoBase):
    """The year's plan, its items and progress."""

    # ------------------------------------------------------------------ plan and meetings

    def _plan(self) -> None:
        rng, today = self.rng, self.today
        year = today.year
        scale = self.n / 2000
        counts = {
            "key": len(self.key), "nohouse": sum(1 for h in self.hh if h.active and h.housing == vocab.NO_HOUSE),
            "leaks": sum(1 for h in self.hh if h.active and h.leaks), "visits": len(self.covered) * 12,
            "points": len(self.points),
            "bigpoints": sum(1 for p in self.points if p["kind"] == "集中"
                             and self.point_sizes[p["pi"]] >= vocab.POINT_LEADER_THRESHOLD),
        }
        existing = self.s.scalar(select(Plan.id).where(Plan.year == year, Plan.kind == "年度计划"))
        if existing:
            plan_id = existing
        else:
            plan_id = self._id(Plan)
            self._insert(Plan, [{"id": plan_id, "year": year, "kind": "年度计划",
                                 "title": f"{self.town}{year}年搬迁群众后续扶持年度计划"}], "plans")
        items, progress = [], []
        self.plan_items: list[dict] = []
        for area, title, base, unit_word, unit_name, deadline_month in PLAN_ITEMS:
            if isinstance(base, str):
                target = max(1, counts[base])
            elif base <= 5:
                target = max(1, round(base * max(1.0, scale ** 0.5)))
            else:
                target = _nice(base * scale)
            owner = self.unit_heads[unit_name]
            item = {"id": self._id(PlanItem), "plan_id": plan_id, "focus_area": area, "title": title,
                    "target_value": Decimal(target), "target_unit": unit_word, "unit_id": self.units[unit_name],
                    "responsible_cadre_id": owner["id"], "responsible_person": owner["name"],
                    "deadline": _month_end(dt.date(year, deadline_month, 1)), "notes": "",
                    "measure": MEASURED.get(title, "")}
            items.append(item)
            self.plan_items.append(item)
            if item["measure"]:
                continue  # progress comes from the ledgers
            pace = rng.uniform(0.6, 1.25)
            done = 0
            for m in range(1, today.month + 1):
                want = min(target, int(target * min(1.0, pace * m / deadline_month)))
                value = max(0, want - done)
                done += value
                progress.append({"id": self._id(PlanProgress), "item_id": item["id"], "month": f"{year}-{m:02d}",
                                 "value": Decimal(value),
                                 "note": f"本月完成{value}{unit_word}" if value else "本月无新增"})
        self._insert(PlanItem, items, "plan_items")
        self._insert(PlanProgress, progress, "plan_progress")
