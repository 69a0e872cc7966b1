"""The Chinese fonts of every PDF, in one place (SPEC §6).

The system's SimSun / SimHei / FangSong are used when present (Windows font folder, or fontconfig's
`fc-match` elsewhere), otherwise the bundled WenQuanYi Micro Hei. Only TrueType-outline files are taken:
reportlab embeds nothing else. A character the chosen font lacks is drawn in the first available font that
has it; a character no font has is recorded in `FontSet.missing` so the caller can report it — never
silently dropped. No Qt, no database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import bundled_font

BUNDLED = "HoufuBundled"
MISSING_MARK = "□"  # printed in place of a character no font has

# role -> (Windows file, subfont index, fontconfig family names)
_SYSTEM: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "song": ("simsun.ttc", 0, ("SimSun", "宋体", "NSimSun")),
    "hei": ("simhei.ttf", 0, ("SimHei", "黑体")),
    "fang": ("simfang.ttf", 0, ("FangSong", "仿宋", "FangSong_GB2312")),
}
# Extra fonts only used to fill in characters the others lack (rare characters in names).
_EXTRA_WINDOWS = (("simsunb.ttf", 0), ("msyh.ttc", 0), ("simkai.ttf", 0))

_lock = threading.Lock()
_registered: dict[tuple[str, int], str | None] = {}  # None: tried, not usable (parsed once per process)
_matched: dict[str, Path | None] = {}


def _windows_fonts_dir() -> Path:
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


def _fc_match(family: str) -> Path | None:
    """fontconfig's file for a family, asked once per process."""
    if family in _matched:
        return _matched[family]
    found = None
    if shutil.which("fc-match") is not None:
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True,
                                 timeout=5, check=False)
            found = Path(out.stdout.strip()) if out.stdout.strip() else None
        except (OSError, subprocess.SubprocessError):
            found = None
    _matched[family] = found
    return found


def _register(path: Path, index: int) -> str | None:
    """Register a TrueType font (once per process); None when the file is absent, not TrueType outlines, or
    has no Chinese glyphs (fc-match answers with some Latin font when the family is not installed)."""
    key = (str(path), index)
    with _lock:
        if key in _registered:
            return _registered[key]
        if path.suffix.lower() not in (".ttf", ".ttc") or not path.is_file():
            return None
        name = f"Houfu{len(_registered)}" if path != bundled_font() else BUNDLED
        _registered[key] = None
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except Exception:  # CFF outlines, damaged file, unreadable: not usable, try the next
            return None
        if ord("中") not in font.face.charToGlyph:
            return None
        pdfmetrics.registerFont(font)
        _registered[key] = name
        return name


def _system_font(role: str) -> str | None:
    filename, index, families = _SYSTEM[role]
    if os.name == "nt":
        name = _register(_windows_fonts_dir() / filename, index)
        if name:
            return name
    for family in families:
        path = _fc_match(family)
        if path is not None:
            name = _register(path, 0)
            if name:
                return name
    return None


@dataclass
class FontSet:
    """The fonts of one report build: body (FangSong-like), title (Song/Hei), hei (table headers), and
    the fallback chain; `missing` collects characters no font can draw."""

    body: str
    title: str
    hei: str
    chain: list[str]
    missing: dict[str, str] = field(default_factory=dict)  # character -> text it appeared in

    def plain_fits(self, text: str, width: float, size: float) -> bool:
        """Whether text can be drawn as a plain string in the body font: every character in it, one line."""
        face = pdfmetrics.getFont(self.body).face.charToGlyph
        if not all(ord(ch) in face for ch in text):
            return False
        return pdfmetrics.stringWidth(text, self.body, size) <= width

    def has(self, font: str, ch: str) -> bool:
        return ord(ch) in pdfmetrics.getFont(font).face.charToGlyph

    def font_for(self, ch: str, preferred: str) -> str | None:
        if self.has(preferred, ch):
            return preferred
        return next((f for f in self.chain if self.has(f, ch)), None)

    def markup(self, text: object, font: str | None = None) -> str:
        """Paragraph markup for plain text: escaped, with runs the font lacks switched to a font that has
        them; characters no font has are drawn as a box (□) and recorded in `missing`."""
        s = "" if text is None else str(text)
        font = font or self.body
        out: list[str] = []
        for ch in s:
            if ch in "\n":
                out.append("<br/>")
                continue
            if ord(ch) < 128 or self.has(font, ch):
                out.append(escape(ch))
                continue
            other = self.font_for(ch, font)
            if other is None:  # drawn as a visible box, never dropped; the warning names the character
                self.missing.setdefault(ch, s)
                out.append(MISSING_MARK)
            else:
                out.append(f'<font face="{other}">{escape(ch)}</font>')
        return "".join(out)

    def check(self, text: str, font: str | None = None) -> None:
        """Record characters of text drawn outside Paragraphs (charts, page furniture) that no font has."""
        font = font or self.body
        for ch in text or "":
            if ord(ch) >= 128 and self.font_for(ch, font) is None:
                self.missing.setdefault(ch, text)

    def warnings(self) -> list[str]:
        return [f"字库中没有“{ch}”（U+{ord(ch):04X}，出现在“{ctx}”），打印出来会是方框，请核对"
                for ch, ctx in self.missing.items()]


def load_fonts(*, system: bool = True) -> FontSet:
    """The fonts for a report: system SimSun/SimHei/FangSong where present (system=False: bundled only)."""
    bundled = _register(bundled_font(), 0)
    if bundled is None:
        raise RuntimeError(f"找不到内置字体文件：{bundled_font()}")
    found = {role: (_system_font(role) if system else None) for role in _SYSTEM}
    extras = []
    if system and os.name == "nt":
        extras = [n for n in (_register(_windows_fonts_dir() / f, i) for f, i in _EXTRA_WINDOWS) if n]
    body = found["fang"] or found["song"] or bundled
    title = found["song"] or found["hei"] or bundled
    hei = found["hei"] or found["song"] or bundled
    chain: list[str] = []
    for name in (body, title, hei, *extras, bundled):
        if name not in chain:
            chain.append(name)
    return FontSet(body, title, hei, chain)
