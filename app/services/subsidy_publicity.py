"""What the village 公示 of a year prints (SPEC §11): per village, the year's roster with masked IDs and
the year's changes with reasons, with the 公示期, the 监督电话 and the 落款 from 基础信息."""

from __future__ import annotations

import datetime as dt

from app.db import Database
from app.reports.publicity_model import PublicityData, VillagePublicity
from app.rules import mask_id
from app.services import town
from app.services.subsidy import load_settings
from app.services.subsidy_roster import review_in, year_roster_in


def publicity_data(db: Database, year: int, *, village: str | None = None, start: dt.date | None = None,
                   days: int = 7) -> PublicityData:
    """The 公示 of `year` for every village (or one); 公示期 `days` days from `start` (today by default)."""
    start = start or dt.date.today()
    profile = town.load_town(db)
    settings = load_settings(db)
    data = PublicityData(profile.town_name, year, start, start + dt.timedelta(days=days - 1), settings.hotline,
                         profile.station_name or f"{profile.town_name}人民政府", settings.county.standard)
    by_village: dict[str, VillagePublicity] = {}
    with db.read() as s:
        for row, amount in year_roster_in(s, year, village=village):
            v = by_village.setdefault(row.village, VillagePublicity(row.village))
            v.rows.append([row.group, row.head, row.name, mask_id(row.id_number), row.category, f"{amount:.2f}"])
            v.amount += amount
        review = review_in(s, year)
    kinds = (("核减", review.removed), ("期满", review.ended), ("新纳入", review.added))
    for kind, entries in kinds:
        for e in entries:
            if village is not None and e.village != village:
                continue
            v = by_village.setdefault(e.village, VillagePublicity(e.village))
            v.changes.append([e.name, mask_id(e.id_number), kind, e.reason, e.date.isoformat() if e.date else ""])
    data.villages = [by_village[k] for k in sorted(by_village)]
    return data
