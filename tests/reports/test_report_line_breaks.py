"""Chinese line breaking in every PDF: no line begins with a closing mark (，。、；：）% …) or ends with an
opening one (（《“), whatever the width,
and no character is lost or doubled by the rule (GB/T 15834)."""

from __future__ import annotations

from app.reports.fonts import load_fonts
from app.reports.layout import NO_LINE_END, NO_LINE_START, Styles

TEXT = ("吴有（SM-0002）：种植的精品水果销路不畅（责任单位镇农业中心）。本月应走访一对一包保户1234户，已由包保干部走访1200户（上月1100户，增加100户），走访率97.2%。"
        "重点户（三特户或三无户）88户，已落实一对一包保80户，覆盖率90.9%；未落实8户（上月9户，减少1户）。")


def _lines(width: float) -> list[str]:
    st = Styles(load_fonts(system=False))
    p = st.p(TEXT, st.body)
    p.wrap(width, 10_000)
    return ["".join(w if isinstance(w, str) else w.text for w in line[1]) for line in p.blPara.lines]


def test_no_line_starts_with_a_closing_mark_at_any_width():
    starts = []
    for width in range(200, 470, 3):
        lines = _lines(width)
        assert "".join(lines) == TEXT
        starts += [(width, line) for line in lines[1:] if line[0] in NO_LINE_START]
        starts += [(width, line) for line in lines[:-1] if line[-1] in NO_LINE_END]
    assert starts == []


def test_two_closing_marks_take_the_character_before_them_to_the_next_line():
    """Where ReportLab alone hangs "）" in the margin and starts the next line with "。", the character before
    the marks goes down with them."""
    from app.reports import layout

    fonts = load_fonts(system=False)
    style = Styles(fonts).body
    doubled = []
    for width in range(200, 470, 3):
        plain = [t for _s, t in layout._plain_split(TEXT, [width - style.firstLineIndent, width],
                                                    style.fontName, style.fontSize)]
        if any(a[-1] in NO_LINE_START and b[0] in NO_LINE_START for a, b in zip(plain, plain[1:])):
            doubled.append(width)
            lines = _lines(width)
            assert all(line[0] not in NO_LINE_START for line in lines[1:]), (width, lines)
    assert doubled  # the text does reach the case at some widths
