"""The 月报 kept with its month (SPEC §6): the clerk's edited section texts, and every filed (报送) version
with its PDF, .docx, figures and texts exactly as they went to the party committee."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.models._common import Timestamps, now
from app.models.base import Base


class ReportSection(Timestamps, Base):
    """One section of a month's 月报 as the clerk edited it (absent: the drafted text is used)."""

    __tablename__ = "report_sections"
    __table_args__ = (UniqueConstraint("month", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    section: Mapped[str] = mapped_column(String(20))  # the section key, e.g. "basic"
    text: Mapped[str] = mapped_column(Text, default="")


class ReportFiling(Base):
    """One filed version of a month's 月报: version 1 is the 报送, later ones are 更正."""

    __tablename__ = "report_filings"
    __table_args__ = (UniqueConstraint("month", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(4))  # 报送 / 更正
    filed_by: Mapped[str] = mapped_column(String(40))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    figures: Mapped[str] = mapped_column(Text)  # JSON: the figures as filed
    texts: Mapped[str] = mapped_column(Text)  # JSON: {section key: text} as filed
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    docx: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
