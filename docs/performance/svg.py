"""Bar and line charts as SVG text, with the Python standard library only (render.py draws the performance
page's plots with these). Output is deterministic: the same data gives the same bytes."""

from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple
from xml.sax.saxutils import escape

# Colour-blind-safe palette (Okabe-Ito), one colour per series.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = 'font-family="sans-serif"'

Series = Tuple[str, Sequence[Optional[float]]]


def fmt(v: float) -> str:
    """A short label for an axis tick or a bar value."""
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e9:
        return f"{v / 1e9:.3g} G"
    if a >= 1e6:
        return f"{v / 1e6:.3g} M"
    if a >= 1e4:
        return f"{v / 1e3:.3g} k"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}".rstrip("0").rstrip(".")
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _p(x: float) -> str:
    return f"{x:.1f}"


class Axis:
    """Maps values to pixels between lo and hi (linear, or log10 when log)."""

    def __init__(self, values: List[float], lo_px: float, hi_px: float, log: bool, zero: bool, ref: Optional[float]):
        vals = [v for v in values if v is not None and (v > 0 or not log)]
        if ref is not None:
            vals.append(ref)
        if not vals:
            vals = [1.0]
        self.log = log
        self.lo_px, self.hi_px = lo_px, hi_px
        if log:
            self.vmin = 10 ** math.floor(math.log10(min(vals)))
            self.vmax = 10 ** math.ceil(math.log10(max(vals)))
            if self.vmax <= self.vmin:
                self.vmax = self.vmin * 10
        else:
            self.vmin = 0.0 if zero else min(vals)
            top = max(vals)
            step = self._step((top - self.vmin) / 5 or 1)
            self.vmax = math.ceil(top / step) * step
            if self.vmax <= self.vmin:
                self.vmax = self.vmin + step

    @staticmethod
    def _step(raw: float) -> float:
        e = 10 ** math.floor(math.log10(raw))
        for m in (1, 2, 2.5, 5, 10):
            if m * e >= raw:
                return m * e
        return 10 * e

    def px(self, v: float) -> float:
        if self.log:
            v = max(v, self.vmin)
            f = (math.log10(v) - math.log10(self.vmin)) / (math.log10(self.vmax) - math.log10(self.vmin))
        else:
            f = (v - self.vmin) / (self.vmax - self.vmin)
        return self.lo_px + f * (self.hi_px - self.lo_px)

    def ticks(self) -> List[float]:
        if self.log:
            decades = round(math.log10(self.vmax / self.vmin))
            steps = (1, 2, 5) if decades <= 2 else (1,)
            out, v = [], self.vmin
            while v <= self.vmax * 1.0001:
                out += [round(v * s, 12) for s in steps if v * s <= self.vmax * 1.0001]
                v *= 10
            return out
        step = self._step((self.vmax - self.vmin) / 5)
        out, v = [], self.vmin
        while v <= self.vmax + step / 1000:
            out.append(round(v, 10))
            v += step
        return out


def _frame(width: int, height: int, title: str) -> List[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{width / 2:.0f}" y="22" text-anchor="middle" font-size="15" font-weight="bold" {FONT}>{escape(title)}</text>',
    ]


def _legend(out: List[str], names: Sequence[str], x: float, y: float) -> None:
    for i, name in enumerate(names):
        c = COLOURS[i % len(COLOURS)]
        out.append(f'<rect x="{_p(x)}" y="{_p(y + 18 * i - 9)}" width="12" height="12" fill="{c}"/>')
        out.append(f'<text x="{_p(x + 17)}" y="{_p(y + 18 * i + 1)}" font-size="12" {FONT}>{escape(name)}</text>')


def _y_axis(out: List[str], axis: Axis, left: float, right: float, label: str, top: float, bottom: float) -> None:
    for t in axis.ticks():
        y = axis.px(t)
        out.append(f'<line x1="{_p(left)}" y1="{_p(y)}" x2="{_p(right)}" y2="{_p(y)}" stroke="#dddddd"/>')
        out.append(f'<text x="{_p(left - 6)}" y="{_p(y + 4)}" text-anchor="end" font-size="11" {FONT}>{fmt(t)}</text>')
    mid = (top + bottom) / 2
    out.append(f'<text x="16" y="{_p(mid)}" text-anchor="middle" font-size="12" {FONT} '
               f'transform="rotate(-90 16 {_p(mid)})">{escape(label)}</text>')
    out.append(f'<line x1="{_p(left)}" y1="{_p(top)}" x2="{_p(left)}" y2="{_p(bottom)}" stroke="#333333"/>')
    out.append(f'<line x1="{_p(left)}" y1="{_p(bottom)}" x2="{_p(right)}" y2="{_p(bottom)}" stroke="#333333"/>')


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series], ylabel: str, log: bool = False,
              ref: Optional[float] = None, ref_label: str = "") -> str:
    """Grouped vertical bars: one group per category, one bar per series (None: no bar, "n/a" written).
    ref draws a dashed horizontal line at that value (e.g. a ratio of 1)."""
    n_cat, n_ser = len(categories), max(1, len(series))
    legend_w = 20 + 7 * max([len(s[0]) for s in series] + [len(ref_label)])
    left, top, bottom_pad = 70, 40, 90
    plot_w = max(360, n_cat * (n_ser * 16 + 18))
    width, height = int(left + plot_w + 20 + legend_w), 380
    bottom = height - bottom_pad
    right = left + plot_w
    values = [v for _, vs in series for v in vs if v is not None]
    axis = Axis(values, bottom, top, log, zero=True, ref=ref)
    out = _frame(width, height, title)
    _y_axis(out, axis, left, right, ylabel, top, bottom)
    group = plot_w / max(1, n_cat)
    bar = min(22.0, (group - 12) / n_ser)
    # ratio charts grow up or down from the reference line; others from the axis
    base = axis.px(ref) if (log and ref is not None) else bottom if not log else axis.px(axis.vmin)
    for ci, cat in enumerate(categories):
        gx = left + ci * group + (group - bar * n_ser) / 2
        for si, (_, vs) in enumerate(series):
            v = vs[ci] if ci < len(vs) else None
            x = gx + si * bar
            if v is None or (log and v <= 0):
                out.append(f'<text x="{_p(x + bar / 2)}" y="{_p(bottom - 4)}" text-anchor="middle" font-size="8" '
                           f'fill="#777777" {FONT}>n/a</text>')
                continue
            y = axis.px(v)
            c = COLOURS[si % len(COLOURS)]
            h = max(abs(base - y), 2.0)  # a ratio of about 1 still shows as a thin bar
            top_y = min(y, base) if abs(base - y) >= 2.0 else base - 1.0
            out.append(f'<rect x="{_p(x)}" y="{_p(top_y)}" width="{_p(bar - 1)}" height="{_p(h)}" '
                       f'fill="{c}"><title>{escape(series[si][0])}: {fmt(v)}</title></rect>')
        cx = left + ci * group + group / 2
        out.append(f'<text x="{_p(cx)}" y="{_p(bottom + 14)}" text-anchor="end" font-size="11" {FONT} '
                   f'transform="rotate(-35 {_p(cx)} {_p(bottom + 14)})">{escape(cat)}</text>')
    if ref is not None:
        y = axis.px(ref)
        out.append(f'<line x1="{_p(left)}" y1="{_p(y)}" x2="{_p(right)}" y2="{_p(y)}" stroke="#C00000" '
                   f'stroke-dasharray="6 4"/>')
    names = [s[0] for s in series]
    _legend(out, names, right + 14, top + 10)
    if ref is not None and ref_label:
        ly = top + 10 + 18 * len(names)
        out.append(f'<line x1="{_p(right + 14)}" y1="{_p(ly - 3)}" x2="{_p(right + 26)}" y2="{_p(ly - 3)}" '
                   f'stroke="#C00000" stroke-dasharray="4 2"/>')
        out.append(f'<text x="{_p(right + 31)}" y="{_p(ly + 1)}" font-size="12" {FONT}>{escape(ref_label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def line_chart(title: str, xs: Sequence[float], series: Sequence[Series], xlabel: str, ylabel: str,
               logx: bool = False, logy: bool = False, zero: bool = True) -> str:
    """Lines with markers over shared x values (None: a gap)."""
    legend_w = 20 + 7 * max(len(s[0]) for s in series)
    left, top, bottom_pad, plot_w = 70, 40, 60, 440
    width, height = int(left + plot_w + 20 + legend_w), 360
    bottom, right = height - bottom_pad, left + plot_w
    values = [v for _, vs in series for v in vs if v is not None]
    yaxis = Axis(values, bottom, top, logy, zero=zero, ref=None)
    xaxis = Axis(list(xs), left + 10, right - 10, logx, zero=False, ref=None)
    xaxis.vmin, xaxis.vmax = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1  # the data's own span
    out = _frame(width, height, title)
    _y_axis(out, yaxis, left, right, ylabel, top, bottom)
    for x in xs:
        px = xaxis.px(x)
        out.append(f'<line x1="{_p(px)}" y1="{_p(bottom)}" x2="{_p(px)}" y2="{_p(bottom + 4)}" stroke="#333333"/>')
        out.append(f'<text x="{_p(px)}" y="{_p(bottom + 17)}" text-anchor="middle" font-size="11" {FONT}>{fmt(x)}</text>')
    out.append(f'<text x="{_p((left + right) / 2)}" y="{_p(bottom + 38)}" text-anchor="middle" font-size="12" '
               f'{FONT}>{escape(xlabel)}</text>')
    for si, (name, vs) in enumerate(series):
        c = COLOURS[si % len(COLOURS)]
        pts = [(xaxis.px(x), yaxis.px(v), v) for x, v in zip(xs, vs) if v is not None and (v > 0 or not logy)]
        if len(pts) > 1:
            path = " ".join(f"{_p(x)},{_p(y)}" for x, y, _ in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"/>')
        for x, y, v in pts:
            out.append(f'<circle cx="{_p(x)}" cy="{_p(y)}" r="3.5" fill="{c}"><title>{escape(name)}: {fmt(v)}</title></circle>')
    _legend(out, [s[0] for s in series], right + 14, top + 10)
    out.append("</svg>")
    return "\n".join(out) + "\n"
