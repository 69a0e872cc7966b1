"""Column helpers shared by every model module."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import ScaledDecimal

Money = ScaledDecimal(2)  # 元, stored exactly as integer 分
Area = ScaledDecimal(2)  # 亩, stored exactly as integer 0.01 亩


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class Timestamps:
    """created_at / updated_at, set by the database and by SQLAlchemy on update."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, server_default=func.current_timestamp())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=now, onupdate=now, server_default=func.current_timestamp()
    )
