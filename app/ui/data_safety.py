"""数据安全 page: the backups (list, 立即备份, 从备份恢复), 导出给县局 (optionally encrypted), and the app
password with its idle lock. Also the two helpers main.py / startup.py use to restore: restore_and_reopen
(after the window has closed) and offer_restore_after_failure (when the database cannot be opened at all).

Restoring replaces the database file, so it cannot happen under an open window: the page checks the chosen
file and asks the clerk, then emits restore_requested(Path); the owner closes the window and the database,
calls restore_and_reopen, and builds a new window on the database it returns.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import outputs, vocab
from app.db import DAMAGED_READONLY_REASON, Database, DatabaseError, open_database
from app.services import backup, privacy, snapshot, town
from app.ui import file_dialogs
from app.ui.errors import confirm, info, show_unexpected, warn
from app.ui.password import SetPasswordDialog
from app.ui.rows_model import Column, RowsModel
from app.ui.taskman import Task, run_blocking
from app.ui.widgets import dialog_buttons, page_title, primary_button, setup_table
from app.ui.workers import Background

AUTO_CHECK_MS = 60 * 60 * 1000  # look once an hour whether the daily automatic backup is due


def size_text(size: int) -> str:
    """A file size as the clerk reads it: 812 KB, 4.6 MB, 1.2 GB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    if size < 1024 ** 3:
        return f"{size / 1024 ** 2:.1f} MB"
    return f"{size / 1024 ** 3:.2f} GB"


BACKUP_COLUMNS = [
    Column("备份时间", lambda b: b.taken_at.strftime("%Y-%m-%d %H:%M:%S")),
    Column("类型", lambda b: b.kind),
    Column("大小", lambda b: size_text(b.size), align_right=True),
    Column("文件", lambda b: b.path.name),
]


def _busy(parent: QWidget, text: str) -> QProgressDialog:
    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setWindowTitle("请稍候")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setValue(0)
    return dialog


class ExportDialog(QDialog):
    """导出给县局: where to write the copy and, optionally, a password for an AES-256 zip."""

    def __init__(self, default_dir: Path, town_name: str, parent: QWidget | None = None, *,
                 bureau: str = vocab.DEFAULT_COUNTY_BUREAU) -> None:
        super().__init__(parent)
        self.setWindowTitle("导出给县局")
        self.town_name = town_name
        self.default_dir = default_dir
        layout = QVBoxLayout(self)
        intro = QLabel(f"导出一份数据库副本交给{bureau}。副本经过完整性校验，旁边附清单（户数、人数和校验码）；"
                       "县局用本软件打开时只能查看。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        row = QHBoxLayout()
        self.path = QLineEdit(str(default_dir / snapshot.default_name(town_name, False)))
        self.path.setMinimumWidth(360)
        browse = QPushButton("浏览……")
        browse.clicked.connect(self.browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("保存到", row)
        self.encrypt = QCheckBox("加密（推荐：U盘丢失也不会泄露群众信息）")
        self.encrypt.toggled.connect(self._encrypt_toggled)
        form.addRow("", self.encrypt)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("密码", self.password)
        form.addRow("再输入一次", self.repeat)
        layout.addLayout(form)
        self.hint = QLabel("加密后是标准的加密 zip 文件，县局用 7-Zip、WinRAR、Bandizip 或 360压缩 输入密码即可解压。"
                           "请把密码另行告知县局（电话或当面），不要和U盘放在一起。")
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.error = QLabel("")
        self.error.setObjectName("ErrorText")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons, self.ok_button = dialog_buttons(self, self.try_accept, "导出")
        layout.addWidget(buttons)
        self._encrypt_toggled(False)

    def _encrypt_toggled(self, on: bool) -> None:
        for widget in (self.password, self.repeat, self.hint):
            widget.setEnabled(on)
        text = self.path.text().strip()
        if text:
            p = Path(text)
            wanted = ".zip" if on else ".db"
            if p.suffix.lower() in (".zip", ".db") and p.suffix.lower() != wanted:
                self.path.setText(str(p.with_suffix(wanted)))

    def browse(self) -> None:
        current = self.path.text().strip() or str(self.default_dir)
        pattern = "加密压缩文件 (*.zip)" if self.encrypt.isChecked() else "数据库文件 (*.db)"
        chosen = file_dialogs.get_save_path(self, "导出给县局", current, pattern)
        if chosen:
            self.path.setText(chosen)

    def values(self) -> tuple[Path, str | None]:
        """The destination and the password (None: not encrypted)."""
        return Path(self.path.text().strip()), (self.password.text() if self.encrypt.isChecked() else None)

    def try_accept(self) -> None:
        if not self.path.text().strip():
            self.error.setText("请选择保存位置。")
            return
        try:  # the output guard's refusal (the database, a backup, a folder…) shown here, before any work
            outputs.check_target(self.path.text().strip(), allow_sqlite=True)
        except outputs.OutputError as exc:
            self.error.setText(str(exc))
            return
        if self.encrypt.isChecked():
            if len(self.password.text()) < privacy.MIN_PASSWORD_LENGTH:
                self.error.setText(f"密码至少需要 {privacy.MIN_PASSWORD_LENGTH} 个字符。")
                return
            if self.password.text() != self.repeat.text():
                self.error.setText("两次输入的密码不一致。")
                return
        self.accept()


class DataSafetyPage(QWidget):
    """备份与恢复, 导出给县局 and 软件密码 for one open database. Emits restore_requested(Path) after the clerk
    confirmed a checked file: the owner must close the window and call restore_and_reopen (see module doc).

    automatic=True takes the automatic backups: one shortly after the page is built (unless one was taken in
    the last hour) and the daily one, checked hourly. All file work runs off the GUI thread."""

    restore_requested = Signal(object)  # Path of the file to restore from
    status_changed = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None, *, automatic: bool = True) -> None:
        super().__init__(parent)
        self.db = db
        self.background = Background(self)
        self.backups_bg = Background(self)
        self.model = RowsModel(BACKUP_COLUMNS, self)
        self._progress: QProgressDialog | None = None
        self.can_write = not db.readonly
        self.can_restore = not db.readonly or db.readonly_reason == DAMAGED_READONLY_REASON

        layout = QVBoxLayout(self)
        layout.addWidget(page_title("数据安全"))
        if db.readonly:
            banner = QLabel(db.readonly_reason)
            banner.setObjectName("WarnText")
            banner.setWordWrap(True)
            layout.addWidget(banner)

        box = QGroupBox("备份与恢复")
        box_layout = QVBoxLayout(box)
        self.folder_label = QLabel(
            f"备份保存在：{backup.backup_folder(db.path)}\n"
            f"打开软件时自动备份（一小时内已备份过的不再重复），软件一直开着时每天再备份一次；"
            f"保留最近 {backup.KEEP_RECENT_AUTO} 份自动备份，"
            f"另外每月保留一份（{backup.KEEP_MONTHLY_AUTO} 个月）；手动备份不会自动删除。"
            "建议定期把备份复制到U盘另外保存。")
        self.folder_label.setObjectName("Hint")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box_layout.addWidget(self.folder_label)
        self.table = QTableView()
        self.table.setModel(self.model)
        setup_table(self.table)
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 90)
        self.table.setColumnWidth(2, 90)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        box_layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.backup_button = primary_button("立即备份")
        self.restore_button = QPushButton("从所选备份恢复……")
        self.restore_file_button = QPushButton("从其他文件恢复……")
        self.folder_button = QPushButton("打开备份文件夹")
        for b in (self.backup_button, self.restore_button, self.restore_file_button, self.folder_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box_layout.addLayout(buttons)
        layout.addWidget(box, 1)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.folder_button.clicked.connect(self.open_folder)
        self.backup_button.setEnabled(self.can_write)
        self.restore_button.setEnabled(self.can_restore)
        self.restore_file_button.setEnabled(self.can_restore)

        export_box = QGroupBox("导出给县局")
        export_layout = QHBoxLayout(export_box)
        text = QLabel("导出经过校验的数据库副本和清单，可设密码加密。导出时可以继续工作。"
                      "收到或寄出副本后，可用“核验副本”检查它是否与清单一致、导出后有没有被改动。")
        text.setWordWrap(True)
        self.export_button = primary_button("导出给县局……")
        self.export_button.clicked.connect(self.export)
        self.verify_button = QPushButton("核验副本……")
        self.verify_button.clicked.connect(self.verify_dialog)
        export_layout.addWidget(text, 1)
        export_layout.addWidget(self.export_button)
        export_layout.addWidget(self.verify_button)
        layout.addWidget(export_box)

        pw_box = QGroupBox("软件密码")
        pw_layout = QVBoxLayout(pw_box)
        row = QHBoxLayout()
        self.password_label = QLabel("")
        self.set_password_button = QPushButton("设置密码……")
        self.clear_password_button = QPushButton("取消密码……")
        row.addWidget(self.password_label, 1)
        row.addWidget(self.set_password_button)
        row.addWidget(self.clear_password_button)
        pw_layout.addLayout(row)
        idle = QHBoxLayout()
        idle.addWidget(QLabel("无操作"))
        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(0, 240)
        self.idle_spin.setSuffix(" 分钟")
        self.idle_spin.setSpecialValueText("不自动")
        idle.addWidget(self.idle_spin)
        idle.addWidget(QLabel("后自动锁定（设置了密码时有效）"))
        idle.addStretch(1)
        pw_layout.addLayout(idle)
        layout.addWidget(pw_box)
        self.set_password_button.clicked.connect(lambda: self.change_password("set"))
        self.clear_password_button.clicked.connect(lambda: self.change_password("clear"))
        self.idle_spin.editingFinished.connect(self.save_idle_minutes)

        self.status = QLabel("")
        self.status.setObjectName("Hint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.reload()
        self.refresh_password()
        if self.can_write:
            snapshot.remove_leftovers(db.path.parent)
        self.auto_timer = QTimer(self)
        self.auto_timer.setInterval(AUTO_CHECK_MS)
        self.auto_timer.timeout.connect(lambda: self.run_auto_backup(backup.AUTO_INTERVAL))
        if automatic and self.can_write:
            QTimer.singleShot(0, lambda: self.run_auto_backup())
            self.auto_timer.start()

    # ------------------------------------------------------------------------------------------ backups

    def reload(self) -> None:
        """Refresh the list of backups (newest first)."""
        items = backup.list_backups(self.db.path)
        self.model.set_rows(items)
        if items:
            self.table.selectRow(0)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status_changed.emit(text)

    def selected_backup(self) -> backup.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def run_auto_backup(self, interval=None) -> None:
        """Take an automatic backup in the background if one is due (see backup.auto_backup)."""
        if not self.can_write:
            return
        kwargs = {} if interval is None else {"min_interval": interval}

        def done(result) -> None:
            if result is not None:
                self.reload()
                self._say(f"已自动备份：{result.taken_at:%Y-%m-%d %H:%M}")

        def failed(exc: BaseException) -> None:
            self._say(f"自动备份没有成功：{exc}" if isinstance(exc, DatabaseError) else "自动备份没有成功。")
            if not isinstance(exc, DatabaseError):
                from app.errors import log_exception

                log_exception(exc, "自动备份")

        self.backups_bg.submit(lambda: backup.auto_backup(self.db, **kwargs), done, failed)

    def backup_now(self) -> None:
        """立即备份: a manual backup in the background; the list refreshes when it is done."""
        self.backup_button.setEnabled(False)
        self._say("正在备份……")

        def done(result: backup.BackupInfo) -> None:
            self.backup_button.setEnabled(self.can_write)
            self.reload()
            self._say(f"已备份：{result.path.name}（{size_text(result.size)}）")

        def failed(exc: BaseException) -> None:
            self.backup_button.setEnabled(self.can_write)
            self._say("")
            self._failed("备份失败", exc)

        self.backups_bg.submit(lambda: backup.make_backup(self.db, backup.KIND_MANUAL), done, failed)

    def open_folder(self) -> None:
        folder = backup.backup_folder(self.db.path)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _failed(self, title: str, exc: BaseException) -> None:
        if isinstance(exc, DatabaseError):
            warn(self, title, str(exc))
        else:
            show_unexpected(exc, self)

    # ---------------------------------------------------------------------------------------- restoring

    def restore_selected(self) -> None:
        chosen = self.selected_backup()
        if chosen is None:
            info(self, "从备份恢复", "请先在列表中选择一个备份。")
            return
        self.check_and_request(chosen.path)

    def restore_from_file(self) -> None:
        chosen = file_dialogs.get_open_path(self, "选择用来恢复的备份文件", backup.backup_folder(self.db.path),
                                            "数据库文件 (*.db *.sqlite);;所有文件 (*)")
        if chosen:
            self.check_and_request(Path(chosen))

    def check_and_request(self, source: Path) -> None:
        """Check source (in the background), ask the clerk, then emit restore_requested(source)."""
        if not self.can_restore:
            return
        self._progress = _busy(self, "正在检查所选文件……")

        def done(candidate: backup.RestoreCandidate) -> None:
            self._close_progress()
            note = "\n（这是导出给县局的副本，恢复后会变回可以修改的正式数据库。）" if candidate.is_snapshot else ""
            text = (f"用这个文件恢复数据库吗？\n\n文件：{candidate.path.name}\n时间：{candidate.modified:%Y-%m-%d %H:%M}\n"
                    f"镇：{candidate.town or '（未填）'}\n在册：{candidate.households} 户，{candidate.members} 人{note}\n\n"
                    "当前的数据库会先另存为“恢复前”备份。恢复后软件会重新打开数据库，"
                    "在此备份之后录入的内容将不在恢复后的数据库中。")
            if confirm(self, "从备份恢复", text, yes="恢复", no="取消"):
                self.restore_requested.emit(candidate.path)

        def failed(exc: BaseException) -> None:
            self._close_progress()
            self._failed("不能用此文件恢复", exc)

        self.background.submit(lambda: backup.inspect_file(source, self.db.path), done, failed)

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None

    # ------------------------------------------------------------------------------------------ export

    def export(self) -> None:
        """导出给县局……: ask where (and a password), then write the copy in the background."""
        profile = town.load_town(self.db)
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = ExportDialog(Path(docs or Path.home()), profile.town_name, self, bureau=profile.county_bureau)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        out, password = dialog.values()
        if out.exists() and not confirm(self, "导出给县局", f"文件已存在，要替换它吗？\n{out}", yes="替换"):
            return
        self.run_export(out, password)

    def run_export(self, out: Path, password: str | None) -> None:
        """Write the county copy to out in the background, then tell the clerk where it is and what it holds."""
        self.export_button.setEnabled(False)
        self._progress = _busy(self, "正在导出给县局的副本（复制、校验" + ("、加密" if password else "") + "）……")

        def done(result: snapshot.SnapshotResult) -> None:
            self._close_progress()
            self.export_button.setEnabled(True)
            m = result.manifest
            lines = [f"已导出：{result.path}",
                     f"在册 {m['active']['households']} 户，{m['active']['members']} 人；完整性检查：通过。",
                     f"旁边附有清单文件（户数、人数和校验码，校验码以 {m['sha256'][:12]} 开头），请一并交给县局。"]
            if m["encryption"]:
                lines.append("已加密。请把密码另行告知县局（电话或当面），不要和U盘放在一起。")
            self._say(f"已导出给县局：{result.path.name}")
            info(self, "导出完成", "\n".join(lines))

        def failed(exc: BaseException) -> None:
            self._close_progress()
            self.export_button.setEnabled(True)
            self._failed("导出失败", exc)

        db = self.db
        job = Task(lambda progress, _cancelled: snapshot.take_snapshot(
            db, out, password=password, progress=lambda text: progress(-1, text)), self)
        job.progressed.connect(lambda _f, text: self._progress.setLabelText(text) if self._progress else None)
        job.done.connect(done)
        job.failed.connect(failed)
        self.snapshot_job = job.start()

    # ------------------------------------------------------------------------------------ verifying a copy

    def verify_dialog(self) -> None:
        """核验副本……: choose a county copy (and give its password when it is encrypted), then check it."""
        import zipfile

        chosen = file_dialogs.get_open_path(self, "选择要核验的副本", file_dialogs.default_folder(),
                                            "县局副本 (*.db *.zip);;所有文件 (*)")
        if not chosen:
            return
        path, password = Path(chosen), None
        if path.is_file() and zipfile.is_zipfile(path):
            password, ok = QInputDialog.getText(self, "核验副本", f"“{path.name}”是加密的副本，请输入它的密码：",
                                                QLineEdit.EchoMode.Password)
            if not ok:
                return
        self.run_verify(path, password or None)

    def run_verify(self, path: Path, password: str | None = None) -> None:
        """Check the copy at path in the background, then say whether it is as exported and, if not, what
        disagrees (in the clerk's words)."""
        from app.services.verify import verify_copy

        self.verify_button.setEnabled(False)
        self._progress = _busy(self, "正在核验副本（核对校验码、完整性和变更记录）……")

        def done(report) -> None:
            self._close_progress()
            self.verify_button.setEnabled(True)
            ok, title, text = verify_summary(report)
            self._say(f"{title}：{path.name}")
            (info if ok else warn)(self, title, text)

        def failed(exc: BaseException) -> None:
            self._close_progress()
            self.verify_button.setEnabled(True)
            self._failed("核验失败", exc)

        self.background.submit(lambda: verify_copy(path, password=password), done, failed)

    # ---------------------------------------------------------------------------------------- password

    def refresh_password(self) -> None:
        has = privacy.has_password(self.db)
        self.password_label.setText("已设置密码：打开软件和锁定后需要输入密码。" if has
                                    else "未设置密码：任何人打开电脑都能查看台账。")
        self.set_password_button.setText("修改密码……" if has else "设置密码……")
        self.clear_password_button.setEnabled(has and self.can_write)
        self.set_password_button.setEnabled(self.can_write)
        self.idle_spin.setEnabled(self.can_write)
        self.idle_spin.blockSignals(True)
        self.idle_spin.setValue(privacy.idle_minutes(self.db))
        self.idle_spin.blockSignals(False)

    def change_password(self, mode: str) -> None:
        dialog = SetPasswordDialog(self.db, self, mode=mode)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._say("密码已取消。" if mode == "clear" else "密码已设置。")
        self.refresh_password()

    def save_idle_minutes(self) -> None:
        if not self.can_write or self.idle_spin.value() == privacy.idle_minutes(self.db):
            return
        try:
            privacy.set_idle_minutes(self.db, self.idle_spin.value())
        except (privacy.PasswordError, DatabaseError) as exc:
            warn(self, "无法保存", str(exc))
        self.refresh_password()

    def shutdown(self) -> None:
        """Stop the timers and wait for background work (call before the database closes)."""
        self.auto_timer.stop()
        self.background.wait(15000)
        self.backups_bg.wait(15000)


def verify_summary(report) -> tuple[bool, str, str]:
    """(passed, title, text) for the clerk from a verify.VerifyReport."""
    name = report.path.name
    if report.unreadable:
        return False, "无法核验副本", f"{name}\n\n{report.unreadable}"
    if report.problems:
        lines = [f"“{name}”与清单不一致，可能在导出后被改动或复制不完整。请让对方重新导出后再发送。", ""]
        lines += [f"· {p}" for p in report.problems[:20]]
        if len(report.problems) > 20:
            lines.append(f"……另有 {len(report.problems) - 20} 处")
        return False, "副本未通过核验", "\n".join(lines)
    lines = [f"“{name}”与清单一致，导出后没有被改动。",
             f"镇：{report.town or '（未填）'}；导出时间：{report.taken_at}",
             f"在册 {report.households} 户，{report.members} 人。",
             "已核对：" + "、".join(report.checked)]
    if report.encrypted and "完整性" not in report.checked:
        lines.append("（没有输入密码，只核对了加密文件本身。）")
    return True, "副本核验通过", "\n".join(lines)


# ----------------------------------------------------------------------- restoring with no window open


def restore_and_reopen(db_path: Path, source: Path, parent: QWidget | None = None) -> Database | None:
    """With the database closed: restore db_path from source (backup.restore) and open it again, telling the
    clerk what happened. Returns the open database — the restored one, or the untouched old one when the restore
    was refused — or None when it cannot be opened at all."""
    result = None
    failure = ""
    try:
        result = run_blocking(lambda _p, _c: backup.restore(db_path, source), "正在恢复……", parent)
    except DatabaseError as exc:
        failure = str(exc)
    if failure:
        warn(parent, "恢复失败", f"{failure}\n原来的数据库没有被改动。")
    try:
        db = run_blocking(lambda _p, _c: open_database(db_path), "正在打开数据库……", parent)
    except DatabaseError as exc:
        warn(parent, "无法打开数据库", str(exc))
        return None
    if result is not None:
        kept = f"\n恢复前的数据库已另存为：\n{result.kept}" if result.kept else ""
        info(parent, "已恢复", f"已用备份恢复数据库：\n{result.candidate.path}{kept}")
    if db.upgraded_from:
        info(parent, "数据库已升级", f"数据库已升级到新版本的格式。升级前的备份保存在：\n{db.backup_path}")
    return db


def offer_restore_after_failure(db_path: Path, message: str, parent: QWidget | None = None) -> Database | None:
    """The database cannot be opened (message says why): offer the newest backup, another file, or quitting.
    Returns the restored, open database, or None when the clerk quits."""
    items = backup.list_backups(db_path)
    box = QMessageBox(QMessageBox.Icon.Critical, "无法打开数据库", message, QMessageBox.StandardButton.NoButton,
                      parent)
    newest = None
    if items:
        newest = box.addButton(f"从最新备份恢复（{items[0].taken_at:%Y-%m-%d %H:%M}）",
                               QMessageBox.ButtonRole.AcceptRole)
        box.setInformativeText(f"有 {len(items)} 个备份可用，保存在：{backup.backup_folder(db_path)}")
    other = box.addButton("选择备份文件……", QMessageBox.ButtonRole.ActionRole)
    quit_button = box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(newest or quit_button)
    box.exec()
    clicked = box.clickedButton()
    if newest is not None and clicked is newest:
        return restore_and_reopen(db_path, items[0].path, parent)
    if clicked is other:
        chosen = file_dialogs.get_open_path(parent, "选择用来恢复的备份文件", backup.backup_folder(db_path),
                                            "数据库文件 (*.db *.sqlite);;所有文件 (*)")
        if chosen:
            return restore_and_reopen(db_path, Path(chosen), parent)
    return None
