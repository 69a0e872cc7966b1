"""Demo step: households and their members (a small share of archives imperfect on purpose)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app import vocab
from app.demo.base import _H, DemoBase, _yuan
from app.demo.words import (
    _CHUNK,
    GROUPS,
    HOME_REGION,
    HOUSEHOLD_NOTES,
    INCOME,
    MINORITY_FATHERS,
    MINORITY_GIVEN,
    MINORITY_REGIONS,
    NEAR_REGIONS,
    RESERVOIR,
)
from app.models import Household, HouseholdTag, Member
from app.rules import HouseholdFacts, MemberFacts
from app.services.derived import derive

RECENT_EVERY = 50  # one household in 50 entered the town's register in the last year (迁入)


def _registered_on(index: int, relocation: str, today: dt.date) -> dt.date:
    """The day a demo household entered the town's register (SPEC §4.8): most on their relocation (the first
    of its month or year), one in RECENT_EVERY within the year before `today`, so that months have 迁入.
    Drawn from the index, not the random stream, so the rest of the data stays as it was for a seed."""
    if index % RECENT_EVERY == RECENT_EVERY - 1:
        return today - dt.timedelta(days=5 + (index * 37) % 330)
    year, _, month = relocation.partition("-")
    return dt.date(int(year), int(month or 1), 1)


class HouseholdSteps(DemoBase):
    """Households, tags and members, written in chunks."""

    # ------------------------------------------------------------------ households and members

    def _households(self) -> None:
        rng, n = self.rng, self.n
        self.hh: list[_H] = []
        self.workers: list[tuple[int, int, str]] = []  # (household, member, employment) of working age
        self.entrepreneurs: list[tuple[int, int]] = []
        self.party_members: list[tuple[int, int, int, int]] = []  # (household, member, age, point index)
        self.youth: list[tuple[int, int, int]] = []  # (household, member, point index): 18–35, 高中 or above
        self.serious: list[tuple[int, int]] = []  # members with 大病

        # The deliberately imperfect archives: a handful each, chosen up front.
        k_size = max(2, round(n * 0.003)) if n >= 50 else 0
        k_dead_head = max(1, round(n * 0.0015)) if n >= 50 else 0
        k_two_heads = max(1, round(n * 0.0007)) if n >= 100 else 0
        picks = rng.sample(range(n), min(n, k_size + k_dead_head + k_two_heads))
        self.bad_size = set(picks[:k_size])
        self.bad_dead_head = set(picks[k_size:k_size + k_dead_head])
        self.bad_two_heads = set(picks[k_size + k_dead_head:])

        hh_rows: list[dict] = []
        tag_rows: list[dict] = []
        member_rows: list[dict] = []
        index = 0
        for v in self.villages:
            seq = 0
            width = max(4, len(str(sum(p["count"] for p in v["points"]))))
            for p in v["points"]:
                for _ in range(p["count"]):
                    seq += 1
                    self._household(index, v, p, f"{v['code']}-{seq:0{width}d}", hh_rows, tag_rows, member_rows)
                    index += 1
                    if len(hh_rows) >= _CHUNK:
                        self._flush_households(hh_rows, tag_rows, member_rows, index)
        self._flush_households(hh_rows, tag_rows, member_rows, index)

    def _flush_households(self, hh_rows, tag_rows, member_rows, done: int) -> None:
        self._insert_many(Household, hh_rows, "households")
        self._insert_many(HouseholdTag, tag_rows, "household_tags")
        self._insert_many(Member, member_rows, "members")
        hh_rows.clear()
        tag_rows.clear()
        member_rows.clear()
        if self.progress and done < self.n:
            self.progress(done, self.n)

    def _family(self) -> list[list]:
        """[relation, sex, age, surname, status] of each person, head first; plausible ages and surnames."""
        rng = self.rng
        ri = self.ri
        r = rng.random()
        people: list[list] = []

        def couple(head_age: int) -> tuple[str, int]:
            """Head and spouse; returns (the children's surname, the mother's age)."""
            male_head = rng.random() < 0.85
            head_sn, spouse_sn = self._surname(), self._surname()
            gap = ri(0, 5)
            spouse_age = head_age - gap if male_head else head_age + gap
            people.append(["户主", "男" if male_head else "女", head_age, head_sn, "在册"])
            people.append(["配偶", "女" if male_head else "男", max(20, spouse_age), spouse_sn, "在册"])
            return (head_sn if male_head else spouse_sn), (max(20, spouse_age) if male_head else head_age)

        def kids(k: int, surname: str, mother_age: int) -> None:
            for _ in range(k):
                hi = min(40, mother_age)
                if hi < 20:
                    break
                age = mother_age - ri(20, hi)
                male = rng.random() < 0.52
                people.append(["之子" if male else "之女", "男" if male else "女", age, surname, "在册"])

        def parents(which: str, head_age: int) -> None:
            head = people[0]
            if which in ("父亲", "both"):
                sn = head[3] if head[1] == "男" else self._surname()
                people.append(["父亲", "男", min(96, head_age + ri(24, 32)), sn, "在册"])
            if which in ("母亲", "both"):
                people.append(["母亲", "女", min(98, head_age + ri(21, 29)), self._surname(), "在册"])

        if r < 0.06:  # elderly living alone
            people.append(["户主", "男" if rng.random() < 0.45 else "女", ri(66, 89), self._surname(), "在册"])
        elif r < 0.09:  # single adult
            people.append(["户主", "男" if rng.random() < 0.7 else "女", ri(40, 64), self._surname(), "在册"])
        elif r < 0.17:  # elderly couple
            couple(ri(62, 82))
        elif r < 0.21:  # single parent
            sex = "男" if rng.random() < 0.45 else "女"
            head_age = ri(36, 55)
            sn = self._surname()
            people.append(["户主", sex, head_age, sn, "在册"])
            kids(ri(1, 2), sn, head_age)
        elif r < 0.36:
            sn, mother = couple(ri(36, 58))
            kids(1, sn, mother)
        elif r < 0.63:
            sn, mother = couple(ri(38, 58))
            kids(2, sn, mother)
        elif r < 0.75:
            sn, mother = couple(ri(40, 60))
            kids(3, sn, mother)
        elif r < 0.85:
            head_age = ri(40, 56)
            sn, mother = couple(head_age)
            kids(2, sn, mother)
            parents("母亲" if rng.random() < 0.6 else "父亲", head_age)
        elif r < 0.90:
            head_age = ri(40, 52)
            sn, mother = couple(head_age)
            kids(ri(1, 2), sn, mother)
            parents("both", head_age)
        elif r < 0.97:  # three generations under an older head
            sn, mother = couple(ri(58, 75))
            if rng.random() < 0.88:
                son_age = max(24, mother - ri(21, 30))
                people.append(["之子", "男", son_age, sn, "在册"])
                wife_age = max(22, son_age - ri(-2, 4))
                people.append(["儿媳", "女", wife_age, self._surname(), "在册"])
                child_sn, child_mother = sn, wife_age
            else:
                daughter_age = max(24, mother - ri(21, 30))
                people.append(["之女", "女", daughter_age, sn, "在册"])
                husband_sn = self._surname()
                people.append(["女婿", "男", daughter_age + ri(0, 4), husband_sn, "在册"])
                child_sn, child_mother = husband_sn, daughter_age
            for _ in range(ri(1, 3)):
                hi = min(36, child_mother)
                age = max(0, child_mother - ri(20, max(20, hi)))
                male = rng.random() < 0.52
                people.append(["孙子" if male else "孙女", "男" if male else "女", age, child_sn, "在册"])
        else:  # with a brother or sister, or another relative
            head_age = ri(38, 60)
            sn, mother = couple(head_age)
            kids(ri(1, 2), sn, mother)
            male = rng.random() < 0.6
            rel = "兄弟姐妹" if rng.random() < 0.8 else "其他"
            sib_sn = people[0][3] if rel == "兄弟姐妹" else self._surname()
            people.append([rel, "男" if male else "女", max(18, head_age + ri(-10, 10)), sib_sn, "在册"])

        if len(people) < 7 and rng.random() < 0.06 and people[0][2] < 60:  # one more child
            mother = next((p[2] for p in people if p[0] in ("户主", "配偶") and p[1] == "女"), people[0][2])
            kids(1, people[0][3] if people[0][1] == "男" else (people[1][3] if len(people) > 1 else people[0][3]), mother)
        # People who left the register: a daughter married out, a parent who died.
        head_age = people[0][2]
        if head_age >= 45 and rng.random() < 0.03:
            people.append(["之女", "女", ri(20, min(35, head_age - 20)), people[0][3], "迁出"])
        if head_age >= 40 and rng.random() < 0.015 and not any(p[0] in ("父亲", "母亲") for p in people):
            male = rng.random() < 0.5
            sn = people[0][3] if male and people[0][1] == "男" else self._surname()
            people.append(["父亲" if male else "母亲", "男" if male else "女", min(99, head_age + ri(25, 32)),
                           sn, "死亡"])
        return people

    def _household(self, index: int, v: dict, p: dict, archive_no: str,
                   hh_rows: list, tag_rows: list, member_rows: list) -> None:
        rng, today = self.rng, self.today
        ri, ch = self.ri, self.ch
        hid = self._id(Household)
        family = self._family()
        moved_out = rng.random() < 0.004  # 整户迁出
        moved_date = today - dt.timedelta(days=ri(60, 900))
        # Deliberate imperfection: the head died recently and nobody has been made head yet.
        dead_head = (index in self.bad_dead_head and not moved_out
                     and sum(person[4] == "在册" for person in family) >= 2)
        if dead_head:
            family[0][4] = "死亡"
        region = HOME_REGION if rng.random() < 0.85 else ch(NEAR_REGIONS)
        ethnic = self.w_ethnic.pick(rng)
        w_edu, w_able, w_weak, w_old = self.w_edu, self.w_emp_able, self.w_emp_weak, self.w_emp_old

        members: list[dict] = []
        facts: list[MemberFacts] = []
        phones: list[str] = []
        names: set[str] = set()
        income = 0.0
        sick = disabled = students = False
        serious_here: list[int] = []
        for order, (rel, sex, age, surname, status) in enumerate(family):
            mid = self._id(Member)
            male = sex == "男"
            birth = self._birth(age)
            year = birth.year
            member_region = region
            member_ethnic = ethnic
            name = None
            if rel in ("配偶", "儿媳", "女婿"):
                if rng.random() < 0.3:
                    member_region = ch(NEAR_REGIONS)
                if rng.random() < 0.25:
                    member_ethnic = self.w_ethnic.pick(rng)
                if rng.random() < 0.003:
                    name = f"{ch(MINORITY_GIVEN[sex])}·{ch(MINORITY_FATHERS)}"
                    member_ethnic = "维吾尔族"
                    member_region = ch(MINORITY_REGIONS)
            while name is None or name in names:
                name = surname + self._given(male, year)
            names.add(name)

            # Health, labour, employment by age.
            if age < 16:
                health = "健康" if rng.random() < 0.97 else ch(("残疾", "大病", "长期慢性病"))
            else:
                x = rng.random()
                if age < 60:
                    health = "健康" if x < 0.92 else "长期慢性病" if x < 0.96 else "大病" if x < 0.975 else "残疾"
                elif age < 75:
                    health = "健康" if x < 0.65 else "长期慢性病" if x < 0.90 else "大病" if x < 0.94 else "残疾"
                else:
                    health = "健康" if x < 0.40 else "长期慢性病" if x < 0.85 else "大病" if x < 0.90 else "残疾"
            in_school = 6 <= age <= 15 or (16 <= age <= 18 and rng.random() < 0.75) or (
                19 <= age <= 22 and rng.random() < 0.4)
            if age < 16 or (age < 18 and in_school):
                labour = "无劳动力"
            elif health in ("残疾", "大病"):
                labour = "丧失劳动力" if rng.random() < 0.6 else "弱劳动力"
            elif age < 60:
                x = rng.random()
                if health == "长期慢性病":
                    labour = "弱劳动力" if x < 0.5 else "半劳动力"
                else:
                    labour = "普通劳动力" if x < 0.75 else "技能劳动力" if x < 0.93 else "弱劳动力" if x < 0.97 else "半劳动力"
            elif age < 70:
                x = rng.random()
                labour = "普通劳动力" if x < 0.2 else "弱劳动力" if x < 0.55 else "半劳动力" if x < 0.9 else "丧失劳动力"
            elif age < 80:
                x = rng.random()
                labour = "半劳动力" if x < 0.15 else "弱劳动力" if x < 0.4 else "丧失劳动力" if x < 0.8 else "无劳动力"
            else:
                labour = "丧失劳动力" if rng.random() < 0.6 else "无劳动力"
            if age < 6:
                employment = "无"
            elif in_school:
                employment = "在校生"
            elif labour in ("丧失劳动力", "无劳动力"):
                employment = "无"
            elif age >= 60:
                employment = w_old.pick(rng)
            elif labour in ("弱劳动力", "半劳动力"):
                employment = w_weak.pick(rng)
            else:
                employment = w_able.pick(rng)

            if age < 6:
                education = "学龄前"
            elif in_school:
                education = "小学" if age <= 11 else "初中" if age <= 14 else "高中" if age <= 18 else ch(
                    ("大专", "本科"))
            elif age <= 18:
                x = rng.random()
                education = "初中" if x < 0.75 else "小学" if x < 0.85 else "高中"
            elif age <= 22:
                x = rng.random()
                education = "初中" if x < 0.45 else "高中" if x < 0.7 else "中专" if x < 0.95 else "大专"
            else:
                era = "old" if year < 1960 else "mid" if year < 1975 else "late" if year < 1990 else "new"
                education = w_edu[era].pick(rng)
            party = age >= 18 and rng.random() < (0.08 if male else 0.03) * (1.5 if age >= 50 else 1.0)
            phone = ""
            if age >= 18 and rng.random() < (0.8 if age < 65 else 0.35):
                phone = self._phone()

            if status == "在册" and moved_out:
                status = "迁出"
            status_date = None
            member_notes = ""
            if moved_out:
                status_date, member_notes = moved_date, "随户迁出"
            elif status != "在册":
                # Married out as an adult, or died in the last few years.
                status_date = max(birth + dt.timedelta(days=18 * 366), today - dt.timedelta(days=ri(30, 1800)))
                member_notes = "婚嫁迁出" if status == "迁出" else ch(("因病去世", "病故", "因病去世，已注销户口"))

            id_number = self._make_id(member_region, birth, male)
            members.append({
                "id": mid, "household_id": hid, "sort_order": order, "name": name, "relation": rel, "sex": sex,
                "id_number": id_number, "birth_date": birth, "ethnic_group": member_ethnic, "education": education,
                "health": health, "labour": labour, "employment": employment, "party_member": party,
                "phone": phone, "status": status, "status_date": status_date, "notes": member_notes,
            })
            if status == "在册":
                if employment in INCOME:
                    lo, hi = INCOME[employment]
                    income += rng.uniform(lo, hi)
                if age >= 60:
                    income += rng.uniform(1500, 2600)  # 城乡居民养老金
                sick = sick or health in ("大病", "长期慢性病")
                disabled = disabled or health == "残疾"
                students = students or employment == "在校生"
                if health == "大病":
                    serious_here.append(mid)
                if 16 <= age < 60 and labour in vocab.LABOUR_ABLE and employment != "在校生":
                    self.workers.append((hid, mid, employment))
                    if employment == "自主创业":
                        self.entrepreneurs.append((hid, mid))
                if party:
                    self.party_members.append((hid, mid, age, p["pi"]))
                if 18 <= age <= 35 and education in ("高中", "中专", "大专", "本科"):
                    self.youth.append((hid, mid, p["pi"]))

        # Deliberate imperfections (SPEC §4.5 must have something to show).
        notes = ""
        if dead_head:
            members[0]["status_date"] = today - dt.timedelta(days=ri(20, 300))
            notes = "户主已去世，待确定新户主"
        elif index in self.bad_two_heads and len(members) >= 2 and members[1]["status"] == "在册":
            members[1]["relation"] = vocab.HEAD
        if rng.random() < 0.02:  # one member without an ID (often a newborn not yet registered)
            target = members[-1] if members[-1]["birth_date"].year >= today.year - 1 else ch(members)
            self.used_ids.discard(target["id_number"])
            target["id_number"] = ""
            if target["birth_date"].year >= today.year - 1:
                notes = notes or "新生儿尚未办理户口"

        active = [m for m in members if m["status"] == "在册"]
        size = len(active)
        for m in members:
            facts.append(MemberFacts(m["name"], m["relation"], m["sex"], m["id_number"], m["birth_date"],
                                     m["labour"], m["status"], m["id"]))
            phones.append(m["phone"])

        # Household fields.
        housing = self.w_housing.pick(rng)
        leaks = housing != vocab.NO_HOUSE and rng.random() < 0.05
        geo = rng.random() < (0.012 if p["kind"] == "分散" else 0.001)
        x = rng.random()
        if x < 0.01:
            land = None  # unknown
        elif x < 0.09:
            land = Decimal("0.00")
        else:
            land = Decimal(ch((ri(2, 45) * 10, ri(20, 450)))).scaleb(-2)
        if land:
            income += float(land) * rng.uniform(300, 900)
        per_capita = income / max(1, size)
        income_value = _yuan(income) if size else None

        alone = size == 1 and active[0]["birth_date"].year <= today.year - 65 if size else False
        old_couple = size == 2 and all(m["birth_date"].year <= today.year - 70 for m in active)
        tags: list[str] = []
        if size:
            if per_capita < 6500 and rng.random() < 0.75 or per_capita < 10000 and rng.random() < 0.04:
                tags.append(vocab.TAG_LOW_INCOME)
            if (sick or disabled) and per_capita < 12000 and rng.random() < 0.35 or rng.random() < 0.008:
                tags.append(vocab.TAG_HARDSHIP)
            if alone and rng.random() < 0.6 or old_couple and rng.random() < 0.25 or (
                    disabled and size <= 2 and rng.random() < 0.5):
                tags.append(vocab.TAG_ELDERLY)

        head = next((m for m in active if m["relation"] == vocab.HEAD), members[0])
        phone = head["phone"] or next((m["phone"] for m in active if m["phone"]), "")
        recorded = len(members) if moved_out else size
        if index in self.bad_size and not moved_out:
            recorded = size + 1 if size <= 1 or rng.random() < 0.6 else size - 1
        if moved_out:
            notes = f"{moved_date.year}年{moved_date.month}月全家迁往外县"
        elif not notes and rng.random() < 0.08:
            notes = ch(HOUSEHOLD_NOTES)
        if geo and not notes:
            notes = "原住房位于地质灾害隐患点，暂未搬迁"

        if p["kind"] == "集中":
            address = f"{p['address']}{ri(1, 12)}栋{ri(1, 3)}单元{ri(1, 6)}0{ri(1, 4)}室"
        else:
            address = f"{self.town}{v['name']}{p['group']}{ri(1, 150)}号"
        year = min(2020, max(2008, p["year"] + ri(-1, 1)))
        relocation = str(year) if rng.random() < 0.4 else f"{year}-{ri(1, 12):02d}"
        registered = _registered_on(index, relocation, today)
        old_village = ch(v["old"])

        cache = derive(
            HouseholdFacts(members=facts, village=str(v["id"]), settlement_point=str(p["id"]),
                           housing_status=housing, land_mu=land, declared_tags=frozenset(tags),
                           household_size=recorded),
            archive_no=archive_no, phone=phone, member_phones=phones,
        )
        hh_rows.append({
            "id": hid, "archive_no": archive_no, "village_id": v["id"],
            "group_name": p["group"] if rng.random() < 0.9 else ch(GROUPS[:8]),
            "settlement_point_id": p["id"], "address": address,
            "original_residence": f"{RESERVOIR}库区淹没区{old_village}{ch(GROUPS[:9])}",
            "relocation_date": relocation, "settlement_type": "集中安置" if p["kind"] == "集中" else "分散安置",
            "housing_status": housing, "house_leaks": leaks, "geohazard_unmoved": geo, "land_mu": land,
            "annual_income": income_value, "phone": phone, "household_size": recorded, "notes": notes,
            "status": "整户迁出" if moved_out else vocab.HOUSEHOLD_ACTIVE,
            "registered_on": registered, "left_on": max(moved_date, registered) if moved_out else None,
            "key_flags": cache.key_flags, "archive_state": cache.archive_state, "head_name": cache.head_name,
            "member_count": cache.member_count, "search_text": cache.search_text,
        })
        for t in tags:
            tag_rows.append({"household_id": hid, "tag": t})
        member_rows.extend(members)
        if not moved_out:
            self.serious.extend((hid, m) for m in serious_here)
        self.hh.append(_H(
            id=hid, vi=v["vi"], pi=p["pi"], flags=cache.key_flags,
            active=not moved_out, head_mid=head["id"], head_name=cache.head_name or head["name"], housing=housing,
            leaks=leaks, geo=geo, poor=per_capita < 8000, sick=sick, disabled=disabled, students=students,
            alone=alone, tags=tags, size=size,
        ))
