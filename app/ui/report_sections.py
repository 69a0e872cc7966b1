"""The 月报's text, section by section, for the clerk to edit before printing (plain text boxes filled with
the draft, a 重新生成 button per section), the name that files it, and how the month stands against its
filing (version, and what changed since, figure by figure)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import report_text
from app.ui.widgets import primary_button


class SectionEditor(QWidget):
    """Tabs of the four sections; emits `save_requested` and `file_requested` for the page to act on."""

    save_requested = Signal()
    file_requested = Signal()
    current_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drafts: dict[str, str] = {}
        self.boxes: dict[str, QPlainTextEdit] = {}
        self.redraft_buttons: dict[str, QPushButton] = {}
        self.tabs = QTabWidget()
        for key, title in report_text.SECTIONS:
            box = QPlainTextEdit()
            box.setObjectName(f"section_{key}")
            box.setPlaceholderText("生成月报后，这里是根据台账起草的文字，可直接修改；每行一段。")
            redraft = QPushButton("重新生成")
            redraft.setObjectName(f"redraft_{key}")
            redraft.setToolTip("放弃本节的修改，按台账重新起草")
            redraft.clicked.connect(lambda _=False, k=key: self.redraft(k))
            tab = QWidget()
            lay = QVBoxLayout(tab)
            lay.setContentsMargins(4, 4, 4, 4)
            lay.addWidget(box, 1)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(redraft)
            lay.addLayout(row)
            self.tabs.addTab(tab, title.split("、", 1)[-1])
            self.boxes[key] = box
            self.redraft_buttons[key] = redraft

        self.save_button = QPushButton("保存修改并刷新预览")
        self.save_button.clicked.connect(self.save_requested.emit)
        self.filer = QLineEdit()
        self.filer.setPlaceholderText("报送人姓名")
        self.filer.setMaximumWidth(120)
        self.file_button = primary_button("报送…")
        self.file_button.clicked.connect(self.file_requested.emit)
        self.current = QCheckBox("按现在的数据预览")
        self.current.setToolTip("已报送的月份默认显示报送时的版本；勾选后按现在的台账重新生成（可报送更正版）")
        self.current.toggled.connect(self.current_toggled.emit)
        self.filing = QLabel("本月尚未报送。")
        self.filing.setWordWrap(True)
        self.changes = QListWidget()
        self.changes.setObjectName("changesSinceFiling")
        self.changes_box = QGroupBox("报送后的变化")
        box_lay = QVBoxLayout(self.changes_box)
        box_lay.setContentsMargins(4, 4, 4, 4)
        box_lay.addWidget(self.changes)
        self.changes_box.setVisible(False)

        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        filing = QHBoxLayout()
        filing.addWidget(QLabel("报送人："))
        filing.addWidget(self.filer)
        filing.addWidget(self.file_button)
        filing.addWidget(self.current)
        filing.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 3)
        layout.addLayout(actions)
        layout.addLayout(filing)
        layout.addWidget(self.filing)
        layout.addWidget(self.changes_box, 1)
        self.set_enabled(False)

    def set_enabled(self, enabled: bool) -> None:
        for w in (self.tabs, self.save_button, self.file_button):
            w.setEnabled(enabled)

    def load(self, texts: dict[str, str], drafts: dict[str, str]) -> None:
        """Fill the boxes with the text that prints, remembering each draft for 重新生成."""
        self.drafts = dict(drafts)
        for key, box in self.boxes.items():
            box.setPlainText(texts.get(key, ""))

    def texts(self) -> dict[str, str]:
        return {key: box.toPlainText() for key, box in self.boxes.items()}

    def redraft(self, key: str) -> None:
        self.boxes[key].setPlainText(self.drafts.get(key, ""))

    def show_filing(self, filed, changes, *, current: bool) -> None:
        """The month's filing: its latest version, whether the preview is that version, and what changed."""
        if filed is None:
            self.filing.setText("本月尚未报送。")
            self.file_button.setText("报送…")
        else:
            shown = "预览为按现在数据生成的版本。" if current else "预览为已报送的版本。"
            self.filing.setText(f"已报送第{filed.version}版（{filed.kind}，{filed.filed_at:%Y-%m-%d %H:%M}，"
                                f"{filed.filed_by}）。{shown}")
            self.file_button.setText("报送更正版…")
        self.current.setVisible(filed is not None)
        self.changes.clear()
        for c in changes:
            self.changes.addItem(c.label if c.filed is None and c.now is None
                                 else f"{c.label}：报送时 {c.filed} → 现在 {c.now}")
        if filed is not None and not changes:
            self.changes.addItem("报送以来数字和文字均无变化。")
        self.changes_box.setVisible(filed is not None)
