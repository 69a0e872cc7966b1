"""Pages of a built PDF as pixels, for the in-app preview and for printing. PDFium (pypdfium2, which ships
its own library in the wheel) renders them the same on the office PC as here; no Qt in this module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PageImage:
    """One rendered page: 8-bit RGB rows of `stride` bytes."""

    width: int
    height: int
    stride: int
    rgb: bytes


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def render_pages(pdf: bytes, *, dpi: int = 80, first: int = 1, last: int | None = None) -> list[PageImage]:
    """Pages first..last (1-based, inclusive) at dpi. RuntimeError (Chinese) when the PDF cannot be read."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise RuntimeError(f"PDF 页面渲染失败：{exc}") from None
    try:
        last = len(doc) if last is None else min(last, len(doc))
        images = []
        for index in range(first - 1, last):
            page = doc[index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB order, as QImage.Format_RGB888
            images.append(PageImage(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)))
            bitmap.close()
            page.close()
        return images
    finally:
        doc.close()
