"""Demo steps: town profile, villages, settlement points, units; cadres."""

from __future__ import annotations

import math

from sqlalchemy import insert, select, update

from app import vocab
from app.demo.base import DemoBase, _apportion
from app.demo.words import (
    BIG_POINTS,
    CADRE_POSTS_TOWN,
    DEFAULT_COUNTY,
    DEFAULT_TOWN,
    DEPT_HEAD_POST,
    DEPT_STAFF_POSTS,
    GROUPS,
    LINK_POSTS,
    MAIN_LEADER_POSTS,
    OFFICE_UNIT,
    OLD_VILLAGES,
    PLACES,
    STATION_UNIT,
    VILLAGE_POSTS_EXTRA,
    VILLAGES,
)
from app.models import Cadre, SettlementPoint, TownProfile, Unit, Village


class OrgSteps(DemoBase):
    """Villages, points, units and the cadres who work in them."""

    # ------------------------------------------------------------------ organisation

    def _organisation(self) -> None:
        s, rng, n = self.s, self.rng, self.n
        profile = s.get(TownProfile, 1) or s.scalars(select(TownProfile).order_by(TownProfile.id)).first()
        self.profile_id = profile.id if profile else None
        self.fill_profile = profile is None or not (profile.town_name or "").strip()
        self.town = (profile.town_name or "").strip() if profile and not self.fill_profile else DEFAULT_TOWN
        self.county = ((profile.county_name or "").strip() if profile else "") or DEFAULT_COUNTY

        # Villages: about one per 400 households, 4 to 40.
        nv = min(len(VILLAGES), max(4, round(n / 400)))
        existing = dict(s.execute(select(Village.name, Village.id)).all())
        self.villages: list[dict] = []
        rows = []
        for name, code in VILLAGES[:nv]:
            v = {"name": name, "code": code, "secretary": self._person_name(), "director": self._person_name()}
            v["secretary_phone"], v["director_phone"] = self._phone(), self._phone()
            v["old"] = rng.sample(OLD_VILLAGES, rng.randint(1, 3))
            if name in existing:
                v["id"] = existing[name]
            else:
                v["id"] = self._id(Village)
                rows.append({"id": v["id"], "name": name, "secretary": v["secretary"], "director": v["director"],
                             "phone": v["secretary_phone"]})
            self.villages.append(v)
        self._insert(Village, rows)

        # Units: the town's departments, its office, one per village.
        units = dict(s.execute(select(Unit.name, Unit.id)).all())
        self.units: dict[str, int] = {}
        rows = []
        for name in (*vocab.DEFAULT_UNITS, OFFICE_UNIT):
            if name in units:
                self.units[name] = units[name]
            else:
                self.units[name] = uid = self._id(Unit)
                rows.append({"id": uid, "name": name, "kind": "部门", "village_id": None, "active": True})
        for v in self.villages:
            if v["name"] in units:
                v["unit_id"] = units[v["name"]]
            else:
                v["unit_id"] = uid = self._id(Unit)
                rows.append({"id": uid, "name": v["name"], "kind": "村", "village_id": v["id"], "active": True})
        self._insert(Unit, rows)

        # Households per village, then settlement points per village.
        big_village = {name for name, _ in BIG_POINTS}
        weights = [1.5 if v["name"] in big_village else rng.uniform(0.6, 1.4) for v in self.villages]
        per_village = _apportion(n, weights)
        if n >= 200:  # enough for the work plan's three points to hold well over 50 households
            bigs = [i for i, v in enumerate(self.villages) if v["name"] in big_village]
            others = [i for i in range(len(self.villages)) if i not in bigs]
            for i in bigs:
                need = max(0, 66 - per_village[i])
                for j in sorted(others, key=lambda j: -per_village[j]):
                    give = min(need, per_village[j] - 5)
                    if give > 0:
                        per_village[j] -= give
                        per_village[i] += give
                        need -= give
        existing_points = {(vid, name): pid for pid, vid, name in
                           s.execute(select(SettlementPoint.id, SettlementPoint.village_id, SettlementPoint.name))}
        self.points: list[dict] = []
        rows = []
        for vi, (v, hv) in enumerate(zip(self.villages, per_village)):
            np_ = min(20, max(3, 2 + round(hv / 120)))
            big_name = next((p for vn, p in BIG_POINTS if vn == v["name"]), None)
            places = rng.sample(PLACES, np_)
            specs = []
            for k in range(np_):
                if k == 0 and big_name:
                    specs.append((big_name, "集中", 8.0, True))
                    continue
                place = places[k]
                if k == 0 or rng.random() < 0.45:
                    suffix = "安置小区" if rng.random() < 0.2 else "安置点"
                    specs.append((place + suffix, "集中", rng.uniform(2, 6), False))
                else:
                    specs.append((place + "分散安置点", "分散", rng.uniform(0.4, 1.5), False))
            counts = _apportion(hv, [w for _, _, w, _ in specs])
            if big_name and hv > np_:
                # The work plan's point holds well over 50 households.
                target = min(hv - (np_ - 1), max(counts[0], 56 + rng.randint(0, 12)))
                need = target - counts[0]
                for j in sorted(range(1, np_), key=lambda j: -counts[j]):
                    give = min(need, counts[j] - 1)
                    if give > 0:
                        counts[j] -= give
                        counts[0] += give
                        need -= give
            v["points"] = []
            for (name, kind, _, big), count in zip(specs, counts):
                key = (v["id"], name)
                p = {"name": name, "kind": kind, "vi": vi, "count": count, "named": big,
                     "group": rng.choice(GROUPS[:8]), "year": rng.randint(2008, 2020),
                     "address": f"{self.town}{v['name']}{name.replace('分散安置点', '')}"}
                if key in existing_points:
                    p["id"] = existing_points[key]
                else:
                    p["id"] = self._id(SettlementPoint)
                    rows.append({"id": p["id"], "name": name, "village_id": v["id"], "kind": kind,
                                 "address": p["address"]})
                p["pi"] = len(self.points)
                self.points.append(p)
                v["points"].append(p)
            v["vi"] = vi
        self._insert(SettlementPoint, rows, "points")

    # ------------------------------------------------------------------ cadres and 包保

    def _cadre(self, rank: str, post: str, unit: str | int | None, name: str | None = None,
               phone: str | None = None) -> dict:
        unit_id = self.units.get(unit) if isinstance(unit, str) else unit
        c = {"id": self._id(Cadre), "name": name or self._person_name(), "post": post, "unit_id": unit_id,
             "phone": phone or self._phone(), "rank": rank, "active": True, "sort_order": len(self.cadres)}
        self.cadres.append(c)
        return c

    def _cadres(self) -> None:
        rng = self.rng
        self.cadres: list[dict] = []
        nv = len(self.villages)
        key = [h for h in self.hh if h.active and h.flags & (vocab.SANTE_MASK | vocab.SANWU_MASK)]
        self.key = key
        rng.shuffle(key)
        uncovered = max(1, round(len(key) * 0.05)) if len(key) >= 10 else 0
        self.uncovered = {h.id for h in key[:uncovered]}
        covered = [h for h in key if h.id not in self.uncovered]
        key.sort(key=lambda h: h.id)
        covered.sort(key=lambda h: h.id)
        self.covered = covered
        self.summary.key_households = len(key)
        self.summary.key_households_uncovered = uncovered

        ranks = vocab.CADRE_RANKS
        n_main = 2 + nv // 10
        self.main = [self._cadre(ranks[0], MAIN_LEADER_POSTS[i % len(MAIN_LEADER_POSTS)], OFFICE_UNIT)
                     for i in range(n_main)]
        self.board = [self._cadre(ranks[1], post, OFFICE_UNIT) for post in CADRE_POSTS_TOWN]
        self.link = []
        for v in self.villages:
            post = f"{rng.choice(LINK_POSTS)}（联系{v['name']}）"
            self.link.append(self._cadre(ranks[2], post, OFFICE_UNIT))
        self.unit_heads: dict[str, dict] = {}
        self.dept: list[dict] = []
        global_share = 0.12 * len(covered)
        staff_total = max(len(vocab.DEFAULT_UNITS), math.ceil(global_share / 15) - len(self.board))
        per_unit = _apportion(staff_total, [1.0] * len(vocab.DEFAULT_UNITS))
        for name, extra in zip(vocab.DEFAULT_UNITS, per_unit):
            head = self._cadre(ranks[4], f"{name[1:]}{DEPT_HEAD_POST.get(name, '主任')}", name)
            self.unit_heads[name] = head
            self.dept.append(head)
            for _ in range(extra):
                self.dept.append(self._cadre(ranks[4], rng.choice(DEPT_STAFF_POSTS), name))
        self.unit_heads[OFFICE_UNIT] = self.board[0]

        by_village: dict[int, int] = {}
        for h in covered:
            by_village[h.vi] = by_village.get(h.vi, 0) + 1
        for vi, v in enumerate(self.villages):
            vc = [self._cadre(ranks[3], "党支部书记", v["unit_id"], v["secretary"], v["secretary_phone"]),
                  self._cadre(ranks[3], "村委会主任", v["unit_id"], v["director"], v["director_phone"]),
                  self._cadre(ranks[3], "村监委会主任", v["unit_id"])]
            want = max(4, math.ceil(by_village.get(vi, 0) * 0.88 / 15) - 1)
            while len(vc) < want:
                vc.append(self._cadre(ranks[3], rng.choice(VILLAGE_POSTS_EXTRA), v["unit_id"]))
            v["cadres"] = vc
            self.unit_heads[v["name"]] = vc[0]
        self._insert(Cadre, self.cadres, "cadres")

        # Unit heads and phones, and the town profile.
        for name, c in self.unit_heads.items():
            uid = self.units.get(name) or next(v["unit_id"] for v in self.villages if v["name"] == name)
            self.s.execute(update(Unit).where(Unit.id == uid, Unit.head == "").values(head=c["name"], phone=c["phone"]))
        if self.fill_profile:
            station_head = self.unit_heads[STATION_UNIT]
            contact = next((c for c in self.dept if c["unit_id"] == self.units[STATION_UNIT] and c is not station_head),
                           station_head)
            values = {
                "town_name": self.town, "county_name": self.county, "station_name": f"{self.town}水利移民站",
                "leader": f"{self.main[0]['name']}（{self.main[0]['post']}）",
                "deputy_leaders": "\n".join(f"{c['name']}（{c['post']}）" for c in [self.main[1], *self.board[:2]]),
                "group_members": "\n".join(
                    [f"{c['name']}（{c['post']}）" for c in self.board[2:5]]
                    + [f"{self.unit_heads[u]['name']}（{u}{DEPT_HEAD_POST.get(u, '主任')}）"
                       for u in vocab.DEFAULT_UNITS]
                    + ["各村党支部书记、村委会主任"]),
                "office_director": f"{station_head['name']}（{self.town}水利移民站站长）",
                "daily_contact": f"{contact['name']}（{self.town}水利移民站）",
                "contact_phone": contact["phone"],
            }
            if self.profile_id is None:
                self.s.execute(insert(TownProfile.__table__),
                               [{"id": 1, **values, "created_at": self.stamp, "updated_at": self.stamp}])
            else:
                self.s.execute(update(TownProfile).where(TownProfile.id == self.profile_id).values(**values))
