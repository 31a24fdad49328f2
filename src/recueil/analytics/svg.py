"""Charts as plain SVG strings, built server-side: no JavaScript, nothing downloaded.

A few hundred lines of Python give the four chart types the analytics need (heatmap,
stacked bars, lines, and their legends) at a few kilobytes each, where a plotting
library would add megabytes of dependencies or a JavaScript runtime to every page.
Colours are colour-blind safe (a cividis-like sequential ramp for counts, Okabe–Ito for
categories); lines also differ by dash and marker, bars carry their values as text, so
the charts survive greyscale printing. Every chart has a <title> and <desc>.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

#: Okabe & Ito (2008), the categorical palette for colour-blind readers (yellow last:
#: weakest contrast on white).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
             "#000000", "#F0E442")  # fmt: skip
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
#: cividis (Nuñez, Anderton & Renslow 2018) sampled at 9 stops, light to dark.
RAMP = ("#fdea45", "#e4d349", "#c3bc56", "#a5a765", "#8a9172", "#707c75", "#58687a",
        "#3d5475", "#00204d")  # fmt: skip
FONT = "font-family=\"system-ui, 'Segoe UI', Roboto, Arial, sans-serif\""


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def ramp(t: float) -> str:
    """The sequential colour for t in [0, 1] (light → dark)."""
    t = min(max(t, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    f = t - i
    a, b = _hex(RAMP[i]), _hex(RAMP[i + 1])
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b, strict=True))


def ink_on(fill: str) -> str:
    """Black or white text, whichever reads better on `fill` (WCAG relative luminance)."""

    def lin(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in _hex(fill))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _open(uid: str, width: int, height: int, title: str, desc: str, *, role: str = "img") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{uid}" role="{role}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{uid}-t {uid}-d" {FONT} font-size="12">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
    )


def heatmap(
    uid: str,
    columns: Sequence[str],
    subtitles: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int], int]],
    *,
    vmax: int,
    href: Callable[[int, int], str | None],
    title: str,
    desc: str,
    cell_label: Callable[[int, int, int], str],
) -> str:
    """rows: (label, counts per column, depth). A cell with items links to `href(row,
    col)`; its accessible name is `cell_label(row, col, count)`."""
    label_w, cw, ch, top = 400, 46, 22, 44
    width = label_w + cw * len(columns) + 10
    height = top + ch * len(rows) + 8
    out = [_open(uid, width, height, title, desc, role="group")]
    for j, (col, sub) in enumerate(zip(columns, subtitles, strict=True)):
        x = label_w + j * cw + cw / 2
        out.append(f'<text x="{x}" y="18" text-anchor="middle" font-weight="600">'
                   f"{escape(col)}</text>")  # fmt: skip
        out.append(f'<text x="{x}" y="34" text-anchor="middle" fill="#333">{escape(sub)}</text>')
    out.append("<style>.hm rect{stroke:#bbb;stroke-width:.5}.hm text{text-anchor:middle}</style>")
    # the colour scale, in the corner above the theme labels: 1 … vmax
    steps = sorted({1, max(1, round(vmax / 4)), max(1, round(vmax / 2)), max(1, vmax)})
    out.append('<g class="hm" aria-hidden="true">')
    for k, v in enumerate(steps):
        fill = ramp(v / vmax) if vmax else "#f4f4f4"
        out.append(f'<rect x="{8 + 30 * k}" y="12" width="28" height="18" fill="{fill}"/>'
                   f'<text x="{22 + 30 * k}" y="25" fill="{ink_on(fill)}">{v}</text>')  # fmt: skip
    out.append("</g>")
    for i, (label, counts, depth) in enumerate(rows):
        y = top + i * ch
        indent = 8 + 14 * depth
        weight = "600" if depth == 0 else "400"
        short = _short(label, 52 - 2 * depth)
        tip = f"<title>{escape(label)}</title>" if short != label else ""
        out.append(
            f'<text x="{indent}" y="{y + 15}" font-weight="{weight}">{tip}{escape(short)}</text>'
        )
        # one pale band per row; cells with items drawn over it
        band = cw * len(counts) - 2
        out.append(f'<g class="hm"><rect x="{label_w + 1}" y="{y + 1}" width="{band}" '
                   f'height="{ch - 2}" fill="#f4f4f4"/>')  # fmt: skip
        for j, n in enumerate(counts):
            if not n:
                continue
            x = label_w + j * cw
            fill = ramp(n / vmax) if vmax else "#f4f4f4"
            cell = (f'<rect x="{x + 1}" y="{y + 1}" width="{cw - 2}" height="{ch - 2}" '
                    f'fill="{fill}"/><text x="{x + cw / 2:g}" y="{y + 15}" '
                    f'fill="{ink_on(fill)}">{n}</text>')  # fmt: skip
            link = href(i, j)
            if link:
                name = escape(cell_label(i, j, n))
                cell = f'<a href="{escape(link)}" aria-label="{name}">{cell}</a>'
            out.append(cell)
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _line_legend(series: Sequence[str], x0: int, y0: int) -> list[str]:
    """One legend line per series: its colour, dash and marker, then its (full) name."""
    out = []
    for k, name in enumerate(series):
        y = y0 + 18 * k
        color = OKABE_ITO[k % len(OKABE_ITO)]
        dash = DASHES[k % len(DASHES)]
        out.append(f'<line x1="{x0}" y1="{y - 4}" x2="{x0 + 22}" y2="{y - 4}" stroke="{color}" '
                   f'stroke-width="2.5" stroke-dasharray="{dash}"/>')  # fmt: skip
        out.append(_marker(k, x0 + 11, y - 4, color))
        out.append(f'<text x="{x0 + 28}" y="{y}">{escape(_short(name, 105))}</text>')
    return out


def _marker(k: int, x: float, y: float, color: str) -> str:
    shape = k % 3
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>'
    if shape == 1:
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{color}"/>'
    return (f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4.5:.1f} {y + 3.5:.1f} '
            f'L{x - 4.5:.1f} {y + 3.5:.1f} Z" fill="{color}"/>')  # fmt: skip


def stacked_bars(
    uid: str,
    categories: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[float]],
    *,
    title: str,
    desc: str,
    percent: bool = False,
    colors: Sequence[str] | None = None,
) -> str:
    """Horizontal stacked bars: one bar per category, `values[s][c]` for series s. With
    `percent` each bar is scaled to 100 % of its total."""
    label_w, bar_w, bh, gap = 110, 560, 20, 8
    legend_rows = max(1, -(-sum(7 * len(s) + 34 for s in series) // (label_w + bar_w)))
    top = 18 * legend_rows + 14
    width = label_w + bar_w + 60
    height = top + (bh + gap) * len(categories) + 24
    out = [_open(uid, width, height, title, desc)]
    palette = list(colors or OKABE_ITO)
    # legend, wrapped over as many lines as needed
    x, line, row = label_w, [], 0
    for k, name in enumerate(series):
        need = 7 * len(name) + 34
        if x + need > width and line:
            out += _legend_items(line, label_w, 16 + 18 * row, palette)
            x, line, row = label_w, [], row + 1
        line.append((k, name))
        x += need
    out += _legend_items(line, label_w, 16 + 18 * row, palette)
    totals = [sum(values[s][c] for s in range(len(series))) for c in range(len(categories))]
    scale_max = 1.0 if percent else max(totals, default=0) or 1
    for c, cat in enumerate(categories):
        y = top + c * (bh + gap)
        out.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{escape(cat)}</text>')
        x = float(label_w)
        for s in range(len(series)):
            v = values[s][c]
            if not v:
                continue
            frac = v / totals[c] if percent else v / scale_max
            w = bar_w * frac
            color = palette[s % len(palette)]
            shown = f"{round(100 * frac)} %" if percent else f"{v:g}"
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bh}" fill="{color}" '
                f'stroke="#ffffff" stroke-width="1"><title>{escape(cat)} · {escape(series[s])}: '
                f"{v:g}</title></rect>"
            )
            if w >= 8 * len(shown) + 4:
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + 14}" text-anchor="middle" '
                           f'fill="{ink_on(color)}">{shown}</text>')  # fmt: skip
            x += w
        if not percent:
            out.append(f'<text x="{x + 4:.1f}" y="{y + 14}">{totals[c]:g}</text>')
    axis_y = top + (bh + gap) * len(categories)
    out.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{axis_y}" stroke="#333"/>')
    out.append("</svg>")
    return "".join(out)


def _legend_items(
    items: list[tuple[int, str]], x0: int, y: int, palette: Sequence[str] = OKABE_ITO
) -> list[str]:
    out, x = [], x0
    for k, name in items:
        color = palette[k % len(palette)]
        out.append(f'<rect x="{x}" y="{y - 11}" width="12" height="12" fill="{color}" '
                   'stroke="#333" stroke-width="0.5"/>')  # fmt: skip
        out.append(f'<text x="{x + 16}" y="{y}">{escape(name)}</text>')
        x += 7 * len(name) + 34
    return out


def lines(
    uid: str,
    xs: Sequence[float],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    desc: str,
    y_max: float | None = None,
    percent: bool = True,
    x_labels: Sequence[str] | None = None,
) -> str:
    """A line chart over numeric x (years): each series its colour, dash and marker."""
    left, right, bottom = 56, 20, 36
    top = 22 + 18 * len(series)
    pw, ph = 640, 260
    width, height = left + pw + right, top + ph + bottom
    out = [_open(uid, width, height, title, desc)]
    out += _line_legend([name for name, _ in series], left, 18)
    values = [v for _, ys in series for v in ys if v is not None]
    y_max = y_max or (max(values, default=0) * 1.1) or 1.0
    x0, x1 = (min(xs), max(xs)) if xs else (0, 1)
    span = (x1 - x0) or 1

    def px(x: float) -> float:
        return left + (x - x0) / span * pw

    def py(y: float) -> float:
        return top + ph - y / y_max * ph

    for k in range(5):  # horizontal grid and y labels
        v = y_max * k / 4
        y = py(v)
        label = f"{round(100 * v)} %" if percent else f"{v:.2g}"
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                   'stroke="#dddddd"/>')  # fmt: skip
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    for i, x in enumerate(xs):
        label = x_labels[i] if x_labels else f"{x:g}"
        out.append(f'<text x="{px(x):.1f}" y="{top + ph + 18}" text-anchor="middle">'
                   f"{escape(label)}</text>")  # fmt: skip
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" '
               'stroke="#333"/>')  # fmt: skip
    for k, (name, ys) in enumerate(series):
        color = OKABE_ITO[k % len(OKABE_ITO)]
        pts = [(px(x), py(y), y) for x, y in zip(xs, ys, strict=True) if y is not None]
        if len(pts) > 1:
            d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y, _) in
                         enumerate(pts))  # fmt: skip
            out.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="2.5" '
                       f'stroke-dasharray="{DASHES[k % len(DASHES)]}"/>')  # fmt: skip
        for x, y, v in pts:
            shown = f"{100 * v:.1f} %" if percent else f"{v:.2g}"
            out.append(f"<g>{_marker(k, x, y, color)}<title>{escape(name)}: {shown}</title></g>")
    out.append("</svg>")
    return "".join(out)
