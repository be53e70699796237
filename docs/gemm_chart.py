#!/usr/bin/env python3
"""GFLOP/s of the matrix products against n, from criterion's output.

Usage (after `cargo bench --bench linalg`):

    python3 docs/gemm_chart.py --peak 58.7 > docs/gemm_gflops.svg   # the chart
                                   # (--peak: the core's f64 GFLOP/s from
                                   # `cargo run --release --example fma_peak`,
                                   # drawn as a dashed line; optional)
    python3 docs/gemm_chart.py --table                   # a Markdown table

Reads the middle estimate (`new/estimates.json`: the slope's point
estimate, else the mean's) of `gemm_f64/<impl>/<n>`, `gemm_f32/<impl>/<n>`
and `gemm_par/<impl>/<n>` for impl in bumper, matrixmultiply, faer, and
converts it to GFLOP/s with 2 n^3 flops per product. Standard library only.
"""
import json
import math
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "criterion")
IMPLS = ["bumper", "matrixmultiply", "faer"]
COLORS = {"bumper": "#d62728", "matrixmultiply": "#1f77b4", "faer": "#2ca02c"}


def seconds(group, impl, n):
    path = os.path.join(ROOT, group, impl, str(n), "new", "estimates.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        est = json.load(f)
    return (est.get("slope") or est["mean"])["point_estimate"] * 1e-9


def sizes(group):
    found = set()
    for impl in IMPLS:
        d = os.path.join(ROOT, group, impl)
        if os.path.isdir(d):
            found.update(int(x) for x in os.listdir(d) if x.isdigit())
    return sorted(found)


def gflops(group, impl, n):
    t = seconds(group, impl, n)
    return None if t is None else 2 * n**3 / t / 1e9


def table():
    for group in ["gemm_f64", "gemm_f32"]:
        ns = sizes(group)
        if not ns:
            continue
        print(f"\n{group}: time per product, GFLOP/s, and speed ratios (bumper's speed / peer's; > 1 means bumper is faster)\n")
        print("| n | bumper | matrixmultiply | faer | bumper GFLOP/s | vs matrixmultiply | vs faer | vs the faster peer |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in ns:
            t = {i: seconds(group, i, n) for i in IMPLS}
            if None in t.values():
                continue
            fmt = lambda s: f"{s * 1e6:.3g} µs" if s < 1e-3 else f"{s * 1e3:.3g} ms"
            best = min(t["matrixmultiply"], t["faer"])
            print(
                f"| {n} | {fmt(t['bumper'])} | {fmt(t['matrixmultiply'])} | {fmt(t['faer'])} "
                f"| {2 * n**3 / t['bumper'] / 1e9:.1f} | {t['matrixmultiply'] / t['bumper']:.2f} "
                f"| {t['faer'] / t['bumper']:.2f} | {best / t['bumper']:.2f} |"
            )
    one, two = seconds("gemm_par", "bumper_1thread", 1024), seconds("gemm_par", "bumper_2threads", 1024)
    if one and two:
        print(f"\nn = 1024 f64: 1 thread {one * 1e3:.1f} ms, 2 threads {two * 1e3:.1f} ms, speedup {one / two:.2f}")


def svg(peak):
    w, h, ml, mr, mt, mb = 720, 420, 60, 150, 40, 50
    ns = sizes("gemm_f64")
    series = {i: [(n, gflops("gemm_f64", i, n)) for n in ns] for i in IMPLS}
    top = max([v for s in series.values() for _, v in s if v] + [peak or 0.0], default=1.0)
    top = math.ceil(top / 10) * 10
    lo, hi = math.log2(min(ns)), math.log2(max(ns))
    x = lambda n: ml + (math.log2(n) - lo) / (hi - lo) * (w - ml - mr)
    y = lambda v: h - mb - v / top * (h - mt - mb)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">']
    out.append(f'<rect width="{w}" height="{h}" fill="white"/>')
    out.append(f'<text x="{ml}" y="22" font-size="15">C = A·B, square f64, one thread: GFLOP/s (higher is better)</text>')
    for k in range(0, top + 1, 10):
        out.append(f'<line x1="{ml}" x2="{w - mr}" y1="{y(k):.1f}" y2="{y(k):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{ml - 8}" y="{y(k) + 4:.1f}" text-anchor="end">{k}</text>')
    for n in ns:
        out.append(f'<text x="{x(n):.1f}" y="{h - mb + 18}" text-anchor="middle">{n}</text>')
    out.append(f'<text x="{(ml + w - mr) / 2}" y="{h - 12}" text-anchor="middle">n</text>')
    for i, s in series.items():
        pts = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in s if v)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[i]}" stroke-width="2"/>')
        for n, v in s:
            if v:
                out.append(f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3" fill="{COLORS[i]}"/>')
    if peak:
        out.append(f'<line x1="{ml}" x2="{w - mr}" y1="{y(peak):.1f}" y2="{y(peak):.1f}" stroke="#555" stroke-dasharray="6,4"/>')
        out.append(f'<text x="{w - mr + 6}" y="{y(peak) + 4:.1f}" fill="#555">core peak {peak:g}</text>')
    for k, i in enumerate(IMPLS):
        yy = mt + 60 + 22 * k
        out.append(f'<line x1="{w - mr + 15}" x2="{w - mr + 40}" y1="{yy}" y2="{yy}" stroke="{COLORS[i]}" stroke-width="3"/>')
        out.append(f'<text x="{w - mr + 46}" y="{yy + 4}">{i}</text>')
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    if "--table" in sys.argv:
        table()
    else:
        args = sys.argv[1:]
        svg(float(args[args.index("--peak") + 1]) if "--peak" in args else None)
