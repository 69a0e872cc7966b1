"""Paths of the files shipped in resources/ (fonts, style sheet), found beside the package or when frozen."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def bundled_font() -> Path:
    """The bundled CJK TrueType collection used by the GUI and, as a fallback, by the PDFs."""
    return resources_dir() / "fonts" / "wqy-microhei.ttc"
