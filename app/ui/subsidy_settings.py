"""The county's 后扶直补 settings on 基础信息 (SPEC §11): the yearly standard, the number of years, whether
natural changes add people, and the 监督电话 printed on the village 公示."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.rules.subsidy import CountySettings
from app.services import subsidy
from app.ui.errors import info, warn
from app.ui.widgets import primary_button


class SubsidySettingsTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        current = subsidy.load_settings(db)
        self.standard = QDoubleSpinBox()
        self.standard.setRange(1, 100000)
        self.standard.setDecimals(2)
        self.standard.setSuffix(" 元/人·年")
        self.standard.setValue(float(current.county.standard))
        self.years = QSpinBox()
        self.years.setRange(1, 60)
        self.years.setSuffix(" 年")
        self.years.setValue(current.county.years)
        self.natural = QCheckBox("自然变化增加人口（出生等纳入名册；默认不增加，核减人员也不替补）")
        self.natural.setChecked(current.county.natural_add)
        self.hotline = QLineEdit(current.hotline)
        self.hotline.setPlaceholderText("印在各村公示上，例如：0851-1234567")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("扶持标准：", self.standard)
        form.addRow("扶持年限：", self.years)
        form.addRow("", self.natural)
        form.addRow("监督电话：", self.hotline)
        note = QLabel("每半年发放标准的一半（上半年1月1日、下半年7月1日在册且在扶持期内的人员）。"
                      "现状人口自2006年7月1日起扶持，原迁人口自搬迁之日起扶持。")
        note.setWordWrap(True)
        self.save_button = primary_button("保存后扶直补设置")
        self.save_button.setEnabled(not db.readonly)
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addStretch(1)

    def save(self) -> None:
        county = CountySettings(Decimal(str(round(self.standard.value(), 2))), self.years.value(),
                                self.natural.isChecked())
        try:
            subsidy.save_settings(self.db, county, self.hotline.text())
        except subsidy.SubsidyRefused as exc:
            warn(self, "后扶直补设置", str(exc))
            return
        info(self, "后扶直补设置", "已保存。")
