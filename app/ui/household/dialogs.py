"""The member dialog (one person's fields with live ID checks) and the 迁出/死亡 date dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import vocab
from app.rules import check_id, normalize_id, normalize_name, normalize_phone
from app.rules.dates import read_birth_date
from app.rules.members import (
    BIRTH_VS_ID,
    HEADS,
    ID_DUPLICATE,
    ID_ELSEWHERE,
    ID_INVALID,
    SEX_VS_ID,
    head_issues,
    id_issues,
)
from app.services.households import MEMBER_LABELS, MemberData
from app.ui.household.texts import (
    BTN_CANCEL,
    BTN_OK,
    DEFAULT_ETHNIC_GROUP,
    EDITOR_CSS,
    EDUCATION_LEVELS,
    ETHNIC_GROUPS,
)
from app.ui.household.widgets import FieldBox, FormGrid, free_combo, message_label, vocab_combo

# ---------------------------------------------------------------------------------------- member dialogs


class StatusDateDialog(QDialog):
    """Asks the date a member moved out or died (defaults to today, never in the future)."""

    def __init__(self, name: str, status: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"标记{status}")
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.date_edit.setMinimumDate(QDate(1900, 1, 1))
        text = QLabel(f"将 {name} 标记为“{status}”。此人仍保留在档案中，不计入在册人口。")
        text.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel(f"{status}日期："))
        row.addWidget(self.date_edit)
        row.addStretch(1)
        self.ok_button = QPushButton(BTN_OK)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        cancel = QPushButton(BTN_CANCEL)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self.setMinimumWidth(360)

    def chosen_date(self) -> dt.date:
        return self.date_edit.date().toPython()


class MemberDialog(QDialog):
    """Add or edit one member. The ID number is checked on every keystroke; 确定 stays disabled while the
    name is empty, the ID or birth date is invalid, or the ID belongs to someone else."""

    def __init__(self, member: MemberData | None = None, *, others: Sequence[MemberData] = (),
                 held_elsewhere: Callable[[str], str | None] | None = None,
                 db=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original = member or MemberData()
        self._db = db
        self._others = list(others)
        self._held_elsewhere = held_elsewhere
        self._birth_auto = False  # birth date / sex were filled from the ID (and may follow it)
        self._sex_auto = False
        self.setWindowTitle(f"编辑家庭成员 — {member.name}" if member and member.name else "添加家庭成员")
        self.setStyleSheet(EDITOR_CSS)

        m = self._original
        self.name_edit = QLineEdit(m.name)
        self.name_edit.setPlaceholderText("必填")
        self.relation_combo = vocab_combo(vocab.RELATIONS)
        self.relation_combo.set_value(m.relation or self._default_relation(member))
        self.id_edit = QLineEdit(m.id_number)
        self.id_edit.setPlaceholderText("18位公民身份号码")
        self.id_box = FieldBox(self.id_edit)
        self.id_warning = message_label("warning")
        self.id_box.layout().addWidget(self.id_warning)
        self.sex_combo = vocab_combo(vocab.SEXES)
        self.sex_combo.set_value(m.sex)
        self.birth_edit = QLineEdit(m.birth_date.isoformat() if m.birth_date else "")
        self.birth_edit.setPlaceholderText("如 1980-05-03；可由身份证号自动填入")
        self.birth_box = FieldBox(self.birth_edit)
        self.ethnic_combo = free_combo(ETHNIC_GROUPS)
        # Most people here are 汉族: a new member starts with it (a stored member keeps what was entered).
        self.ethnic_combo.setCurrentText(m.ethnic_group if member is not None else DEFAULT_ETHNIC_GROUP)
        self.education_combo = free_combo(EDUCATION_LEVELS)
        self.education_combo.setCurrentText(m.education)
        self.health_combo = vocab_combo(vocab.HEALTH)
        self.health_combo.set_value(m.health)
        self.labour_combo = vocab_combo(vocab.LABOUR)
        self.labour_combo.set_value(m.labour)
        self.employment_combo = vocab_combo(vocab.EMPLOYMENT)
        self.employment_combo.set_value(m.employment)
        self.party_check = QCheckBox("中共党员（含预备党员）")
        self.party_check.setChecked(m.party_member)
        self.phone_edit = QLineEdit(m.phone)
        self.status_combo = vocab_combo(vocab.MEMBER_STATUS, blank=False)
        self.status_combo.set_value(m.status)
        self.status_date_edit = QDateEdit()
        self.status_date_edit.setCalendarPopup(True)
        self.status_date_edit.setDisplayFormat("yyyy-MM-dd")
        self.status_date_edit.setMinimumDate(QDate(1900, 1, 1))
        self.status_date_edit.setMaximumDate(QDate.currentDate())
        self.status_date_edit.setDate(
            QDate(m.status_date.year, m.status_date.month, m.status_date.day) if m.status_date else QDate.currentDate()
        )
        self.notes_edit = QPlainTextEdit(m.notes)
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)

        status_row = QWidget()
        status_layout = QHBoxLayout(status_row)
        status_layout.setContentsMargins(0, 0, 0, 0)
        status_layout.addWidget(self.status_combo)
        self.status_date_label = QLabel("状态日期：")
        self.status_date_label.setToolTip("迁出或死亡的日期；在册成员不填")
        self.status_date_edit.setToolTip("迁出或死亡的日期；在册成员不填")
        status_layout.addWidget(self.status_date_label)
        status_layout.addWidget(self.status_date_edit, 1)

        grid = FormGrid(pairs_per_row=2)
        grid.add(MEMBER_LABELS["name"], self.name_edit)
        grid.add(MEMBER_LABELS["relation"], self.relation_combo)
        grid.add(MEMBER_LABELS["id_number"], self.id_box, span=True)
        grid.add(MEMBER_LABELS["sex"], self.sex_combo)
        grid.add(MEMBER_LABELS["birth_date"], self.birth_box)
        grid.add(MEMBER_LABELS["ethnic_group"], self.ethnic_combo)
        grid.add(MEMBER_LABELS["education"], self.education_combo)
        grid.add(MEMBER_LABELS["health"], self.health_combo)
        grid.add(MEMBER_LABELS["labour"], self.labour_combo)
        grid.add(MEMBER_LABELS["employment"], self.employment_combo)
        grid.add(MEMBER_LABELS["phone"], self.phone_edit)
        grid.add("政治面貌", self.party_check)
        grid.add(MEMBER_LABELS["status"], status_row)
        grid.add(MEMBER_LABELS["notes"], self.notes_edit, span=True)
        if db is not None:
            grid.add("后扶直补", self._subsidy_row(), span=True)

        self.ok_button = QPushButton(BTN_OK)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        self.cancel_button = QPushButton(BTN_CANCEL)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_hint = QLabel()
        self.ok_hint.setProperty("role", "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.ok_hint, 1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(640)

        self.name_edit.textChanged.connect(self._update_ok)
        self.id_edit.textChanged.connect(self._on_id_changed)
        self.birth_edit.textChanged.connect(self._on_birth_changed)
        self.birth_edit.textEdited.connect(self._birth_touched)
        self.sex_combo.activated.connect(self._sex_touched)
        self.sex_combo.currentIndexChanged.connect(self._check_consistency)
        self.relation_combo.currentIndexChanged.connect(self._check_consistency)
        self.status_combo.currentIndexChanged.connect(self._on_status_changed)
        self._on_status_changed()
        self._on_birth_changed()
        self._on_id_changed()

    def _subsidy_row(self) -> QWidget:
        """The member's 后扶 facts in one line, and 编辑… (saved at once, with history) for a saved member."""
        from app.services import subsidy
        from app.ui.subsidy_dialogs import facts_summary

        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.subsidy_label = QLabel()
        self.subsidy_button = QPushButton("编辑后扶信息…")
        self.subsidy_button.setAutoDefault(False)
        layout.addWidget(self.subsidy_label, 1)
        layout.addWidget(self.subsidy_button)
        member_id = self._original.id
        if member_id is None:
            self.subsidy_label.setText("新成员：保存本户后可填写后扶直补信息")
            self.subsidy_button.setEnabled(False)
            return row
        self.subsidy_label.setText(facts_summary(subsidy.load_facts(self._db, member_id)))
        self.subsidy_button.setToolTip("后扶直补信息单独保存，立即生效并记入变更记录")
        self.subsidy_button.clicked.connect(self._edit_subsidy)
        return row

    def _edit_subsidy(self) -> None:
        from app.services import subsidy
        from app.ui.subsidy_dialogs import SubsidyFactsDialog, facts_summary

        member_id = self._original.id
        if SubsidyFactsDialog(self._db, member_id, self._original.name, self).exec():
            self.subsidy_label.setText(facts_summary(subsidy.load_facts(self._db, member_id)))

    def _default_relation(self, member: MemberData | None) -> str:
        if member is not None:
            return member.relation
        has_head = any(o.relation == vocab.HEAD and o.status == vocab.MEMBER_ACTIVE for o in self._others)
        return "" if has_head else vocab.HEAD

    # --- live checks
    def _candidate(self) -> tuple[list[MemberData], dict[str, str]]:
        """The household as it would be with this member (last), and who outside holds the typed ID."""
        birth, _ = read_birth_date(self.birth_edit.text())
        me = MemberData(name=normalize_name(self.name_edit.text()), relation=self.relation_combo.value() or "",
                        sex=self.sex_combo.value() or "", id_number=normalize_id(self.id_edit.text()),
                        birth_date=birth, status=self.status_combo.value() or vocab.MEMBER_ACTIVE)
        elsewhere: dict[str, str] = {}
        if me.id_number and self._held_elsewhere is not None:
            check = check_id(me.id_number)
            holder = self._held_elsewhere(check.normalized) if check.ok else None
            if holder:
                elsewhere[check.normalized] = holder
        return [*self._others, me], elsewhere

    def _id_problem(self) -> str | None:
        """Why the ID cannot be accepted (blocks 确定), or None."""
        if not self.id_edit.text().strip():
            return None
        members, elsewhere = self._candidate()
        for issue in id_issues(members, elsewhere, only=len(members) - 1):
            if issue.code in (ID_INVALID, ID_DUPLICATE, ID_ELSEWHERE):
                return issue.message
        return None

    def _on_id_changed(self) -> None:
        problem = self._id_problem()
        self.id_box.set_error(problem)
        check = check_id(self.id_edit.text()) if self.id_edit.text().strip() else None
        if check is not None and check.ok:
            if not self.birth_edit.text().strip() or self._birth_auto:
                self.birth_edit.setText(check.birth_date.isoformat())
                self._birth_auto = True
            if not self.sex_combo.value() or self._sex_auto:
                self.sex_combo.set_value(check.sex)
                self._sex_auto = True
        self._check_consistency()
        self._update_ok()

    def _birth_touched(self) -> None:
        self._birth_auto = False

    def _sex_touched(self) -> None:
        self._sex_auto = False

    def _on_birth_changed(self) -> None:
        _, error = read_birth_date(self.birth_edit.text())
        self.birth_box.set_error(error)
        self._check_consistency()
        self._update_ok()

    def _check_consistency(self) -> None:
        """Warnings that do not block: the ID disagrees with the sex or birth date entered, a second head."""
        members, _ = self._candidate()
        me = len(members) - 1
        warnings = [issue.message for issue in id_issues(members, only=me)
                    if issue.code in (SEX_VS_ID, BIRTH_VS_ID)]
        warnings += [issue.message for issue in head_issues(members) if issue.code == HEADS and issue.index == me]
        self.id_warning.setText("\n".join(warnings))
        self.id_warning.setVisible(bool(warnings))

    def _on_status_changed(self) -> None:
        active = self.status_combo.value() == vocab.MEMBER_ACTIVE
        self.status_date_edit.setEnabled(not active)
        self.status_date_label.setEnabled(not active)
        self._check_consistency()

    def _update_ok(self) -> None:
        reasons = []
        if not normalize_name(self.name_edit.text()):
            reasons.append("请填写姓名")
        if self._id_problem():
            reasons.append("请改正身份证号")
        if read_birth_date(self.birth_edit.text())[1]:
            reasons.append("请改正出生日期")
        self.ok_button.setEnabled(not reasons)
        self.ok_button.setToolTip("；".join(reasons))
        self.ok_hint.setText("；".join(reasons))

    # --- result
    def member(self) -> MemberData:
        """The member as entered (names, IDs and phones normalised)."""
        birth, _ = read_birth_date(self.birth_edit.text())
        status = self.status_combo.value() or vocab.MEMBER_ACTIVE
        return replace(
            self._original,
            name=normalize_name(self.name_edit.text()),
            relation=self.relation_combo.value() or "",
            sex=self.sex_combo.value() or "",
            id_number=normalize_id(self.id_edit.text()),
            birth_date=birth,
            ethnic_group=self.ethnic_combo.currentText().strip(),
            education=self.education_combo.currentText().strip(),
            health=self.health_combo.value() or "",
            labour=self.labour_combo.value() or "",
            employment=self.employment_combo.value() or "",
            party_member=self.party_check.isChecked(),
            phone=normalize_phone(self.phone_edit.text()),
            status=status,
            status_date=None if status == vocab.MEMBER_ACTIVE else self.status_date_edit.date().toPython(),
            notes=self.notes_edit.toPlainText().strip(),
        )

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return
        super().accept()
