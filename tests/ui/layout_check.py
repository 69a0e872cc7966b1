"""Finding what the clerk cannot read on a window: a label, button, check box, field text or placeholder whose
text is wider than the widget (font metrics against geometry), a widget lying outside its window, and a
visible table column whose header text is cut or that lies beyond the table's right edge."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTabBar,
    QTableView,
    QToolButton,
    QWidget,
)

SLACK = 2  # pixels of rounding
HEADER_PADDING = 12  # the style sheet's padding either side of a header's text


def _plain(label: QLabel) -> str:
    text = label.text()
    if label.textFormat() == Qt.TextFormat.RichText or (label.textFormat() == Qt.TextFormat.AutoText
                                                         and "<" in text and ">" in text):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _in_item_view(w: QWidget) -> bool:
    p = w.parentWidget()
    while p is not None:
        if isinstance(p, QAbstractItemView):
            return True
        p = p.parentWidget()
    return False


def _clip_rect(w: QWidget, window: QWidget) -> QRect:
    """The part of the window a widget can be seen in: its window, or the viewport of the scroll area
    that holds it (content there scrolls into view)."""
    p = w.parentWidget()
    while p is not None and p is not window:
        if isinstance(p.parentWidget(), QAbstractScrollArea) and p is p.parentWidget().viewport():
            return QRect()  # scrolls: reachable
        p = p.parentWidget()
    return window.rect()


def _name(w: QWidget, text: str) -> str:
    return f"{type(w).__name__}{'#' + w.objectName() if w.objectName() else ''}「{text[:30]}」"


def problems(window: QWidget) -> list[str]:
    """Every cut or misplaced piece of text on the visible part of window."""
    out: list[str] = []
    for w in window.findChildren(QWidget):
        if not w.isVisible() or w.window() is not window or _in_item_view(w) or w.width() <= 0:
            continue
        fm = w.fontMetrics()
        text = ""
        if isinstance(w, QLabel):
            if w.wordWrap() or w.pixmap() is not None and not w.pixmap().isNull():
                text = ""
            else:
                text = _plain(w).split("\n")
                text = max(text, key=fm.horizontalAdvance) if text else ""
                room = w.contentsRect().width() - 2 * w.margin() - w.indent() if w.indent() > 0 else \
                    w.contentsRect().width() - 2 * w.margin()
                if text and fm.horizontalAdvance(text) > room + SLACK:
                    out.append(f"文字被截断：{_name(w, text)} 需 {fm.horizontalAdvance(text)}px，只有 {room}px")
        elif isinstance(w, (QPushButton, QCheckBox, QRadioButton, QToolButton)) and not isinstance(w.parentWidget(), QTabBar):
            text = w.text().replace("&", "")
            if text and w.width() + SLACK < w.minimumSizeHint().width() and w.width() + SLACK < w.sizeHint().width():
                out.append(f"按钮文字被截断：{_name(w, text)} 需 {w.sizeHint().width()}px，只有 {w.width()}px")
        elif isinstance(w, QLineEdit):
            shown = w.text() or w.placeholderText()
            room = w.width() - 12 - (20 if w.isClearButtonEnabled() else 0)
            if shown and not w.text() and fm.horizontalAdvance(shown) > room + SLACK:
                out.append(f"提示文字被截断：{_name(w, shown)} 需 {fm.horizontalAdvance(shown)}px，只有 {room}px")
            text = shown
        if isinstance(w, (QLabel, QAbstractButton, QLineEdit, QComboBox, QTableView)):
            clip = _clip_rect(w, window)
            if not clip.isNull():
                top_left = w.mapTo(window, QPoint(0, 0))
                rect = QRect(top_left, w.size())
                if not clip.contains(rect) and rect.width() > 4 and rect.height() > 4:
                    out.append(f"超出窗口：{_name(w, text)} 位于 {rect.getRect()}，窗口 {clip.getRect()}")
        if isinstance(w, QTableView) and w.model() is not None:
            out += _table_problems(w)
    return out


def _table_problems(view: QTableView) -> list[str]:
    out = []
    header: QHeaderView = view.horizontalHeader()
    if not header.isVisible():
        return out
    fm = header.fontMetrics()
    width = view.viewport().width()
    for c in range(header.count()):
        if header.isSectionHidden(c):
            continue
        text = view.model().headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        text = "" if text is None else str(text)
        size = header.sectionSize(c)
        left = header.sectionViewportPosition(c)
        if text and fm.horizontalAdvance(text) > size - HEADER_PADDING + SLACK:
            out.append(f"表头被截断：{_name(view, text)} 需 {fm.horizontalAdvance(text)}px，只有 {size}px")
        if left + size > width + SLACK and view.horizontalScrollBar().value() == 0:
            out.append(f"列在表格右边之外：{_name(view, text)}（{left}+{size} > {width}）")
    return out
