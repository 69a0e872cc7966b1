"""Demo steps: inspections, problems and the work ledgers (employment, support, housing, funds, projects, activities, party, meetings)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app import vocab
from app.demo.base import _H, DemoBase, _month_end, _month_start, _yuan
from app.demo.words import (
    ACTIVITIES,
    AREA_UNIT,
    EMPLOYERS,
    INSPECTION_FINDINGS,
    MEETING_DECISIONS,
    PROBLEMS_HOUSEHOLD,
    PROBLEMS_POINT,
    PROGRESS_NOTES,
    PROJECTS,
    STATION_UNIT,
    TRAININGS,
    UNRESOLVABLE,
    WORKSHOPS,
)
from app.models import (
    Activity,
    EmploymentRecord,
    FundRecord,
    HousingRecord,
    Inspection,
    Meeting,
    MeetingDecision,
    PartyRecord,
    Problem,
    ProblemProgress,
    Project,
    SupportRecord,
    Visit,
)


class LedgerSteps(DemoBase):
    """Every ledger but the plan."""

    # ------------------------------------------------------------------ inspections and problems

    def _problem_total(self) -> int:
        return max(round(self.n * 0.06), min(30, 6 + self.n // 10))

    def _inspections(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        self.inspection_list: list[tuple[dt.date, int | None]] = []
        n = max(6, len(self.villages) * 2)
        notice: dict[int, int] = {}
        abbrev = self.town[0]
        for d in sorted(today - dt.timedelta(days=rng.randint(5, 500)) for _ in range(n)):
            if rng.random() < 0.65:
                v = rng.choice(self.villages)
                unit_id, village_id, target = v["unit_id"], v["id"], v["name"]
            else:
                name = rng.choice([u for u in vocab.DEFAULT_UNITS if u != "镇督查室"])
                unit_id, village_id, target = self.units[name], None, name
            found = rng.sample(INSPECTION_FINDINGS, rng.randint(0, 3))
            issues = len(found) + (rng.randint(0, 3) if found else 0)
            issued = issues >= 3 or (issues > 0 and rng.random() < 0.3)
            no = ""
            if issued:
                notice[d.year] = notice.get(d.year, 0) + 1
                no = f"{abbrev}督通〔{d.year}〕{notice[d.year]}号"
            accountability = ""
            if issues >= 5:
                accountability = f"对{target}主要负责人进行约谈，责令限期整改"
            elif issued:
                accountability = "责令限期整改，整改情况报镇督查室"
            findings = ("；".join(found) + "。") if found else "资料齐全，工作推进有序，未发现问题。"
            rows.append({"id": self._id(Inspection), "date": d, "unit_id": unit_id, "village_id": village_id,
                         "findings": f"督查{target}：{findings}", "issues_found": issues, "notice_issued": issued,
                         "notice_no": no, "accountability": accountability})
            if found:
                self.inspection_list.append((d, village_id))
        self._insert(Inspection, rows, "inspections")

    def _problems(self) -> None:
        rng, today = self.rng, self.today
        total = self._problem_total()
        active = [h for h in self.hh if h.active]
        rows: list[dict] = []
        progress: list[dict] = []
        self.open_problems: list[int] = []

        def add(found: dt.date, source: str, area: str, template: tuple[str, str, str], h: _H | None,
                point: dict | None, visit_id: int | None = None, cadre_id: int | None = None) -> str:
            if h is not None:
                point = self.points[h.pi]
            v = self.villages[point["vi"]] if point else None
            desc, measures, result = template
            desc = desc.format(p=point["name"] if point else "")
            unit_name = AREA_UNIT[area]
            unit_id = self.units[unit_name] if unit_name else (v["unit_id"] if v else None)
            owner = self.unit_heads.get(unit_name) if unit_name else (v["cadres"][0] if v else None)
            if area == "包保扶持" and h is not None and h.id in self.assign:
                owner = self.assign[h.id][0]
            age = (today - found).days
            long_job = area in ("住房保障", "环境整治", "产业扶持", "组织建设")
            deadline = found + dt.timedelta(days=rng.choice((60, 90, 120, 180) if long_job else (15, 30, 30, 45, 60)))
            x = rng.random()
            if age > 365:
                status = "已解决" if x < 0.88 else "暂无法解决" if x < 0.96 else "办理中"
            elif age > 120:
                status = "已解决" if x < 0.8 else "暂无法解决" if x < 0.88 else "办理中" if x < 0.97 else "待办"
            elif age > 30:
                status = "已解决" if x < 0.45 else "暂无法解决" if x < 0.48 else "办理中" if x < 0.88 else "待办"
            else:
                status = "已解决" if x < 0.2 else "办理中" if x < 0.65 else "待办"
            pid = self._id(Problem)
            resolved = None
            if status == "已解决":
                resolved = min(today, found + dt.timedelta(days=rng.randint(3, max(4, min(120, age)))))
            rows.append({
                "id": pid, "found_date": found, "source": source, "focus_area": area, "description": desc,
                "household_id": h.id if h else None, "settlement_point_id": point["id"] if point else None,
                "village_id": v["id"] if v else None, "visit_id": visit_id, "unit_id": unit_id,
                "responsible_cadre_id": owner["id"] if owner else cadre_id,
                "responsible_person": owner["name"] if owner else "", "deadline": deadline,
                "measures": measures if status != "待办" or rng.random() < 0.5 else "",
                "status": status, "unresolvable_reason": UNRESOLVABLE[area] if status == "暂无法解决" else "",
                "resolved_date": resolved, "result": result if status == "已解决" else "",
            })
            if status in vocab.PROBLEM_OPEN:
                self.open_problems.append(pid)
            if status != "待办":
                end = resolved or today
                steps = rng.randint(1, 3)
                for k in range(steps):
                    d = found + dt.timedelta(days=max(1, (end - found).days) * (k + 1) // (steps + 1))
                    note = rng.choice(PROGRESS_NOTES).format(u=unit_name or (v["name"] if v else "镇水利移民站"))
                    progress.append({"id": self._id(ProblemProgress), "problem_id": pid, "date": d, "note": note})
            return desc

        def household_problem(h: _H) -> tuple[str, tuple[str, str, str]]:
            if h.housing == vocab.NO_HOUSE:
                return "住房保障", PROBLEMS_HOUSEHOLD["住房保障"][1]
            if h.leaks:
                return "住房保障", PROBLEMS_HOUSEHOLD["住房保障"][0]
            if h.geo:
                return "住房保障", PROBLEMS_HOUSEHOLD["住房保障"][2]
            if h.sick and rng.random() < 0.5:
                return "政策兜底", PROBLEMS_HOUSEHOLD["政策兜底"][1]
            if h.alone and rng.random() < 0.5:
                return "政策兜底", PROBLEMS_HOUSEHOLD["政策兜底"][2]
            area = rng.choice(("产业扶持", "创业就业", "创业就业", "政策兜底", "住房保障", "包保扶持", "宣传引导"))
            return area, rng.choice(PROBLEMS_HOUSEHOLD[area])

        # From visits (the visit's findings name the problem).
        pending = {vid: None for vid, *_ in self.visit_problems}
        for vid, d, cadre_id, h in self.visit_problems:
            area, template = household_problem(h)
            desc = add(d, "走访", area, template, h, None, vid, cadre_id)
            pending[vid] = f"走访发现：{desc}，已登记问题台账"
        for r in self.visit_rows_pending:
            if r["findings"] is None:
                r["findings"] = pending[r["id"]]
        for k in range(0, len(self.visit_rows_pending), 20000):
            self._insert_many(Visit, self.visit_rows_pending[k:k + 20000], "visits")
        self.visit_rows_pending = []

        remaining = max(0, total - len(rows))
        # 调查摸底 (the survey stage, two to three years ago), 群众反映 and 督查.
        survey_start = today - dt.timedelta(days=1000)
        for i in range(remaining):
            x = rng.random()
            if x < 0.4:
                source, found = "调查摸底", survey_start + dt.timedelta(days=rng.randint(0, 180))
            elif x < 0.8 or not self.inspection_list:
                # Complaints are mostly recent ones.
                source, found = "群众反映", today - dt.timedelta(days=int(540 * rng.random() ** 2))
            else:
                d, village_id = rng.choice(self.inspection_list)
                source, found = "督查", d
            if rng.random() < 0.3 or not active:
                area = rng.choice(("环境整治", "环境整治", "环境整治", "组织建设", "宣传引导"))
                candidates = [p for p in self.points if p["kind"] == "集中"] or self.points
                point = rng.choice(candidates)
                add(found, source, area, rng.choice(PROBLEMS_POINT[area]), None, point)
            else:
                h = rng.choice(active)
                area, template = household_problem(h)
                add(found, source, area, template, h, None)
        # Some open ones are past their deadline: make sure the overdue list has something to show.
        overdue = [r for r in rows if r["status"] in vocab.PROBLEM_OPEN and r["deadline"] < today]
        if not overdue:
            for r in [r for r in rows if r["status"] in vocab.PROBLEM_OPEN][:3]:
                r["deadline"] = today - dt.timedelta(days=rng.randint(3, 30))
                r["found_date"] = min(r["found_date"], r["deadline"] - dt.timedelta(days=15))
        rows.sort(key=lambda r: r["id"])
        self._insert(Problem, rows, "problems")
        progress.sort(key=lambda r: r["id"])
        self._insert(ProblemProgress, progress, "problem_progress")

    # ------------------------------------------------------------------ work ledgers

    def _employment(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        n_train = max(20, round(self.n * 0.08))
        n_place = max(10, round(self.n * 0.035))
        if self.workers:
            for _ in range(n_train):
                hid, mid, _emp = rng.choice(self.workers)
                rows.append(self._emp_row(hid, mid, "技能培训", rng.choice(TRAININGS), "", None,
                                          today - dt.timedelta(days=rng.randint(0, 720))))
            placeable = [w for w in self.workers if w[2] in EMPLOYERS] or self.workers
            for _ in range(n_place):
                hid, mid, emp = rng.choice(placeable)
                employer = rng.choice(EMPLOYERS.get(emp, EMPLOYERS["县内务工"]))
                rows.append(self._emp_row(hid, mid, "就业安置", employer, emp if emp in EMPLOYERS else "县内务工", None,
                                          today - dt.timedelta(days=rng.randint(0, 720))))
        founders = self.entrepreneurs or self.workers[:5]
        n_found = max(4, round(len(founders) * 0.4)) if founders else 0
        for hid, mid, *_ in rng.sample(founders, min(n_found, len(founders))):
            start = today - dt.timedelta(days=rng.randint(60, 900))
            shop = rng.choice(WORKSHOPS)
            rows.append(self._emp_row(hid, mid, "小作坊", shop, "自主创业", None, start))
            if rng.random() < 0.7:
                rows.append(self._emp_row(hid, mid, "创业一次性补贴", f"开办{shop}", "",
                                          Decimal(rng.choice((5000, 5000, 10000))).quantize(Decimal("0.01")),
                                          start + dt.timedelta(days=rng.randint(20, 90))))
            if rng.random() < 0.5:
                rows.append(self._emp_row(hid, mid, "场租补贴", f"{shop}经营场所租金补贴", "",
                                          _yuan(rng.choice((1200, 2400, 3600, 4800, 6000))),
                                          start + dt.timedelta(days=rng.randint(30, 200))))
            if rng.random() < 0.35:
                loan = rng.choice((5, 10, 15, 20, 30))
                rows.append(self._emp_row(hid, mid, "小额贷款担保贴息", f"创业担保贷款{loan}万元贴息", "",
                                          _yuan(loan * 10000 * rng.uniform(0.03, 0.045)),
                                          start + dt.timedelta(days=rng.randint(60, 360))))
        rows = [r for r in rows if r["date"] <= today]
        rows.sort(key=lambda r: (r["date"], r["household_id"]))
        for r in rows:
            r["id"] = self._id(EmploymentRecord)
        self.employment_rows = rows
        self._insert(EmploymentRecord, rows, "employment_records")

    def _emp_row(self, hid, mid, kind, detail, employment, amount, d) -> dict:
        return {"id": None, "date": d, "household_id": hid, "member_id": mid, "kind": kind, "detail": detail,
                "employment": employment, "amount": amount, "notes": ""}

    def _support(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        this_year = dt.date(today.year, 1, 1)
        last_year = dt.date(today.year - 1, 1, 1)
        months_now = today.month
        for h in self.hh:
            if not h.active:
                continue
            dibao = (vocab.TAG_LOW_INCOME in h.tags and rng.random() < 0.9) or (
                vocab.TAG_HARDSHIP in h.tags and rng.random() < 0.5)
            tekun = vocab.TAG_ELDERLY in h.tags and h.alone and rng.random() < 0.65
            if tekun:
                monthly = rng.randint(700, 950)
                kind = "特困供养"
            elif dibao:
                monthly = rng.randint(300, 650) * min(3, max(1, h.size))
                kind = "低保"
            else:
                kind = None
            if kind:
                rows.append({"household_id": h.id, "member_id": h.head_mid if kind == "特困供养" else None,
                             "kind": kind, "amount": _yuan(monthly * 12), "start_date": last_year,
                             "end_date": dt.date(today.year - 1, 12, 31), "notes": f"每月{monthly}元"})
                rows.append({"household_id": h.id, "member_id": h.head_mid if kind == "特困供养" else None,
                             "kind": kind, "amount": _yuan(monthly * months_now), "start_date": this_year,
                             "end_date": _month_end(_month_start(today, 0)), "notes": f"每月{monthly}元，按月发放"})
            if (h.tags or h.poor) and rng.random() < 0.06:
                d = today - dt.timedelta(days=rng.randint(0, 500))
                rows.append({"household_id": h.id, "member_id": None, "kind": "临时救助",
                             "amount": _yuan(rng.choice((500, 800, 1000, 1500, 2000, 3000))), "start_date": d,
                             "end_date": d, "notes": rng.choice(("因病临时救助", "因灾临时救助", "突发困难救助"))})
        for hid, mid in self.serious:
            if rng.random() < 0.5:
                d = today - dt.timedelta(days=rng.randint(0, 600))
                rows.append({"household_id": hid, "member_id": mid, "kind": "医疗救助",
                             "amount": _yuan(rng.randint(20, 300) * 100), "start_date": d, "end_date": d,
                             "notes": "住院医疗费用救助"})
        for r in rows:
            r["id"] = self._id(SupportRecord)
        self._insert(SupportRecord, rows, "support_records")

    def _housing(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        for h in self.hh:
            if not h.active:
                continue
            point = self.points[h.pi]
            if h.housing == vocab.NO_HOUSE:
                place = rng.choice(vocab.HOUSING_PLACEMENTS)
                rows.append(("无房户安置", place, rng.choice((
                    f"已登记，拟安排{place}，等待分配", f"已提交{place}申请，资料已报县住建局")), None, False, h,
                    today - dt.timedelta(days=rng.randint(10, 200))))
            elif h.housing in vocab.HOUSING_PLACEMENTS:
                rows.append(("无房户安置", h.housing, f"已安置入住{h.housing}", None, True, h,
                             today - dt.timedelta(days=rng.randint(200, 1400))))
            if h.leaks:
                rows.append(("漏水维修", "", rng.choice(("屋面漏水，已勘查，待施工", "卫生间渗漏，已列入维修计划",
                                                       "外墙渗水，施工队已进场")),
                             _yuan(rng.randint(15, 80) * 100), False, h, today - dt.timedelta(days=rng.randint(5, 150))))
            elif rng.random() < 0.02:
                rows.append(("漏水维修", "", rng.choice(("屋面防水维修已完成", "更换屋面瓦片，已完工")),
                             _yuan(rng.randint(15, 80) * 100), True, h, today - dt.timedelta(days=rng.randint(120, 900))))
            if h.geo:
                rows.append(("地灾过渡安置", "安置小区空余房",
                             f"受地质灾害威胁，已过渡安置至{point['name'] if point['kind'] == '集中' else '安置小区'}空余房屋，待搬迁",
                             _yuan(rng.choice((3000, 4000, 6000))), rng.random() < 0.6, h,
                             today - dt.timedelta(days=rng.randint(10, 300))))
        out = []
        for kind, placement, detail, amount, done, h, d in rows:
            out.append({"id": self._id(HousingRecord), "date": d, "household_id": h.id, "kind": kind,
                        "placement": placement, "detail": detail, "amount": amount, "completed": done})
        self._insert(HousingRecord, out, "housing_records")

    def _funds(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        for h in self.hh:
            if h.active and (h.tags or h.poor) and rng.random() < 0.05:
                rows.append({"date": today - dt.timedelta(days=rng.randint(0, 700)),
                             "source": rng.choice(("镇级财政", "县级财政", "移民后期扶持资金")), "kind": "临时困难补助",
                             "amount": _yuan(rng.choice((500, 1000, 1500, 2000, 3000, 5000))), "household_id": h.id,
                             "village_id": self.villages[h.vi]["id"], "recipient": h.head_name,
                             "notes": rng.choice(("突发疾病临时困难补助", "子女上学临时困难补助", "意外事故临时困难补助"))})
            elif h.active and h.tags and rng.random() < 0.05:
                rows.append({"date": dt.date(today.year if today.month >= 2 else today.year - 1, 1, rng.randint(10, 28)),
                             "source": "社会捐助", "kind": "其他", "amount": _yuan(rng.choice((200, 300, 500, 800))),
                             "household_id": h.id, "village_id": self.villages[h.vi]["id"], "recipient": h.head_name,
                             "notes": "春节慰问金"})
        for r in self.employment_rows:
            if r["kind"] == "创业一次性补贴":
                h = self.hh_by_id().get(r["household_id"])
                rows.append({"date": r["date"], "source": "县级财政", "kind": "创业就业补助", "amount": r["amount"],
                             "household_id": r["household_id"], "village_id": self.villages[h.vi]["id"],
                             "recipient": h.head_name, "notes": r["detail"]})
        self.fund_rows = rows  # project funds are added by _projects

    def hh_by_id(self) -> dict[int, _H]:
        if not hasattr(self, "_hh_by_id"):
            self._hh_by_id = {h.id: h for h in self.hh}
        return self._hh_by_id

    def _projects(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        categories = list(PROJECTS)
        for p in self.points:
            if p["named"]:
                chosen = rng.sample(categories[:6], rng.randint(5, 6)) + ["公共服务设施"]
            elif p["kind"] == "集中" and self.point_sizes[p["pi"]] >= 20:
                chosen = rng.sample(categories, rng.randint(1, 3)) if rng.random() < 0.6 else []
            elif p["kind"] == "分散" and rng.random() < 0.1:
                chosen = ["道路"]
            else:
                chosen = []
            v = self.villages[p["vi"]]
            for cat in chosen:
                suffix, (lo, hi) = PROJECTS[cat]
                budget = Decimal(rng.randint(lo * 10, hi * 10) * 1000).quantize(Decimal("0.01"))
                start = today - dt.timedelta(days=rng.randint(0, 1100))
                age = (today - start).days
                x = rng.random()
                if age > 400 and x < 0.8:
                    status, pct = "已验收", 100
                elif age > 200 and x < 0.6:
                    status, pct = "完工", 100
                elif age > 30:
                    status, pct = "在建", rng.randint(3, 19) * 5
                else:
                    status, pct = "谋划", 0
                spent = (budget * Decimal(pct) / 100 * Decimal(rng.uniform(0.85, 1.0))).quantize(Decimal("0.01"))
                if status == "已验收":
                    spent = (budget * Decimal(rng.uniform(0.93, 1.0))).quantize(Decimal("0.01"))
                funding = self.w_funding.pick(rng)
                pid = self._id(Project)
                rows.append({
                    "id": pid, "name": f"{p['name']}{suffix}", "category": cat, "settlement_point_id": p["id"],
                    "village_id": v["id"], "funding_source": funding, "budget": budget, "spent": spent,
                    "progress_pct": pct, "status": status, "start_date": start if status != "谋划" else None,
                    "acceptance_date": (start + dt.timedelta(days=rng.randint(120, 380))) if status == "已验收" else None,
                    "unit_id": self.units[STATION_UNIT if rng.random() < 0.6 else "镇村建中心"],
                    "notes": "" if status != "谋划" else "已完成项目申报，待批复",
                })
                if spent:
                    rows_date = start + dt.timedelta(days=rng.randint(10, 60))
                    self.fund_rows.append({
                        "date": min(today, rows_date),
                        "source": "移民后期扶持资金" if funding == "移民后期扶持项目资金" else
                        "县级财政" if funding in ("县级财政", "以工代赈资金") else "镇级财政",
                        "kind": "项目资金", "amount": spent, "household_id": None, "village_id": v["id"],
                        "recipient": v["name"], "notes": f"{p['name']}{suffix}"})
        if rows:
            self._insert(Project, rows, "projects")
        for r in sorted(self.fund_rows, key=lambda r: (r["date"], r["kind"])):
            r["id"] = self._id(FundRecord)
        self.fund_rows.sort(key=lambda r: r["id"])
        self._insert(FundRecord, self.fund_rows, "fund_records")

    def _activities(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        year_start = dt.date(today.year, 1, 1)
        days_this_year = (today - year_start).days + 1
        last_year = dt.date(today.year - 1, 1, 1)
        for p in self.points:
            size = self.point_sizes[p["pi"]]
            v = self.villages[p["vi"]]
            organiser = v["name"] if rng.random() < 0.6 else f"{v['name']}、{self.town}水利移民站"

            def add(kind: str, d: dt.date) -> None:
                title = rng.choice(ACTIVITIES[kind])
                people = max(5, int(size * rng.uniform(0.3, 1.2))) if size else rng.randint(5, 20)
                rows.append({"id": None, "date": d, "kind": kind, "title": title, "settlement_point_id": p["id"],
                             "organiser": organiser, "participants": people,
                             "summary": f"在{p['name']}开展{title}，{people}人参加。"})

            if p["named"] or rng.random() < 0.85:
                add("居民融合共建活动", year_start + dt.timedelta(days=rng.randrange(days_this_year)))
            if rng.random() < 0.9:
                add("居民融合共建活动", last_year + dt.timedelta(days=rng.randint(0, 364)))
            if p["kind"] == "集中" and rng.random() < 0.5:
                add("评比激励", last_year + dt.timedelta(days=rng.randint(300, 364)))
            if rng.random() < 0.4:
                add("宣传", today - dt.timedelta(days=rng.randint(0, 300)))
        rows.sort(key=lambda r: (r["date"], r["settlement_point_id"]))
        for r in rows:
            r["id"] = self._id(Activity)
        self._insert(Activity, rows, "activities")

    def _party(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        for p in self.points:
            if p["kind"] == "集中" and self.point_sizes[p["pi"]] >= 30:
                status = "已成立" if p["named"] or rng.random() < 0.6 else "筹建中"
                org = "党支部" if self.point_sizes[p["pi"]] >= 50 else "党小组"
                rows.append({"date": today - dt.timedelta(days=rng.randint(100, 1200)), "kind": "党组织",
                             "member_id": None, "settlement_point_id": p["id"],
                             "detail": f"{p['name']}{org}，设立党员活动室，开展“三会一课”", "status": status})
        for hid, mid, age, pi in rng.sample(self.party_members, min(len(self.party_members),
                                                                   max(5, round(len(self.party_members) * 0.3)))):
            joined = today.year - rng.randint(1, max(1, min(40, age - 18)))
            rows.append({"date": today - dt.timedelta(days=rng.randint(30, 700)), "kind": "党员", "member_id": mid,
                         "settlement_point_id": self.points[pi]["id"],
                         "detail": f"{joined}年入党，{rng.choice(('担任楼栋长', '参与安置点志愿服务', '流动党员，在外务工', '参与矛盾纠纷调解'))}",
                         "status": "正式党员" if rng.random() < 0.95 else "预备党员"})
        founders = [(hid, mid) for hid, mid in self.entrepreneurs]
        for hid, mid in rng.sample(founders, min(len(founders), max(3, round(len(founders) * 0.2)))):
            h = self.hh_by_id()[hid]
            rows.append({"date": today - dt.timedelta(days=rng.randint(30, 700)), "kind": "致富带头人", "member_id": mid,
                         "settlement_point_id": self.points[h.pi]["id"],
                         "detail": rng.choice(("带动5户群众发展养殖", "开办小作坊，吸纳本点群众就业", "领办种植合作社")),
                         "status": "已认定"})
            if rng.random() < 0.4:
                rows.append({"date": today - dt.timedelta(days=rng.randint(0, 300)), "kind": "双培", "member_id": mid,
                             "settlement_point_id": self.points[h.pi]["id"], "detail": "把致富带头人培养成党员",
                             "status": rng.choice(("已递交入党申请书", "入党积极分子", "发展对象", "已发展为预备党员"))})
        for hid, mid, pi in rng.sample(self.youth, min(len(self.youth), max(5, round(len(self.youth) * 0.05)))):
            rows.append({"date": today - dt.timedelta(days=rng.randint(0, 500)), "kind": "人才储备库", "member_id": mid,
                         "settlement_point_id": self.points[pi]["id"],
                         "detail": rng.choice(("返乡大学生", "技能人才（电工证）", "退役军人", "致富能手")),
                         "status": "已入库"})
            if rng.random() < 0.2:
                rows.append({"date": today - dt.timedelta(days=rng.randint(0, 300)), "kind": "双培", "member_id": mid,
                             "settlement_point_id": self.points[pi]["id"], "detail": "把党员培养成致富带头人",
                             "status": rng.choice(("培养中", "已结对帮带"))})
        rows.sort(key=lambda r: (r["date"], r["kind"]))
        for r in rows:
            r["id"] = self._id(PartyRecord)
        self._insert(PartyRecord, rows, "party_records")

    def _meetings(self) -> None:
        rng, today = self.rng, self.today
        meetings, decisions = [], []
        chairs = self.main[:2]
        attendees = "、".join([c["name"] for c in self.board[:4]] + [self.unit_heads[u]["name"]
                                                                      for u in vocab.DEFAULT_UNITS])
        for back in range(11, -1, -1):
            first = _month_start(today, back)
            last = min(_month_end(first), today)
            d = first + dt.timedelta(days=rng.randrange(min(10, (last - first).days + 1)))
            chair = chairs[back % len(chairs)]
            mid = self._id(Meeting)
            meetings.append({
                "id": mid, "date": d, "title": f"搬迁群众后续扶持工作{first.month}月调度会", "chair": chair["name"],
                "attendees": f"{attendees}，各村党支部书记、村委会主任",
                "minutes": "听取各村、各部门后续扶持工作进展汇报，分析存在问题，安排部署下一阶段工作。",
            })
            for text in rng.sample(MEETING_DECISIONS, rng.randint(2, 4)):
                deadline = d + dt.timedelta(days=rng.choice((10, 15, 20, 30)))
                plan_item = problem = None
                unit = self.units[rng.choice(vocab.DEFAULT_UNITS)]
                if d.year == today.year and rng.random() < 0.4:
                    item = rng.choice(self.plan_items)
                    plan_item, unit = item["id"], item["unit_id"]
                elif self.open_problems and rng.random() < 0.25:
                    problem = rng.choice(self.open_problems)
                decisions.append({"id": self._id(MeetingDecision), "meeting_id": mid,
                                  "text": text.format(d=f"{deadline.month}月{deadline.day}日"), "unit_id": unit,
                                  "deadline": deadline, "plan_item_id": plan_item, "problem_id": problem})
        self._insert(Meeting, meetings, "meetings")
        self._insert(MeetingDecision, decisions, "meeting_decisions")
