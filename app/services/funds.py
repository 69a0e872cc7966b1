"""Money totals of the 资金台账 (SPEC §3, issue 5): exact Decimal sums by source, by village and by month,
over the same filters as the ledger's table. No Qt; one read per call."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.db import Database
from app.ledgers import LedgerQuery, engine
from app.ledgers.work import FUNDS
from app.models import FundRecord, Household, Village

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class FundTotals:
    total: Decimal
    count: int
    by_source: dict[str, Decimal]
    by_village: dict[str, Decimal]
    by_month: dict[str, Decimal]  # YYYY-MM, in order


def totals(db: Database, q: LedgerQuery | None = None, *, today: dt.date | None = None) -> FundTotals:
    """Sums of the records q selects (all by default). Sums are added in Python as Decimal, so 分 stay exact;
    a record's village is its own, else its household's (未落到村 when neither)."""
    ids = engine.query(db, FUNDS, q, today=today).ids
    by_source: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_village: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_month: dict[str, Decimal] = defaultdict(lambda: ZERO)
    total = ZERO
    with db.read() as s:
        names = dict(s.execute(select(Village.id, Village.name)).all())
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = s.execute(select(FundRecord.date, FundRecord.source, FundRecord.amount, FundRecord.village_id,
                                    Household.village_id)
                             .outerjoin(Household, Household.id == FundRecord.household_id)
                             .where(FundRecord.id.in_(chunk)))
            for day, source, amount, village_id, household_village in rows:
                amount = amount or ZERO
                total += amount
                by_source[source] += amount
                by_village[names.get(village_id or household_village, "未落到村")] += amount
                by_month[f"{day:%Y-%m}"] += amount
    return FundTotals(total, len(ids), dict(sorted(by_source.items(), key=lambda kv: -kv[1])),
                      dict(sorted(by_village.items(), key=lambda kv: -kv[1])), dict(sorted(by_month.items())))


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"
