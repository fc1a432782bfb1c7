"""Inline SVG charts for the supervision report: no script, no outside resource, each an image
with a title and a description (WCAG 1.1.1) and always drawn beside a table of the same figures.
Colour is never the only cue: the series are also told apart by pattern, and the legend names them."""

from __future__ import annotations

from markupsafe import Markup, escape

# on time, late, overdue: distinguishable in greyscale and by pattern; ≥ 3:1 against white (WCAG 1.4.11)
SERIES = (("按时公示", "#1d6b38", ""), ("逾期公示", "#a14f00", "late"), ("逾期未公示", "#a3211a", "overdue"))
INK, MUTED, GRID = "#1a1a1a", "#4a4a4a", "#c8c8c8"
FONT = 'font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"'



def _defs(uid: str) -> str:
    """The patterns, with ids of this chart's own (a page holds several charts)."""
    return (f'<defs><pattern id="{uid}-late" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#a14f00"/>'
            '<rect width="2" height="6" fill="#ffffff" fill-opacity="0.45"/></pattern>'
            f'<pattern id="{uid}-overdue" width="6" height="6" patternUnits="userSpaceOnUse">'
            '<rect width="6" height="6" fill="#a3211a"/><circle cx="3" cy="3" r="1.3" fill="#ffffff" fill-opacity="0.6"/>'
            '</pattern></defs>')


def _fill(uid: str, color: str, pattern: str) -> str:
    return f"url(#{uid}-{pattern})" if pattern else color


def _open(uid: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" class="chart" aria-labelledby="{uid}-t {uid}-d" {FONT}>',
            f'<title id="{uid}-t">{escape(title)}</title>', f'<desc id="{uid}-d">{escape(desc)}</desc>']


def _legend(uid: str, x: int, y: int) -> list[str]:
    out = []
    for i, (name, color, pattern) in enumerate(SERIES):
        left = x + i * 112
        out.append(f'<rect x="{left}" y="{y - 11}" width="14" height="14" fill="{_fill(uid, color, pattern)}" stroke="{INK}" '
                   f'stroke-width="0.5"/><text x="{left + 19}" y="{y + 1}" font-size="13" fill="{INK}">{name}</text>')
    return out


def _nice(top: int) -> int:
    """A round upper bound for the axis: 1, 2, 5, 10, 20, 50 …"""
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= top:
                return step * m
        step *= 10


def short_name(name: str) -> str:
    """A department's name as a chart's axis shows it (the table beside it has the full name)."""
    return name.replace("人力资源和社会保障", "人社")


def stacked_columns(uid: str, title: str, desc: str,
                    columns: list[tuple[tuple[str, str], tuple[int, int, int]]]) -> Markup:
    """One column per period ((label, second line), (on time, late, overdue)), the three stacked,
    with a count axis."""
    left, top, plot = 44, 34, 150
    bar, gap = (26, 14) if len(columns) > 6 else (44, 36)
    width = max(left + len(columns) * (bar + gap) + 10, 380)
    height = top + plot + 60
    scale = _nice(max([sum(v) for _, v in columns] + [1]))
    out = _open(uid, width, height, title, desc) + [_defs(uid)] + _legend(uid, left, 18)
    for tick in (0, scale // 2, scale) if scale > 1 else (0, scale):
        y = top + plot - plot * tick / scale
        out.append(f'<line x1="{left - 4}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end" fill="{MUTED}">{tick}</text>')
    for i, ((label, second), values) in enumerate(columns):
        x = left + gap / 2 + i * (bar + gap)
        base = top + plot
        for (name, color, pattern), value in zip(SERIES, values):
            if value:
                h = plot * value / scale
                base -= h
                out.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar}" height="{h:.1f}" fill="{_fill(uid, color, pattern)}">'
                           f'<title>{escape(second)}{escape(label)} {name} {value}</title></rect>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot + 16}" font-size="12" text-anchor="middle" '
                   f'fill="{INK}">{escape(label)}</text>')
        if second:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot + 31}" font-size="11" text-anchor="middle" '
                       f'fill="{MUTED}">{escape(second)}</text>')
    out.append(f'<text x="{left}" y="{height - 6}" font-size="12" fill="{MUTED}">纵轴：条数</text></svg>')
    return Markup("".join(out))


def rate_bars(uid: str, title: str, desc: str, rows: list[tuple[str, int | None, str]]) -> Markup:
    """One horizontal bar per row (label, rate in per mille or None, the rate as shown), 0–100 %."""
    longest = max([len(label) for label, _, _ in rows] + [4])
    label_w, bar_w, row_h, top = 16 + 13 * min(longest, 17), 240, 26, 28  # narrow enough to stay legible on a phone
    width, height = label_w + bar_w + 64, top + row_h * len(rows) + 24
    out = _open(uid, width, height, title, desc)
    for pct in (0, 50, 100):
        x = label_w + bar_w * pct / 100
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{height - 22}" stroke="{GRID}"/>'
                   f'<text x="{x:.1f}" y="{top - 10}" font-size="12" text-anchor="middle" fill="{MUTED}">{pct}%</text>')
    for i, (label, permille, shown) in enumerate(rows):
        y = top + i * row_h
        name = label if len(label) <= 17 else label[:16] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + 17}" font-size="13" text-anchor="end" fill="{INK}">'
                   f'{escape(name)}</text>')
        if permille is not None:
            w = bar_w * permille / 1000
            out.append(f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" fill="{SERIES[0][1]}"/>')
        out.append(f'<text x="{label_w + (bar_w * permille / 1000 if permille is not None else 0) + 6:.1f}" '
                   f'y="{y + 17}" font-size="13" fill="{INK}">{escape(shown)}</text>')
    out.append(f'<text x="{label_w}" y="{height - 6}" font-size="12" fill="{MUTED}">横轴：及时率</text></svg>')
    return Markup("".join(out))
