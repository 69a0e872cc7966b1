"""The household editor (一户一档): the household's fields, its members, attachments, history and live checks.

Everything is edited on plain dataclasses (services.households.HouseholdData / MemberData) and written in one
transaction by services.households.save_household when the clerk presses 保存; 取消 writes nothing.
Database calls here touch one household and run on the GUI thread."""

from __future__ import annotations

import html
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextDocumentFragment
from PySide6.QtWidgets import QDialog, QWidget

from app import vocab
from app.db import Database, DatabaseError
from app.rules import normalize_id
from app.rules.completeness import SEVERITY_INCONSISTENT
from app.rules.normalize import normalize_group, parse_decimal, parse_relocation_date
from app.rules.places import settlement_type_for
from app.services import history as history_service
from app.services import town as town_service
from app.services.households import (
    HOUSEHOLD_LABELS,
    MEMBER_LABELS,
    AttachmentInfo,
    Evaluation,
    FieldError,
    HouseholdData,
    HouseholdNotFound,
    MemberData,
    SaveRefused,
    attachment_bytes,
    attachment_from_file,
    clean,
    evaluate,
    ids_held_elsewhere,
    load_household,
    save_household,
)
from app.ui import file_dialogs
from app.ui.household.dialogs import MemberDialog, StatusDateDialog
from app.ui.household.tabs import EditorTabs
from app.ui.household.texts import (
    AMBER,
    EDITOR_CSS,
    GREEN,
    MEMBER_COLUMNS,
    NO_HEAD,
    RED,
    TITLE_EXISTING,
    TITLE_NEW,
    format_decimal,
    format_size,
)
from app.ui.household.widgets import ask_unsaved, confirm, show_warning

# ---------------------------------------------------------------------------------------- the editor


class HouseholdEditor(EditorTabs, QDialog):
    """Edit one household archive (household_id=None creates one). Emits saved(id) after a successful save."""

    saved = Signal(int)
    # The household's id; whoever opened the window opens the shared form (the household list's mechanism)
    # and returns when it is closed, after which the window reads the household's records again.
    visit_requested = Signal(int)
    problem_requested = Signal(int)
    print_requested = Signal(int)

    def __init__(self, db: Database, household_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._temp_dir: Path | None = None
        self._read(household_id)

        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setStyleSheet(EDITOR_CSS)
        self.setWindowTitle(self._title())

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(150)
        self._live_timer.timeout.connect(self._refresh_live)

        self._build()
        self._show(self._data)
        self._baseline = self._snapshot()
        self._connect_changes()
        self._refresh_live()
        self._size_to_screen()

    def _read(self, household_id: int | None) -> None:
        self._load_error: str | None = None
        self._elsewhere_cache: tuple[tuple[str, ...], dict[str, str]] = ((), {})
        self._finding_targets: list[tuple[object, str]] = []
        try:
            self._data = load_household(self.db, household_id) if household_id is not None else HouseholdData()
        except HouseholdNotFound as exc:
            self._load_error = str(exc)
            self._data = HouseholdData()
        self._villages = town_service.villages(self.db)
        self._points = town_service.settlement_points(self.db)
        self._point_kinds = town_service.point_kinds(self.db)
        self._attachments: list[AttachmentInfo] = list(self._data.attachments)

    def load(self, household_id: int | None) -> None:
        """Show another household in this (closed) editor: building the widgets is the slow part of opening,
        so the household list keeps one editor and reloads it."""
        self._read(household_id)
        self.village_combo.set_choices([("", None)] + [(v.label, v.id) for v in self._villages])
        self.setWindowTitle(self._title())
        self._show(self._data)
        self._baseline = self._snapshot()
        self._refresh_live()
        self.tabs.setCurrentIndex(0)

    # ------------------------------------------------------------------ data <-> widgets
    def _title(self) -> str:
        if self._data.id is None:
            return TITLE_NEW
        heads = [m.name for m in self._data.members if m.relation == vocab.HEAD and m.status == vocab.MEMBER_ACTIVE]
        return TITLE_EXISTING.format(head=heads[0] if heads else NO_HEAD, no=self._data.archive_no)

    def _show(self, d: HouseholdData) -> None:
        self.archive_no_edit.setText(d.archive_no)
        self.status_combo.set_value(d.status)
        self.size_edit.setText("" if d.household_size is None else str(d.household_size))
        self.village_combo.set_value(d.village_id)
        self._fill_points(d.village_id, d.settlement_point_id)
        self.group_edit.setText(d.group_name)
        self.phone_edit.setText(d.phone)
        self.settlement_combo.set_value(d.settlement_type)
        self.relocation_edit.setText(d.relocation_date)
        self.address_edit.setText(d.address)
        self.original_edit.setText(d.original_residence)
        self.housing_combo.set_value(d.housing_status)
        self.leaks_combo.set_value(d.house_leaks)
        self.geohazard_combo.set_value(d.geohazard_unmoved)
        self.land_edit.setText(format_decimal(d.land_mu))
        self.income_edit.setText(format_decimal(d.annual_income))
        for tag, box in self.tag_checks.items():
            box.setChecked(tag in d.declared_tags)
        self.notes_edit.setPlainText(d.notes)
        self.members_model.set_members(d.members)
        self._show_attachments()
        self._show_history()
        self._show_dossier()
        self._validate_fields()

    def _show_dossier(self) -> None:
        self.dossier_tabs.show(self._data.id)
        for page, title in self.dossier_tabs.tab_titles().items():
            self.tabs.setTabText(self.tabs.indexOf(page), title)
        saved = self._data.id is not None
        for button in (self.visit_button, self.problem_button):
            button.setEnabled(saved and not self.db.readonly)
        self.print_button.setEnabled(saved)

    def _show_attachments(self) -> None:
        rows = []
        for a in self._attachments:
            added = a.added_at.strftime("%Y-%m-%d %H:%M") if a.added_at else "待保存"
            rows.append((a.filename, format_size(a.size), added, str(a.source_path) if a.source_path else a.filename))
        self.attachments_model.set_rows(rows)
        self.tabs.setTabText(self.tabs.indexOf(self.attachments_page),
                             f"附件（{len(self._attachments)}）" if self._attachments else "附件")

    def _show_history(self) -> None:
        rows = []
        if self._data.id is not None:
            for r in history_service.household_history(self.db, self._data.id):
                rows.append((r.at.strftime("%Y-%m-%d %H:%M"), r.subject, r.field, r.old, r.new, r.reason))
        self.history_model.set_rows(rows)
        self.history_empty.setVisible(self._data.id is None)

    def _fill_points(self, village_id: int | None, keep: int | None) -> None:
        """安置点 choices of the chosen village (all points, labelled with their village, when none is chosen)."""
        names = {v.id: v.label for v in self._villages}
        if village_id is None:
            choices = [(f"{p.label}（{names.get(p.parent_id, '')}）", p.id) for p in self._points]
        else:
            choices = [(p.label, p.id) for p in self._points if p.parent_id == village_id]
        ids = {value for _, value in choices}
        self.point_combo.set_choices([("", None)] + choices, keep if keep in ids else None)

    def _on_village_changed(self) -> None:
        self._fill_points(self.village_combo.value(), self.point_combo.value())
        self._changed()

    def _on_point_changed(self) -> None:
        point_id = self.point_combo.value()
        implied = settlement_type_for(self._point_kinds.get(point_id))
        if implied:
            self.settlement_combo.set_value(implied)  # 安置方式 follows the 安置点
        if point_id is not None and self.village_combo.value() is None:
            parent = next((p.parent_id for p in self._points if p.id == point_id), None)
            if parent is not None:
                self.village_combo.blockSignals(True)
                self.village_combo.set_value(parent)
                self.village_combo.blockSignals(False)
                self._fill_points(parent, point_id)
        self._changed()

    def _parse_fields(self) -> tuple[dict, dict[str, str]]:
        """Parsed values of the typed household fields and, per field, the reason one cannot be read."""
        values: dict = {}
        errors: dict[str, str] = {}
        date, error = parse_relocation_date(self.relocation_edit.text())
        values["relocation_date"] = date or ""
        if error:
            errors["relocation_date"] = error
        for attr, edit, label in (("land_mu", self.land_edit, "承包地面积"),
                                  ("annual_income", self.income_edit, "家庭年收入")):
            number, error = parse_decimal(edit.text(), label)
            values[attr] = number
            if error:
                errors[attr] = error
        size_text = self.size_edit.text().strip()
        values["household_size"] = None
        if size_text:
            digits = normalize_id(size_text)
            if digits.isdigit() and len(digits) <= 3:
                values["household_size"] = int(digits)
            else:
                errors["household_size"] = f"家庭人口“{size_text}”无法识别，请填写人数（整数），不知道可留空"
        return values, errors

    def _validate_fields(self) -> dict[str, str]:
        _, errors = self._parse_fields()
        self.relocation_box.set_error(errors.get("relocation_date"))
        self.land_box.set_error(errors.get("land_mu"))
        self.income_box.set_error(errors.get("annual_income"))
        self.size_box.set_error(errors.get("household_size"))
        return errors

    def household(self) -> HouseholdData:
        """The household as currently entered (unreadable typed fields are left blank)."""
        values, _ = self._parse_fields()
        return HouseholdData(
            id=self._data.id,
            archive_no=self.archive_no_edit.text().strip(),
            village_id=self.village_combo.value(),
            group_name=self.group_edit.text().strip(),
            settlement_point_id=self.point_combo.value(),
            address=self.address_edit.text().strip(),
            original_residence=self.original_edit.text().strip(),
            relocation_date=values["relocation_date"],
            settlement_type=self.settlement_combo.value() or "",
            housing_status=self.housing_combo.value() or "",
            house_leaks=self.leaks_combo.value(),
            geohazard_unmoved=self.geohazard_combo.value(),
            land_mu=values["land_mu"],
            annual_income=values["annual_income"],
            phone=self.phone_edit.text().strip(),
            household_size=values["household_size"],
            status=self.status_combo.value() or vocab.HOUSEHOLD_ACTIVE,
            notes=self.notes_edit.toPlainText().strip(),
            declared_tags={tag for tag, box in self.tag_checks.items() if box.isChecked()},
            members=self.members_model.members(),
            attachments=list(self._attachments),
        )

    def _snapshot(self) -> tuple:
        """Everything the clerk can change, as typed (so that an edit undone by hand is not a change)."""
        return (
            self.archive_no_edit.text(), self.status_combo.value(), self.size_edit.text(),
            self.village_combo.value(), self.point_combo.value(), self.group_edit.text(), self.phone_edit.text(),
            self.settlement_combo.value(), self.relocation_edit.text(), self.address_edit.text(),
            self.original_edit.text(), self.housing_combo.value(), self.leaks_combo.value(),
            self.geohazard_combo.value(), self.land_edit.text(), self.income_edit.text(),
            tuple(box.isChecked() for box in self.tag_checks.values()), self.notes_edit.toPlainText(),
            tuple(self.members_model.members()),
            tuple((a.id, a.filename, a.size, str(a.source_path)) for a in self._attachments),
        )

    def is_dirty(self) -> bool:
        """True when something differs from what was loaded (or last saved)."""
        return self._snapshot() != self._baseline

    def _connect_changes(self) -> None:
        for edit in (self.archive_no_edit, self.group_edit, self.phone_edit, self.address_edit, self.original_edit):
            edit.textChanged.connect(self._changed)
        # 3 / 三组 / 第三组 are shown as 3组 as soon as the clerk leaves the field (the same rule saves it).
        self.group_edit.editingFinished.connect(
            lambda: self.group_edit.setText(normalize_group(self.group_edit.text())))
        for edit in (self.relocation_edit, self.land_edit, self.income_edit, self.size_edit):
            edit.textChanged.connect(self._on_typed_field)
        for combo in (self.status_combo, self.settlement_combo, self.housing_combo, self.leaks_combo,
                      self.geohazard_combo):
            combo.currentIndexChanged.connect(self._changed)
        self.village_combo.currentIndexChanged.connect(self._on_village_changed)
        self.point_combo.currentIndexChanged.connect(self._on_point_changed)
        for box in self.tag_checks.values():
            box.toggled.connect(self._changed)
        self.notes_edit.textChanged.connect(self._changed)
        for sig in (self.members_model.dataChanged, self.members_model.rowsInserted, self.members_model.modelReset):
            sig.connect(self._changed)

    def _on_typed_field(self) -> None:
        self._validate_fields()  # at once, not debounced: the clerk sees the reason while typing
        self._changed()

    def _changed(self, *_args) -> None:
        self._live_timer.start()

    # ------------------------------------------------------------------ live checks
    def _elsewhere(self, data: HouseholdData) -> dict[str, str]:
        ids = tuple(sorted({m.id_number for m in data.members if m.id_number}))
        if ids != self._elsewhere_cache[0]:
            self._elsewhere_cache = (ids, ids_held_elsewhere(self.db, ids, data.id))
        return self._elsewhere_cache[1]

    def evaluation(self) -> Evaluation:
        """Key groups and completeness findings of the household as entered (SPEC §4.2, §4.5)."""
        data = clean(self.household())
        return evaluate(data, self._elsewhere(data))

    def _refresh_live(self) -> None:
        self._live_timer.stop()
        ev = self.evaluation()
        members = self.members_model.members()

        if ev.key_groups:
            lines = []
            for tr in ev.key_groups:
                color = "#1f4e8c" if tr.declared else AMBER
                lines.append(f'<div style="margin-bottom:3px"><span style="color:{color}">■</span> '
                             f'{html.escape(tr.tag)} — {html.escape(tr.reason)}</div>')
            tags = {tr.tag for tr in ev.key_groups}
            groups = [name for name, members_of in ((vocab.GROUP_SANTE, vocab.SANTE_TAGS),
                                                    (vocab.GROUP_SANWU, vocab.SANWU_TAGS))
                      if tags & set(members_of)]
            if groups:
                lines.append(f'<div style="color:#555">属于：{"、".join(groups)}</div>')
            self.key_groups_label.setText("".join(lines))
        else:
            self.key_groups_label.setText('<span style="color:#555">不属于重点户</span>')

        self._finding_targets = []
        if not ev.findings:
            self.check_summary_label.setText(f'<span style="color:{GREEN}">✔ 档案完整、一致</span>')
            self.findings_label.setText("")
        else:
            bad = sum(1 for f in ev.findings if f.severity == SEVERITY_INCONSISTENT)
            missing = len(ev.findings) - bad
            parts = []
            if bad:
                parts.append(f'<span style="color:{RED}">不一致 {bad} 项</span>')
            if missing:
                parts.append(f'<span style="color:{AMBER}">不完整 {missing} 项</span>')
            self.check_summary_label.setText("，".join(parts) + "。点“定位”可转到该项。")
            items = []
            for i, f in enumerate(ev.findings):
                self._finding_targets.append((f.member_key, f.field))
                color = RED if f.severity == SEVERITY_INCONSISTENT else AMBER
                who = f"{html.escape(f.member_name)} · " if f.member_name else ""
                items.append(
                    f'<p style="margin:0 0 6px 0"><span style="color:{color}; font-weight:bold">'
                    f'{html.escape(f.severity)}</span>　{who}{html.escape(f.field)}'
                    f'　<a href="finding:{i}">定位</a><br>{html.escape(f.message)}</p>'
                )
            self.findings_label.setText("".join(items))

        self.dossier_tabs.header_label.setText(self.dossier_tabs.header_html(
            self.archive_no_edit.text().strip() or self._data.archive_no,
            [(tr.tag, tr.reason) for tr in ev.key_groups], len(ev.findings)))
        active = sum(1 for m in members if m.status == vocab.MEMBER_ACTIVE)
        left = len(members) - active
        self.members_summary.setText(f"在册 {active} 人" + (f"，迁出或死亡 {left} 人" if left else ""))
        self.tabs.setTabText(1, f"家庭成员（{active}）")
        self.dirty_label.setVisible(self.is_dirty())

    def key_groups_text(self) -> str:
        """The 重点户类型 part of the side panel as plain text."""
        return _plain(self.key_groups_label.text())

    def findings_text(self) -> str:
        """The 档案检查 part of the side panel as plain text."""
        return _plain(self.check_summary_label.text() + "\n" + self.findings_label.text())

    def _go_to_finding(self, link: str) -> None:
        try:
            member_key, field = self._finding_targets[int(link.split(":", 1)[1])]
        except (ValueError, IndexError):
            return
        if isinstance(member_key, int) and 0 <= member_key < self.members_model.rowCount():
            self.tabs.setCurrentIndex(1)
            self.members_view.selectRow(member_key)
            self.edit_member(member_key)
            return
        if field == "户主":
            self.tabs.setCurrentIndex(1)
            return
        widget = {
            "村": self.village_combo, "安置点": self.point_combo, "住房情况": self.housing_combo,
            "承包地面积": self.land_edit, "家庭人口": self.size_edit,
        }.get(field)
        if widget is not None:
            self.tabs.setCurrentIndex(0)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ members
    def _fit_member_columns(self, *_args) -> None:
        # A household has a handful of members: fitting the columns to their contents is cheap.
        view = self.members_view
        view.resizeColumnsToContents()
        id_col = MEMBER_COLUMNS.index("id_number")
        wide_enough = view.fontMetrics().horizontalAdvance("00000000000000000X") + 16
        view.setColumnWidth(id_col, max(view.columnWidth(id_col), wide_enough))
        for col in range(len(MEMBER_COLUMNS) - 1):
            view.setColumnWidth(col, view.columnWidth(col) + 8)

    def _selected_member(self) -> int:
        rows = self.members_view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _update_member_buttons(self, *_args) -> None:
        row = self._selected_member()
        has = row >= 0
        active = has and self.members_model.member(row).status == vocab.MEMBER_ACTIVE
        self.edit_member_button.setEnabled(has)
        self.move_out_button.setEnabled(active)
        self.died_button.setEnabled(active)
        self.restore_button.setEnabled(has and not active)

    def _held_elsewhere(self, id_number: str) -> str | None:
        return ids_held_elsewhere(self.db, [id_number], self._data.id).get(id_number)

    def _member_dialog(self, member: MemberData | None, row: int) -> MemberDialog:
        others = [m for i, m in enumerate(self.members_model.members()) if i != row]
        return MemberDialog(member, others=others, held_elsewhere=self._held_elsewhere, db=self.db, parent=self)

    def add_member(self) -> None:
        dialog = self._member_dialog(None, -1)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            row = self.members_model.append(dialog.member())
            self.members_view.selectRow(row)

    def edit_member(self, row: int) -> None:
        if not 0 <= row < self.members_model.rowCount():
            return
        dialog = self._member_dialog(self.members_model.member(row), row)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.members_model.replace(row, dialog.member())

    def mark_member(self, status: str) -> None:
        """Mark the selected member 迁出 or 死亡 on a date the clerk picks (the person stays in the archive)."""
        row = self._selected_member()
        if row < 0:
            return
        m = self.members_model.member(row)
        dialog = StatusDateDialog(m.name or f"第{row + 1}位成员", status, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.members_model.replace(row, replace(m, status=status, status_date=dialog.chosen_date()))

    def restore_member(self) -> None:
        row = self._selected_member()
        if row < 0:
            return
        m = self.members_model.member(row)
        self.members_model.replace(row, replace(m, status=vocab.MEMBER_ACTIVE, status_date=None))

    def _sync_size(self) -> None:
        active = sum(1 for m in self.members_model.members() if m.status == vocab.MEMBER_ACTIVE)
        self.size_edit.setText(str(active))

    # ------------------------------------------------------------------ attachments
    _last_dir: str = ""

    def _selected_attachment(self) -> int:
        rows = self.attachments_view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _update_attachment_buttons(self, *_args) -> None:
        has = self._selected_attachment() >= 0
        self.open_attachment_button.setEnabled(has)
        self.remove_attachment_button.setEnabled(has)

    def add_attachments(self) -> None:
        paths = file_dialogs.get_open_paths(
            self, "添加附件", HouseholdEditor._last_dir or None,
            "图片和 PDF (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.pdf);;所有文件 (*)",
        )
        problems = []
        for p in paths:
            path = Path(p)
            HouseholdEditor._last_dir = str(path.parent)
            try:
                info = attachment_from_file(path)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            except OSError as exc:
                problems.append(f"无法读取文件 {path.name}：{exc.strerror or exc}")
                continue
            if any(a.source_path == info.source_path for a in self._attachments):
                continue
            self._attachments.append(info)
        if paths:
            self._show_attachments()
            self.attachments_view.selectRow(len(self._attachments) - 1)
            self._changed()
        if problems:
            show_warning(self, "添加附件", "以下文件没有添加：", "\n".join(problems))

    def open_attachment(self) -> None:
        row = self._selected_attachment()
        if row < 0:
            return
        a = self._attachments[row]
        try:
            if a.id is None:
                path = a.source_path
                if path is None or not path.exists():
                    raise OSError(f"找不到文件：{path}")
            else:
                name, blob = attachment_bytes(self.db, a.id)
                if self._temp_dir is None:
                    self._temp_dir = Path(tempfile.mkdtemp(prefix="houfu-附件-"))
                path = self._temp_dir / (Path(name).name or f"附件{a.id}")
                path.write_bytes(blob)
        except (OSError, HouseholdNotFound) as exc:
            show_warning(self, "打开附件", f"无法打开附件“{a.filename}”。", str(exc))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            show_warning(self, "打开附件", f"没有可以打开“{a.filename}”的程序。", str(path))

    def remove_attachment(self) -> None:
        row = self._selected_attachment()
        if row < 0:
            return
        a = self._attachments[row]
        if confirm(self, "移除附件", f"从该户档案中移除附件“{a.filename}”？\n（点“保存”后才会真正移除）", "移除"):
            del self._attachments[row]
            self._show_attachments()
            self._changed()

    # ------------------------------------------------------------------ 记录走访 / 登记问题 / 打印一户一档
    def record_visit(self) -> None:
        if self._data.id is not None:
            self.visit_requested.emit(self._data.id)
            self._after_action(self.dossier_tabs.visits_page)

    def register_problem(self) -> None:
        if self._data.id is not None:
            self.problem_requested.emit(self._data.id)
            self._after_action(self.dossier_tabs.problems_page)

    def _after_action(self, page: QWidget) -> None:
        """A visit or problem may have been saved: show the household's records as they are now."""
        before = self.dossier_tabs.dossier
        counts = (len(before.visits), len(before.problems)) if before else (0, 0)
        self._show_dossier()
        after = self.dossier_tabs.dossier
        if after is not None and (len(after.visits), len(after.problems)) != counts:
            self.tabs.setCurrentWidget(page)

    def print_card(self) -> None:
        """Close the window (asking about unsaved changes) and show the household's 一户一档 to print."""
        household_id = self._data.id
        if household_id is None:
            return
        if self.is_dirty() and not self.db.readonly:
            answer = ask_unsaved(self)
            if answer == "cancel":
                return
            if answer == "save" and not self.save():
                return
        if self.isVisible():
            QDialog.reject(self)
        self.print_requested.emit(household_id)

    # ------------------------------------------------------------------ save / close
    def save(self) -> bool:
        """Save everything as one transaction; on success emit saved(id) and close. False when not saved."""
        if self.db.readonly:
            return False
        errors = self._validate_fields()
        if errors:
            show_warning(self, "无法保存", "以下内容需要改正后才能保存：",
                         "\n".join(f"• {HOUSEHOLD_LABELS[attr]}：{msg}" for attr, msg in errors.items()))
            self.tabs.setCurrentIndex(0)
            return False
        data = self.household()
        try:
            result = save_household(self.db, data)
        except SaveRefused as exc:
            show_warning(self, "无法保存", "该户档案有以下问题，改正后才能保存（尚未写入任何内容）：",
                         "\n".join(self._describe(e, data) for e in exc.errors))
            return False
        except (DatabaseError, OSError) as exc:
            show_warning(self, "无法保存", "保存失败，尚未写入任何内容。", str(exc))
            return False
        self._baseline = self._snapshot()
        self.saved.emit(result.household_id)
        self.accept()
        return True

    @staticmethod
    def _describe(error: FieldError, data: HouseholdData) -> str:
        """One line of a refused save: whose field, which field, and what to do."""
        if error.member_index is None:
            return f"• 户 · {HOUSEHOLD_LABELS.get(error.field, error.field)}：{error.message}"
        m = data.members[error.member_index] if 0 <= error.member_index < len(data.members) else None
        who = (m.name if m and m.name else f"第{error.member_index + 1}位成员")
        message = error.message
        for prefix in (f"{who}：", f"{who}的"):
            if message.startswith(prefix):
                message = message[len(prefix):]
                break
        return f"• 成员 {who} · {MEMBER_LABELS.get(error.field, error.field)}：{message}"

    def reject(self) -> None:
        """取消, Esc and the window's close button: ask first when there are unsaved changes."""
        if self.is_dirty() and not self.db.readonly:
            answer = ask_unsaved(self)
            if answer == "cancel":
                return
            if answer == "save":
                self.save()
                return
        super().reject()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._load_error:
            QTimer.singleShot(0, self._fail_load)

    def _fail_load(self) -> None:
        message, self._load_error = self._load_error, None
        show_warning(self, "无法打开户档案", message or "")
        super().reject()

    def done(self, result: int) -> None:
        self._live_timer.stop()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
        super().done(result)


def _plain(rich: str) -> str:
    return QTextDocumentFragment.fromHtml(rich).toPlainText()
