"""Demo step: the 后扶人口 roster (SPEC §11) for the generated members.

Everyone with an ID born by the household's relocation is on the roster (births after it are not added): 现状人口
when the household was a reservoir 移民 on or before 2006-06-30 (most of the older households, whatever
their later move), else 原迁人口 from the relocation day. Most have a
一卡通 account; a few do not (直补-无账号). Of the members the archive shows 死亡 or 迁出, most are 核减 with
that date and reason and a few are not yet (直补-应核减); a few more are 核减 for 转为非农业户口.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app import vocab
from app.demo.base import DemoBase
from app.models import Household, Member, SubsidyFacts
from app.rules.subsidy import CURRENT_CUTOFF, CURRENT_START, relocated_day

BANKS = ("农村信用社", "农村商业银行", "中国农业银行", "中国邮政储蓄银行")
BANK_PREFIX = {"农村信用社": "621779", "农村商业银行": "623190", "中国农业银行": "622848", "中国邮政储蓄银行": "621799"}


class SubsidySteps(DemoBase):
    def _subsidy(self) -> None:
        r, ri = self.rng.random, self.ri
        rows = []
        query = (select(Member.id, Member.id_number, Member.birth_date, Member.status, Member.status_date,
                        Household.relocation_date).join(Household, Household.id == Member.household_id))
        for mid, id_number, birth, status, status_date, relocation in self.s.execute(query):
            moved = relocated_day(relocation)
            if not id_number or moved is None or (birth is not None and birth > moved):
                continue
            if r() < 0.04:  # not every relocated person was registered by the county
                continue
            # The reservoir relocation that 后扶 counts may predate the move to the settlement point: many
            # households were reservoir 移民 before 2006-06-30 (现状人口) and moved again later.
            current = moved <= CURRENT_CUTOFF or r() < 0.45
            bank = BANKS[int(r() * len(BANKS))]
            account = "" if r() < 0.015 else BANK_PREFIX[bank] + "".join(str(ri(0, 9)) for _ in range(13))
            state, reduced_on, reason = vocab.SUBSIDY_ON, None, ""
            if status in ("死亡", "迁出") and r() < 0.85:
                state, reduced_on, reason = vocab.SUBSIDY_REDUCED, status_date or self.today, status
            elif status == vocab.MEMBER_ACTIVE and r() < 0.004:
                state, reduced_on, reason = (vocab.SUBSIDY_REDUCED,
                                             self.today - dt.timedelta(days=ri(30, 1500)), "转为非农业户口")
            rows.append({"member_id": mid, "on_roster": True,
                         "category": vocab.SUBSIDY_CURRENT if current else vocab.SUBSIDY_ORIGINAL,
                         "start_on": CURRENT_START if current else moved, "account": account,
                         "bank": bank if account else "", "state": state, "reduced_on": reduced_on,
                         "reduced_reason": reason})
            if len(rows) >= 20000:
                self._insert_many(SubsidyFacts, rows, "subsidy_facts")
                rows = []
        self._insert_many(SubsidyFacts, rows, "subsidy_facts")
