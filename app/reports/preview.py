"""Pages of a built PDF as PNG images, for the in-app preview and for printing, with poppler's `pdftoppm`
when it is installed (no Qt here: the GUI uses QtPdf instead when its PySide6 has it)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def pdftoppm() -> str | None:
    """Path of pdftoppm, or None when it is not installed."""
    return shutil.which("pdftoppm")


def render_pages(pdf: bytes, *, dpi: int = 80, first: int = 1, last: int | None = None) -> list[bytes]:
    """PNG bytes of pages first..last (1-based, inclusive). RuntimeError (Chinese) when pdftoppm is missing
    or fails."""
    tool = pdftoppm()
    if tool is None:
        raise RuntimeError("本机没有安装 PDF 渲染工具（pdftoppm），无法在程序内预览")
    with tempfile.TemporaryDirectory(prefix="houfu-preview-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        cmd = [tool, "-png", "-r", str(dpi), "-f", str(first)]
        if last is not None:
            cmd += ["-l", str(last)]
        try:
            subprocess.run(cmd + [str(src), str(Path(tmp) / "p")], check=True, capture_output=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            raise RuntimeError(f"PDF 页面渲染失败：{exc}") from None
        return [p.read_bytes() for p in sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))]
