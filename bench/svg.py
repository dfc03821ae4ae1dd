"""A small inline-SVG chart generator for the benchmark dashboard.

Written here rather than taken from a plotting library because the report
must be one self-contained page with no network and no scripts, and Debian's
plotting packages (matplotlib) bring a large dependency for a few simple
chart types. Every chart is an <svg class="chart" data-chart="ID"> element
with a <title>, so tests can count them.
"""

import math
from html import escape

PALETTE = ["#3b6ea5", "#d9822b", "#2e8b57", "#a23b72", "#6b5b95", "#c0392b", "#7f8c8d", "#b8860b"]
FONT = 'font-family="sans-serif" font-size="11"'


def color(i):
    return PALETTE[i % len(PALETTE)]


def fmt_ns(ns):
    """A duration in ns as a short human figure."""
    if ns is None or ns != ns:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if abs(ns) >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


class Axis:
    """Maps data values to pixels, linear or log10."""

    def __init__(self, lo, hi, p0, p1, log=False):
        if log:
            lo = max(lo, 1e-12)
            hi = max(hi, lo * 1.0001)
            self.lo, self.hi = math.log10(lo), math.log10(hi)
        else:
            if hi <= lo:
                hi = lo + 1
            self.lo, self.hi = lo, hi
        self.p0, self.p1, self.log = p0, p1, log

    def __call__(self, v):
        if self.log:
            v = math.log10(max(v, 1e-12))
        return self.p0 + (v - self.lo) / (self.hi - self.lo) * (self.p1 - self.p0)

    def ticks(self):
        if self.log:
            # decades, and 2 and 5 within them when the axis spans few decades
            steps = (1, 2, 5) if self.hi - self.lo < 2.5 else (1,)
            out = []
            for e in range(math.floor(self.lo), math.ceil(self.hi) + 1):
                for m in steps:
                    v = m * 10.0 ** e
                    if self.lo - 1e-9 <= math.log10(v) <= self.hi + 1e-9:
                        out.append(v)
            return out
        step = 10 ** math.floor(math.log10((self.hi - self.lo) / 4 or 1))
        for m in (1, 2, 5, 10):
            if (self.hi - self.lo) / (step * m) <= 6:
                step *= m
                break
        t = math.ceil(self.lo / step) * step
        out = []
        while t <= self.hi + 1e-9:
            out.append(t)
            t += step
        return out


def _open(chart_id, width, height, title):
    return [f'<svg class="chart" data-chart="{escape(chart_id)}" xmlns="http://www.w3.org/2000/svg" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}">', f"<title>{escape(title)}</title>",
            f'<text x="4" y="13" {FONT} font-weight="bold">{escape(title)}</text>']


def _x_axis(out, xa, grid_top, grid_bottom, labels_y, xfmt, xlabel, label_x):
    """Vertical tick lines from grid_top to grid_bottom, their labels, and
    the axis title."""
    for t in xa.ticks():
        x = xa(t)
        out.append(f'<line x1="{x:.1f}" y1="{grid_top}" x2="{x:.1f}" y2="{grid_bottom}" stroke="#ddd"/>'
                   f'<text x="{x:.1f}" y="{labels_y}" {FONT} text-anchor="middle">{escape(xfmt(t))}</text>')
    out.append(f'<text x="{label_x}" y="{labels_y + 14}" {FONT} text-anchor="middle">{escape(xlabel)}</text>')


def _nice(v):
    if v >= 1e6 or (0 < v < 1e-2):
        return f"{v:.0e}"
    return f"{v:g}"


def line_chart(chart_id, title, series, xlabel="", ylabel="", xlog=False, ylog=False,
               width=360, height=220, xfmt=_nice, yfmt=_nice, marks=None, hlines=None):
    """series: [(name, [(x, y), ...], color or None)]; marks: [(x, y, label)]
    drawn as circles; hlines: [(y, label, color)]."""
    pts = [p for _, ps, _ in series for p in ps]
    ys = [p[1] for p in pts] + [h[0] for h in (hlines or [])]
    if not pts:
        out = _open(chart_id, width, 40, title)
        out.append(f'<text x="4" y="30" {FONT}>no data</text></svg>')
        return "".join(out)
    left, right, top, bottom = 56, 24, 22, 36
    legend_h = 14 * ((len(series) + 2) // 3)
    height += legend_h
    xa = Axis(min(p[0] for p in pts), max(p[0] for p in pts), left, width - right, xlog)
    ya = Axis(min(ys) if not ylog else min(ys), max(ys), height - bottom - legend_h, top, ylog)
    if not ylog and min(ys) > 0:
        ya = Axis(0, max(ys) * 1.05, height - bottom - legend_h, top, False)
    out = _open(chart_id, width, height, title)
    y0 = height - bottom - legend_h
    out.append(f'<line x1="{left}" y1="{y0}" x2="{width - right}" y2="{y0}" stroke="#888"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y0}" stroke="#888"/>')
    _x_axis(out, xa, y0, y0 + 3, y0 + 14, xfmt, xlabel, (left + width - right) / 2)
    for t in ya.ticks():
        y = ya(t)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eee"/>'
                   f'<text x="{left - 3}" y="{y + 4:.1f}" {FONT} text-anchor="end">{escape(yfmt(t))}</text>')
    out.append(f'<text x="10" y="{(top + y0) / 2}" {FONT} text-anchor="middle" '
               f'transform="rotate(-90 10 {(top + y0) / 2})">{escape(ylabel)}</text>')
    for y, label, c in hlines or []:
        py = ya(y)
        out.append(f'<line x1="{left}" y1="{py:.1f}" x2="{width - right}" y2="{py:.1f}" stroke="{c}" '
                   f'stroke-dasharray="4 3"><title>{escape(label)}</title></line>')
    for i, (name, ps, c) in enumerate(series):
        c = c or color(i)
        path = " ".join(f"{xa(x):.1f},{ya(y):.1f}" for x, y in ps)
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="1.6" points="{path}">'
                   f'<title>{escape(name)}</title></polyline>')
        if len(ps) <= 40:
            for x, y in ps:
                out.append(f'<circle cx="{xa(x):.1f}" cy="{ya(y):.1f}" r="2" fill="{c}">'
                           f'<title>{escape(name)}: {escape(xfmt(x))}, {escape(yfmt(y))}</title></circle>')
    for x, y, label in marks or []:
        out.append(f'<circle cx="{xa(x):.1f}" cy="{ya(y):.1f}" r="5" fill="none" stroke="#c00" '
                   f'stroke-width="1.5"><title>{escape(label)}</title></circle>')
    for i, (name, _, c) in enumerate(series):
        lx = left + (i % 3) * ((width - left) // 3)
        ly = height - legend_h + 14 * (i // 3) + 4
        out.append(f'<rect x="{lx}" y="{ly - 8}" width="10" height="3" fill="{c or color(i)}"/>'
                   f'<text x="{lx + 14}" y="{ly}" {FONT}>{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def dot_rows(chart_id, title, rows, names, xlabel, width=640, log=True, xfmt=_nice):
    """One row per label; rows: [(label, [(series_index, median, lo, hi) ...])],
    names: series names. A dot per series at its median, a whisker lo..hi."""
    vals = [v for _, ds in rows for _, m, lo, hi in ds for v in (m, lo, hi) if v and v > 0]
    left, right, top, row_h = 230, 12, 22, 13
    height = top + row_h * len(rows) + 34 + 14
    out = _open(chart_id, width, height, title)
    if not vals:
        out.append("</svg>")
        return "".join(out)
    xa = Axis(min(vals) * 0.8, max(vals) * 1.25, left, width - right, log)
    y_end = top + row_h * len(rows)
    _x_axis(out, xa, top, y_end, y_end + 12, xfmt, xlabel, (left + width) / 2)
    for r, (label, ds) in enumerate(rows):
        y = top + row_h * r + row_h / 2
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" {FONT} text-anchor="end">{escape(label)}</text>')
        for si, m, lo, hi in ds:
            if not m or m <= 0:
                continue
            c = color(si)
            if lo and hi and lo > 0:
                out.append(f'<line x1="{xa(lo):.1f}" y1="{y:.1f}" x2="{xa(hi):.1f}" y2="{y:.1f}" stroke="{c}"/>')
            out.append(f'<circle cx="{xa(m):.1f}" cy="{y:.1f}" r="3" fill="{c}"><title>{escape(label)} '
                       f'{escape(names[si])}: {escape(xfmt(m))}</title></circle>')
    for i, n in enumerate(names):
        lx = left + i * 110
        out.append(f'<circle cx="{lx}" cy="{height - 8}" r="3" fill="{color(i)}"/>'
                   f'<text x="{lx + 6}" y="{height - 4}" {FONT}>{escape(n)}</text>')
    out.append("</svg>")
    return "".join(out)


def hbar(chart_id, value, vmax, width=160, height=10, fill="#3b6ea5", label=""):
    """A single inline bar (for table cells)."""
    w = 0 if not vmax else max(1, int(width * min(value, vmax) / vmax))
    return (f'<svg class="chart bar" data-chart="{escape(chart_id)}" width="{width}" height="{height}">'
            f'<title>{escape(label)}</title><rect width="{w}" height="{height}" fill="{fill}"/></svg>')


def sparkline(chart_id, values, flags=None, width=120, height=22):
    """A trend across runs: values in run order (None: absent); flags:
    indices drawn red (a change beyond the noise)."""
    pts = [(i, v) for i, v in enumerate(values) if v]
    out = [f'<svg class="chart spark" data-chart="{escape(chart_id)}" width="{width}" height="{height}">',
           f"<title>{escape(chart_id)}</title>"]
    if len(pts) >= 1:
        lo = min(v for _, v in pts)
        hi = max(v for _, v in pts)
        xa = Axis(0, max(1, len(values) - 1), 3, width - 3)
        ya = Axis(lo * 0.98, hi * 1.02 if hi > lo else lo * 1.02 + 1e-9, height - 3, 3)
        out.append('<polyline fill="none" stroke="#3b6ea5" stroke-width="1.2" points="'
                   + " ".join(f"{xa(i):.1f},{ya(v):.1f}" for i, v in pts) + '"/>')
        for i, v in pts:
            if flags and i in flags:
                out.append(f'<circle cx="{xa(i):.1f}" cy="{ya(v):.1f}" r="2.5" fill="#c00"/>')
    out.append("</svg>")
    return "".join(out)
