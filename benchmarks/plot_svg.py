#!/usr/bin/env python3
"""Draw the growth figures of ``bench_scale.py`` as a hand-written SVG.

    python benchmarks/plot_svg.py FIGURES.json OUT.svg

FIGURES.json is the file ``bench_scale.py --plot OUT.svg`` writes next to
the plot (``OUT.json``), or the whole ``bench_scale.py --json`` output: the
``growth`` list is read from either. Two log-log panels side by side:
seconds against documents (provlint cold median, the bare read loop) and
peak memory against documents (largest process, and the sampled sum over
the process tree when there is one), each with a dashed line of slope 1
through the smallest size: a series parallel to it grows linearly. The
memory targets are drawn as open diamonds. Only the standard library is
used, and the output has no scripts or external references.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 960, 480
PANEL_W, PANEL_H = 360, 270
MARGIN_L, MARGIN_T = 80, 60
GAP = 120
COLORS = ("#1f5fa8", "#c0392b", "#2e8b57", "#7f6a00")
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


def _fmt_count(x: float) -> str:
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            v = x / div
            return f"{v:g}{suffix}"
    return f"{x:g}"


def _fmt_value(x: float) -> str:
    if x >= 1:
        return f"{x:g}"
    return f"{x:.3g}"


def _log_range(values: Sequence[float], pad: float = 1.4) -> tuple[float, float]:
    """A log axis range covering ``values`` with a margin of a factor ``pad``."""
    vals = [v for v in values if v > 0]
    lo, hi = min(vals) / pad, max(vals) * pad
    return lo, max(hi, lo * 10)


def _ticks(lo: float, hi: float) -> list[tuple[float, bool, bool]]:
    """(value, major, labelled) ticks for a log axis from lo to hi: powers of
    ten are major, 2 and 5 times them minor (every integer multiple when the
    range is under a decade and a half)."""
    span = math.log10(hi / lo)
    mults = (1, 2, 5) if span > 1.2 else tuple(range(1, 10))
    out: list[tuple[float, bool, bool]] = []
    for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m in mults:
            v = m * 10.0**e
            if lo <= v <= hi:
                out.append((v, m == 1, m == 1 or (span <= 3.2 and m in (1, 2, 5))))
    return out


class Panel:
    def __init__(self, x0: float, y0: float, xr: tuple[float, float], yr: tuple[float, float]):
        self.x0, self.y0 = x0, y0
        self.xr, self.yr = xr, yr

    def px(self, x: float) -> float:
        lo, hi = self.xr
        return self.x0 + PANEL_W * math.log10(x / lo) / math.log10(hi / lo)

    def py(self, y: float) -> float:
        lo, hi = self.yr
        return self.y0 + PANEL_H - PANEL_H * math.log10(y / lo) / math.log10(hi / lo)


def _panel(
    out: list[str],
    panel: Panel,
    title: str,
    ylabel: str,
    series: list[tuple[str, list[tuple[float, float]], str]],
    reference: tuple[float, float] | None,
    targets: list[tuple[float, float, str]],
) -> None:
    x0, y0 = panel.x0, panel.y0
    out.append(
        f"<rect x='{x0}' y='{y0}' width='{PANEL_W}' height='{PANEL_H}' fill='white' stroke='#444'/>"
    )
    out.append(
        f"<text x='{x0 + PANEL_W / 2}' y='{y0 - 12}' text-anchor='middle' "
        f"font-size='14' font-weight='bold' {FONT}>{escape(title)}</text>"
    )
    for v, major, labelled in _ticks(*panel.xr):
        x = panel.px(v)
        out.append(
            f"<line x1='{x:.1f}' y1='{y0}' x2='{x:.1f}' y2='{y0 + PANEL_H}' "
            f"stroke='{'#ddd' if major else '#f0f0f0'}'/>"
        )
        out.append(
            f"<line x1='{x:.1f}' y1='{y0 + PANEL_H}' x2='{x:.1f}' "
            f"y2='{y0 + PANEL_H + (6 if major else 3)}' stroke='#444'/>"
        )
        if labelled:
            out.append(
                f"<text x='{x:.1f}' y='{y0 + PANEL_H + 20}' text-anchor='middle' "
                f"font-size='11' {FONT}>{_fmt_count(v)}</text>"
            )
    for v, major, labelled in _ticks(*panel.yr):
        y = panel.py(v)
        out.append(
            f"<line x1='{x0}' y1='{y:.1f}' x2='{x0 + PANEL_W}' y2='{y:.1f}' "
            f"stroke='{'#ddd' if major else '#f0f0f0'}'/>"
        )
        out.append(
            f"<line x1='{x0 - (6 if major else 3)}' y1='{y:.1f}' x2='{x0}' y2='{y:.1f}' "
            "stroke='#444'/>"
        )
        if labelled:
            out.append(
                f"<text x='{x0 - 9}' y='{y + 4:.1f}' text-anchor='end' font-size='11' "
                f"{FONT}>{_fmt_value(v)}</text>"
            )
    out.append(
        f"<text x='{x0 + PANEL_W / 2}' y='{y0 + PANEL_H + 42}' text-anchor='middle' "
        f"font-size='12' {FONT}>documents (log scale)</text>"
    )
    cy = y0 + PANEL_H / 2
    out.append(
        f"<text x='{x0 - 58}' y='{cy}' text-anchor='middle' font-size='12' {FONT} "
        f"transform='rotate(-90 {x0 - 58} {cy})'>{escape(ylabel)}</text>"
    )
    legend: list[tuple[str, str, str]] = []
    if reference:
        n0, v0 = reference
        lo, hi = panel.xr
        # slope 1 through (n0, v0), clipped to the panel's y range
        xa = max(lo, n0 * panel.yr[0] / v0)
        xb = min(hi, n0 * panel.yr[1] / v0)
        if xb > xa:
            out.append(
                f"<line x1='{panel.px(xa):.1f}' y1='{panel.py(v0 * xa / n0):.1f}' "
                f"x2='{panel.px(xb):.1f}' y2='{panel.py(v0 * xb / n0):.1f}' "
                "stroke='#888' stroke-width='1.5' stroke-dasharray='6 4'/>"
            )
            legend.append(("linear (slope 1)", "#888", "6 4"))
    for label, pts, color in series:
        pts = [(x, y) for x, y in pts if x > 0 and y > 0]
        if not pts:
            continue
        path = " ".join(f"{panel.px(x):.1f},{panel.py(y):.1f}" for x, y in pts)
        out.append(f"<polyline points='{path}' fill='none' stroke='{color}' stroke-width='2.2'/>")
        for x, y in pts:
            out.append(
                f"<circle cx='{panel.px(x):.1f}' cy='{panel.py(y):.1f}' r='4' fill='{color}'>"
                f"<title>{escape(label)}: {_fmt_count(x)} documents, {y:.3g}</title></circle>"
            )
        legend.append((label, color, ""))
    drawn = 0
    for x, y, label in targets:
        if panel.xr[0] <= x <= panel.xr[1] and panel.yr[0] <= y <= panel.yr[1]:
            drawn += 1
            cx, cy2 = panel.px(x), panel.py(y)
            out.append(
                f"<path d='M{cx:.1f},{cy2 - 7:.1f} L{cx + 7:.1f},{cy2:.1f} "
                f"L{cx:.1f},{cy2 + 7:.1f} L{cx - 7:.1f},{cy2:.1f} Z' fill='none' "
                "stroke='#000' stroke-width='1.5'>"
                f"<title>{escape(label)}</title></path>"
            )
    if drawn:
        legend.append(("target (upper bound)", "#000", "diamond"))
    ly = y0 + PANEL_H + 66  # the legend goes under the axis label
    for label, color, dash in legend:
        lx = x0 + 10
        if dash == "diamond":
            out.append(
                f"<path d='M{lx + 11},{ly - 9} L{lx + 16},{ly - 4} L{lx + 11},{ly + 1} "
                f"L{lx + 6},{ly - 4} Z' fill='none' stroke='#000' stroke-width='1.2'/>"
            )
        else:
            extra = f" stroke-dasharray='{dash}'" if dash else ""
            out.append(
                f"<line x1='{lx}' y1='{ly - 4}' x2='{lx + 22}' y2='{ly - 4}' "
                f"stroke='{color}' stroke-width='2.2'{extra}/>"
            )
        out.append(f"<text x='{lx + 28}' y='{ly}' font-size='11' {FONT}>{escape(label)}</text>")
        ly += 16


def growth_svg(growth: list[dict[str, Any]], subtitle: str = "") -> str:
    """The SVG text for the ``growth`` figures of bench_scale.py."""
    pts = sorted(growth, key=lambda g: g["n"])
    if not pts:
        raise ValueError("no growth figures to plot")
    ns = [float(g["n"]) for g in pts]

    def col(key: str) -> list[tuple[float, float]]:
        return [(float(g["n"]), float(g[key])) for g in pts if g.get(key)]

    t_series = [
        ("provlint validate, cold (median wall)", col("wall_median_s"), COLORS[0]),
        ("provlint CPU (user+sys, all processes)", col("cpu_median_s"), COLORS[2]),
        ("bare read loop (median wall)", col("bare_wall_median_s"), COLORS[1]),
    ]
    m_series = [
        ("largest process peak RSS", col("peak_rss_mib"), COLORS[0]),
        ("process tree, sampled RSS sum", col("tree_rss_peak_mib"), COLORS[3]),
        ("bare read loop peak RSS", col("bare_peak_rss_mib"), COLORS[1]),
    ]
    targets = [
        (1e5, 400e6 / 2**20, "target: 400 MB at 100k documents"),
        (1e6, 2e9 / 2**20, "target: 2 GB at 1M documents"),
    ]
    xr = _log_range(ns)
    t_vals = [y for _, s, _ in t_series for _, y in s]
    m_vals = [y for _, s, _ in m_series for _, y in s]
    m_vals += [y for x, y, _ in targets if xr[0] <= x <= xr[1]]
    t_ref = (ns[0], pts[0]["wall_median_s"])
    m_ref = (ns[0], pts[0]["peak_rss_mib"])
    # room for the reference line up to the largest size
    t_vals += [t_ref[1] * ns[-1] / t_ref[0]]
    m_vals += [m_ref[1] * ns[-1] / m_ref[0]]
    left = Panel(MARGIN_L, MARGIN_T, xr, _log_range(t_vals))
    right = Panel(MARGIN_L + PANEL_W + GAP, MARGIN_T, xr, _log_range(m_vals))
    out = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{HEIGHT}' "
        f"viewBox='0 0 {WIDTH} {HEIGHT}'>",
        f"<rect width='{WIDTH}' height='{HEIGHT}' fill='white'/>",
        f"<text x='{WIDTH / 2}' y='22' text-anchor='middle' font-size='15' {FONT}>"
        f"provlint validate: growth with corpus size{escape(subtitle)}</text>",
    ]
    _panel(out, left, "time", "seconds (log scale)", t_series, t_ref, [])
    _panel(out, right, "peak memory", "MiB (log scale)", m_series, m_ref, targets)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def load_growth(path: Path) -> tuple[list[dict[str, Any]], str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    growth = data.get("growth")
    if isinstance(growth, dict):  # the whole bench_scale --json output
        growth = growth.get("points")
    if not isinstance(growth, list):
        raise ValueError(f"{path} has no growth figures")
    return growth, str(data.get("subtitle", ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Plot bench_scale.py growth figures as SVG.")
    ap.add_argument("figures", type=Path, help="JSON written by bench_scale.py")
    ap.add_argument("out", type=Path, help="the SVG file to write")
    args = ap.parse_args(argv)
    try:
        growth, subtitle = load_growth(args.figures)
        args.out.write_text(growth_svg(growth, subtitle), encoding="utf-8")
    except (OSError, ValueError, KeyError) as exc:
        print(f"plot_svg: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
