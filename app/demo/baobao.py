"""Demo steps: 包保 assignments and monthly visits."""

from __future__ import annotations

import datetime as dt

from app import vocab
from app.demo.base import _H, DemoBase, _month_end, _month_start
from app.demo.words import VISIT_FINDINGS_GENERAL, VISIT_FINDINGS_GROUP, VISIT_FINDINGS_KEY, VISIT_FINDINGS_PHONE
from app.models import HouseholdAssignment, PointAssignment, UnitAssignment, Visit


class BaobaoSteps(DemoBase):
    """Point, household and unit assignments; visits."""

    def _baobao(self) -> None:
        rng, today = self.rng, self.today
        sizes = [0] * len(self.points)
        for h in self.hh:
            if h.active:
                sizes[h.pi] += 1
        self.point_sizes = sizes

        # Point leaders (SPEC §4.3), with one or two deliberate gaps for the coverage screens.
        rows = []
        big = sorted((p for p in self.points if p["kind"] == "集中" and sizes[p["pi"]] >= vocab.POINT_LEADER_THRESHOLD),
                     key=lambda p: (sizes[p["pi"]], p["pi"]))
        gaps = set()
        if big:
            unnamed = [p["pi"] for p in big if not p["named"]]
            gaps = set((unnamed or [big[0]["pi"]])[: 2 if len(big) >= 12 else 1])
        big_ids = {p["pi"] for p in big}
        self.point_leader: dict[int, dict] = {}
        main_i = 0
        small_gap = len(self.points) >= 8
        for p in self.points:
            v = self.villages[p["vi"]]
            start = today - dt.timedelta(days=rng.randint(200, 1400))
            if p["pi"] in big_ids and p["pi"] not in gaps:
                leader = self.main[main_i % len(self.main)]
                main_i += 1
            elif p["pi"] in big_ids:
                leader = rng.choice(self.board)
            elif small_gap and p["kind"] == "分散" and sizes[p["pi"]] > 0:
                leader = v["cadres"][0]  # a 村干部 only: below the rank §4.3 asks for
                small_gap = False
            else:
                leader = self.link[p["vi"]] if rng.random() < 0.75 else rng.choice(self.board)
            if p["named"] and rng.random() < 0.7:  # a change of leader kept as history
                earlier = start - dt.timedelta(days=rng.randint(300, 700))
                rows.append({"id": self._id(PointAssignment), "settlement_point_id": p["id"],
                             "cadre_id": rng.choice(self.board)["id"], "role": "牵头", "start_date": earlier,
                             "end_date": start})
            rows.append({"id": self._id(PointAssignment), "settlement_point_id": p["id"], "cadre_id": leader["id"],
                         "role": "牵头", "start_date": start, "end_date": None})
            self.point_leader[p["pi"]] = leader
            if p["kind"] == "集中":
                rows.append({"id": self._id(PointAssignment), "settlement_point_id": p["id"],
                             "cadre_id": v["cadres"][0]["id"], "role": "成员", "start_date": start, "end_date": None})
        self._insert(PointAssignment, rows, "point_assignments")

        # One-to-one 包保 of key households: mostly by village cadres, some by departments and the town board.
        global_pool = self.board + self.dept
        g_i = 0
        v_i = [0] * len(self.villages)
        rows = []
        self.assign: dict[int, tuple[dict, dt.date, dict | None, dt.date | None]] = {}
        window_start = _month_start(today, 11)
        for h in self.covered:
            v = self.villages[h.vi]
            if rng.random() < 0.12:
                cadre = global_pool[g_i % len(global_pool)]
                g_i += 1
            else:
                pool = v["cadres"] + [self.link[h.vi]]
                cadre = pool[v_i[h.vi] % len(pool)]
                v_i[h.vi] += 1
            prev = prev_start = None
            if rng.random() < 0.03:  # reassigned within the last year
                start = window_start + dt.timedelta(days=rng.randint(20, max(21, (today - window_start).days - 20)))
                prev = rng.choice(v["cadres"])
                if prev is cadre:
                    prev = self.link[h.vi]
                prev_start = start - dt.timedelta(days=rng.randint(400, 1000))
                rows.append({"id": self._id(HouseholdAssignment), "household_id": h.id, "cadre_id": prev["id"],
                             "start_date": prev_start, "end_date": start})
            else:
                start = today - dt.timedelta(days=rng.randint(60, 1300))
            rows.append({"id": self._id(HouseholdAssignment), "household_id": h.id, "cadre_id": cadre["id"],
                         "start_date": start, "end_date": None})
            self.assign[h.id] = (cadre, start, prev, prev_start)
        self._insert(HouseholdAssignment, rows, "household_assignments")

        # 分类包保 by departments, for a reason.
        rows = []
        social, housing_unit, labour_unit, farm = (self.units["镇社事办"], self.units["镇村建中心"],
                                                   self.units["镇人社中心"], self.units["镇农业中心"])
        for h in self.key:
            reasons = []
            if h.sick:
                reasons.append(("因病", social))
            if h.disabled:
                reasons.append(("因残", social))
            if h.students and h.poor:
                reasons.append(("因学", social))
            if h.geo:
                reasons.append(("因灾", housing_unit))
            if not h.flags & vocab.TAG_BITS[vocab.TAG_NO_LABOUR] and h.poor:
                reasons.append((rng.choice(("缺技术", "缺资金")), labour_unit if rng.random() < 0.6 else farm))
            elif h.flags & vocab.TAG_BITS[vocab.TAG_NO_LABOUR]:
                reasons.append(("缺劳力", labour_unit))
            if not reasons or rng.random() > 0.35:
                continue
            reason, unit = rng.choice(reasons)
            start = today - dt.timedelta(days=rng.randint(30, 1000))
            end = None
            if rng.random() < 0.05:
                end = start + dt.timedelta(days=rng.randint(90, 300))
                end = min(end, today)
            rows.append({"id": self._id(UnitAssignment), "household_id": h.id, "unit_id": unit, "reason": reason,
                         "start_date": start, "end_date": end})
        self._insert(UnitAssignment, rows, "unit_assignments")

    # ------------------------------------------------------------------ visits

    def _visits(self) -> None:
        rng, today = self.rng, self.today
        ch = self.ch
        months = []
        for back in range(11, -1, -1):
            first = _month_start(today, back)
            last = min(_month_end(first), today)
            months.append((first, (last - first).days + 1, back == 0))
        n_prob = self._problem_total()
        expected = max(1.0, len(self.covered) * 7.5)  # 入户 visits over the year
        p_problem = min(0.2, 0.35 * n_prob / expected)
        self.visit_problems: list[tuple[int, dt.date, int, _H]] = []
        rows: list[dict] = []
        for h in self.covered:
            cadre, start, prev, prev_start = self.assign[h.id]
            laggard = rng.random() < 0.04
            key_words = VISIT_FINDINGS_KEY if h.tags or h.flags else VISIT_FINDINGS_GENERAL
            for first, span, current in months:
                p = 0.5 if laggard else 0.86 if current else 0.93
                if rng.random() >= p:
                    continue
                for _ in range(2 if rng.random() < 0.04 else 1):
                    d = first + dt.timedelta(days=int(rng.random() * span))
                    if d >= start:
                        who = cadre
                    elif prev is not None and d >= prev_start:
                        who = prev
                    else:
                        continue
                    x = rng.random()
                    way = "入户" if x < 0.72 else "电话" if x < 0.92 else "集中"
                    if way == "电话":
                        words = ch(VISIT_FINDINGS_PHONE)
                    elif way == "集中":
                        words = ch(VISIT_FINDINGS_GROUP)
                    else:
                        words = ch(key_words if rng.random() < 0.5 else VISIT_FINDINGS_GENERAL)
                    vid = self._id(Visit)
                    if way == "入户" and rng.random() < p_problem:
                        self.visit_problems.append((vid, d, who["id"], h))
                        words = None  # filled when the problem is made
                    rows.append({"id": vid, "date": d, "cadre_id": who["id"], "household_id": h.id, "way": way,
                                 "findings": words})
        self.visit_rows_pending = rows  # inserted after the problems fill in their findings
