"""Chinese line breaking for the PDFs (SPEC §6: 。，never begin a line): a line never starts with a closing
mark (，。、；：！？）》” …) nor ends with an opening one (（《“ …), and a run of digits or Latin letters is not
cut in two. Where the line would break before a closing mark, the character before it goes down with it
(推出), so "30天），" stays whole; only when a line holds nothing else does the mark hang at its end.

reportlab's own CJK wrap knows only a few of these marks, hangs at most one, and lets a second closing mark
("）。") or a curly quote start the next line; `Paragraph` here replaces its line breaking. No Qt."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import (
    FragLine,
    ParaLines,
    _handleBulletWidth,
    cjkU,
    makeCJKParaLine,
)
from reportlab.platypus.paragraph import (
    Paragraph as _Paragraph,
)
from reportlab.rl_config import _FUZZ

# Marks that may not begin a line (避头) and may not end one (避尾); ASCII ones for mixed text.
CLOSING = frozenset("，。、；：！？）》」』】〕〗〉］｝”’…—·～％‰℃°!),.:;?]}%")
OPENING = frozenset("（《「『【〔〖〈［｛“‘([{￥$#")
_RUN = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,-_/:+%")


def _in_run(a: str, b: str) -> bool:
    """Whether a break between a and b would cut a number or a Latin word."""
    return a in _RUN and b in _RUN


def choose_break(text: str, start: int, over: int) -> int:
    """Where the line that starts at `start` ends when character `over` no longer fits: the index the next line
    starts at, moved back so that it does not start with a closing mark, the line does not end with an
    opening one and no run is cut. Always > start (progress), hanging closing marks when nothing can move."""
    n = len(text)
    brk = over
    while True:
        before = brk
        while brk > start + 1 and brk < n and text[brk] in CLOSING:
            brk -= 1
        while brk > start + 1 and text[brk - 1] in OPENING:
            brk -= 1
        if start < brk < n and _in_run(text[brk - 1], text[brk]):
            j = brk - 1
            while j > start and text[j - 1] in _RUN:
                j -= 1
            if j > start:
                brk = j
        if brk == before:
            break
    if brk < n and text[brk] in CLOSING:  # nothing to take down with it: the marks hang at the line's end
        brk = over
        while brk < n and text[brk] in CLOSING:
            brk += 1
    return brk


def line_starts(text: str, widths: Sequence[float], max_widths: Sequence[float],
                hard: Sequence[bool] | None = None) -> list[int]:
    """The index each line starts at when `text` (one width per character) is set in lines of `max_widths`
    (the last repeats). `hard[i]` ends a line after character i (a <br/>)."""
    n = len(text)
    starts = [0]
    start = i = 0
    used = 0.0

    def room() -> float:
        k = len(starts) - 1
        return max_widths[k] if k < len(max_widths) else max_widths[-1]

    while i < n:
        used += widths[i]
        if hard is not None and hard[i]:
            i += 1
            if i < n:
                starts.append(i)
            start, used = i, 0.0
            continue
        if used > room() + _FUZZ and i > start:
            brk = choose_break(text, start, i)
            while brk < n and text[brk] == " ":  # a space at the break belongs to neither line
                brk += 1
            if brk >= n:
                break
            starts.append(brk)
            start = i = brk
            used = 0.0
            continue
        i += 1
    return starts


_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}


def _width(font: str, size: float, ch: str) -> float:
    """A character's advance, cached per font and size: a 月报 sets tens of thousands of characters."""
    table = _WIDTHS.get((font, size))
    if table is None:
        table = _WIDTHS[(font, size)] = {}
    w = table.get(ch)
    if w is None:
        w = table[ch] = stringWidth(ch, font, size)
    return w


class Paragraph(_Paragraph):
    """reportlab's Paragraph with the line breaking above for wordWrap='CJK' styles."""

    def breakLinesCJK(self, maxWidths):  # noqa: N802 (reportlab's name)
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        frags = self.frags
        if not frags:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                             lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize)
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        if auto not in ("", "off"):  # per-glyph bounds (images in the text): reportlab's own glyph objects
            return self._lines_by_glyph(frags, maxWidths)
        chars: list[str] = []
        widths: list[float] = []
        owner: list[int] = []
        hard: list[bool] = []
        for k, f in enumerate(frags):
            text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
            br = hasattr(f, "lineBreak")
            box = getattr(getattr(f, "cbDefn", None), "width", None)
            for ch in text or "\x00":  # an image or <br/> is one glyph without text
                chars.append(ch)
                widths.append(_box_width(box, maxWidths[0]) if box is not None else
                              0.0 if ch == "\x00" else _width(f.fontName, f.fontSize, ch))
                owner.append(k)
                hard.append(br)
        text = "".join(chars)
        starts = line_starts(text, widths, maxWidths, hard)
        metrics = [getAscentDescent(f.fontName, f.fontSize) for f in frags]
        lines = []
        for n, a in enumerate(starts):
            b = starts[n + 1] if n + 1 < len(starts) else len(chars)
            while b > a + 1 and text[b - 1] == " ":  # spaces at a line's end take no room
                b -= 1
            room = maxWidths[n] if n < len(maxWidths) else maxWidths[-1]
            used = sum(widths[a:b])
            words = []
            i = a
            while i < b:
                j = i
                while j < b and owner[j] == owner[i]:
                    j += 1
                f = frags[owner[i]]
                words.append(f.clone(text="".join(c for c in chars[i:j] if c != "\x00")))
                i = j
            used_frags = {owner[i] for i in range(a, b)}
            lines.append(FragLine(kind=1, extraSpace=room - used, wordCount=1, words=words,
                                  fontSize=max(frags[k].fontSize for k in used_frags),
                                  ascent=max(metrics[k][0] for k in used_frags),
                                  descent=min(metrics[k][1] for k in used_frags), maxWidth=room, currentWidth=used,
                                  lineBreak=hard[b - 1] if b > a else False))
        return ParaLines(kind=1, lines=lines)

    def _lines_by_glyph(self, frags, maxWidths):
        glyphs: list = []
        for f in frags:
            text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
            glyphs.extend(cjkU(t, f, "utf8") for t in text or [text])
        widths = []
        for g in glyphs:
            w = g.width
            widths.append(_box_width(w, maxWidths[0]) if hasattr(w, "normalizedValue") else w)
        text = "".join(str(g) or "\x00" for g in glyphs)
        hard = [hasattr(g.frag, "lineBreak") for g in glyphs]
        starts = line_starts(text, widths, maxWidths, hard)
        lines = []
        for n, a in enumerate(starts):
            b = starts[n + 1] if n + 1 < len(starts) else len(glyphs)
            room = maxWidths[n] if n < len(maxWidths) else maxWidths[-1]
            used = sum(widths[a:b])
            lines.append(makeCJKParaLine(glyphs[a:b], room, used, room - used, hard[b - 1] if b > a else False, True))
        return ParaLines(kind=1, lines=lines)


def _box_width(w, room: float) -> float:
    """An inline image's width, which may be given relative to the line."""
    if hasattr(w, "normalizedValue"):
        w._normalizer = room
        return w.normalizedValue(room)
    return float(w or 0)
