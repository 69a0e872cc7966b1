"""Every file dialog of the GUI goes through here (SPEC §8: the database keeps its locks).

Qt's own file dialog asks QMimeDatabase for the type and icon of every file it lists, and that opens and
closes each file. On Linux closing any descriptor of a file drops every POSIX lock the process holds on it, so
showing a folder that holds the open database (houfu.db, -wal, -shm) silently released SQLite's locks: another
process could then delete the write-ahead log under the running program and saves were lost after a crash.

The dialogs here are Qt's non-native dialog with an icon provider that names and draws files by their name
only and never opens them; symbolic links are not followed. Save dialogs always start from an absolute path:
the folder used last in this session, or the user's documents folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileInfo, QStandardPaths
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QWidget

# Types shown in the dialog's 类型 column, by file-name suffix (lower case, without the dot).
_TYPES = {
    "db": "数据库文件", "sqlite": "数据库文件", "xlsx": "Excel 工作簿", "xls": "Excel 97-2003 工作簿",
    "pdf": "PDF 文件", "docx": "Word 文档", "zip": "压缩文件", "json": "JSON 文件", "txt": "文本文件",
    "csv": "CSV 文件", "jpg": "图片", "jpeg": "图片", "png": "图片", "bmp": "图片", "gif": "图片", "tif": "图片",
    "tiff": "图片", "xlsm": "Excel 工作簿", "xlsb": "Excel 二进制工作簿", "ods": "ODS 电子表格",
}
# Every workbook the importer's reader opens (app.io.workbook.EXTENSIONS), for the dialogs that read one:
# a village's register, a 问题台账, the 后扶人口名册, the bank's 发放结果.
WORKBOOK_FILTER = "Excel 工作簿 (*.xlsx *.xlsm *.xls *.xlsb *.ods);;所有文件 (*)"

_last_folder: Path | None = None


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and types from the file name alone: never opens, reads or maps a file's contents."""

    def __init__(self) -> None:
        super().__init__()
        self.setOptions(QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)
        style = QApplication.style()
        pixmap = QStyle.StandardPixmap
        self._icons = {
            QAbstractFileIconProvider.IconType.Computer: style.standardIcon(pixmap.SP_ComputerIcon),
            QAbstractFileIconProvider.IconType.Desktop: style.standardIcon(pixmap.SP_DesktopIcon),
            QAbstractFileIconProvider.IconType.Trashcan: style.standardIcon(pixmap.SP_TrashIcon),
            QAbstractFileIconProvider.IconType.Network: style.standardIcon(pixmap.SP_DriveNetIcon),
            QAbstractFileIconProvider.IconType.Drive: style.standardIcon(pixmap.SP_DriveHDIcon),
            QAbstractFileIconProvider.IconType.Folder: style.standardIcon(pixmap.SP_DirIcon),
            QAbstractFileIconProvider.IconType.File: style.standardIcon(pixmap.SP_FileIcon),
        }
        self._link = style.standardIcon(pixmap.SP_FileLinkIcon)

    def icon(self, what) -> QIcon:  # noqa: D102 - Qt API (IconType or QFileInfo)
        kinds = QAbstractFileIconProvider.IconType
        if isinstance(what, QFileInfo):
            if what.isRoot():
                return self._icons[kinds.Drive]
            if what.isSymLink() and not what.isDir():
                return self._link
            return self._icons[kinds.Folder if what.isDir() else kinds.File]
        return self._icons.get(what, self._icons[kinds.File])

    def type(self, info: QFileInfo) -> str:  # noqa: D102 - Qt API
        if info.isRoot():
            return "驱动器"
        if info.isDir():
            return "文件夹"
        suffix = info.suffix().lower()
        if not suffix:
            return "文件"
        return _TYPES.get(suffix, f"{suffix.upper()} 文件")


def default_folder() -> Path:
    """Where a dialog starts when the caller names no folder: the folder used last, else 文档, else home."""
    if _last_folder is not None and _last_folder.is_dir():
        return _last_folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def default_save_path(name: str | Path) -> Path:
    """An absolute starting path for a save dialog: a bare file name goes into default_folder()."""
    path = Path(name)
    return path if path.is_absolute() else default_folder() / path


def make_dialog(parent: QWidget | None, title: str, start: str | Path | None, name_filter: str,
                mode: QFileDialog.FileMode, *, save: bool = False) -> QFileDialog:
    """A configured dialog (not yet shown): non-native, name-only icon provider, symbolic links not followed."""
    if save:
        start_path = default_save_path(start or "")
    else:
        start_path = Path(start) if start else default_folder()
        if not start_path.is_absolute():
            start_path = default_folder() / start_path
    if start_path.is_dir() or not (save or start_path.exists()):
        folder, name = (start_path if start_path.is_dir() else default_folder()), ""
    else:
        folder, name = start_path.parent, start_path.name
    if not folder.is_dir():  # a folder that is gone (a removed stick): start where the clerk usually works
        folder = default_folder()
    # The folder goes to the constructor: a dialog made without one first lists the working directory.
    dialog = QFileDialog(parent, title, str(folder))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setOption(QFileDialog.Option.DontResolveSymlinks, True)
    dialog.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
    provider = NameOnlyIconProvider()
    dialog.setIconProvider(provider)
    dialog._icon_provider = provider  # the dialog does not own it: keep it alive as long as the dialog
    dialog.setFileMode(mode)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    if name_filter:
        dialog.setNameFilter(name_filter)
    if name:
        dialog.selectFile(name)
    labels = ((QFileDialog.DialogLabel.Accept, "保存" if save else "打开"), (QFileDialog.DialogLabel.Reject, "取消"),
              (QFileDialog.DialogLabel.LookIn, "位置："), (QFileDialog.DialogLabel.FileName, "文件名："),
              (QFileDialog.DialogLabel.FileType, "文件类型："))
    for label, text in labels:
        dialog.setLabelText(label, text)
    return dialog


def database_file_among(paths: list[str]) -> Path | None:
    """The first of paths that is a file of a database this process has open (the database, its -wal, -shm,
    -journal or lock files), by file identity (stat only: nothing is opened)."""
    import os

    from app import dblock

    own = []
    for db_path in dblock.open_paths_here():
        own.append(db_path)
        own += [Path(f"{db_path}{s}") for s in ("-wal", "-shm", "-journal", *dblock.LOCK_SUFFIXES)]
    for chosen in paths:
        for candidate in own:
            try:
                if os.path.samefile(chosen, candidate):
                    return Path(chosen)
            except OSError:
                continue
    return None


def _run(dialog: QFileDialog, *, reading: bool = False) -> list[str]:
    global _last_folder
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return []
        chosen = [f for f in dialog.selectedFiles() if f]
    finally:
        dialog.deleteLater()
    if chosen:
        _last_folder = Path(chosen[0]).parent
    own = database_file_among(chosen) if reading else None
    if own is not None:
        # Reading it outside SQLite would, on Linux, drop the program's own locks on the database.
        from app.ui.errors import warn

        warn(dialog.parentWidget(), "不能选择这个文件",
             f"“{own.name}”是正在使用的数据库文件，不能在这里选择它。请选择其他文件。")
        return []
    return chosen


def get_save_path(parent: QWidget | None, title: str, name: str | Path, name_filter: str) -> str:
    """Ask where to save; name is a file name (put in default_folder()) or a full path. "" when cancelled."""
    chosen = _run(make_dialog(parent, title, name, name_filter, QFileDialog.FileMode.AnyFile, save=True))
    return chosen[0] if chosen else ""


def get_open_path(parent: QWidget | None, title: str, folder: str | Path | None, name_filter: str) -> str:
    """Ask for one existing file, starting in folder (default_folder() when empty). "" when cancelled."""
    chosen = _run(make_dialog(parent, title, folder, name_filter, QFileDialog.FileMode.ExistingFile), reading=True)
    return chosen[0] if chosen else ""


def get_open_paths(parent: QWidget | None, title: str, folder: str | Path | None, name_filter: str) -> list[str]:
    """Ask for one or more existing files, starting in folder (default_folder() when empty)."""
    return _run(make_dialog(parent, title, folder, name_filter, QFileDialog.FileMode.ExistingFiles), reading=True)
