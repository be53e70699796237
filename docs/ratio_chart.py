#!/usr/bin/env python3
"""Draws bumper / peer time ratios from criterion's output as an SVG bar chart.

Usage (after `cargo bench --bench zip --bench arrays -- "zip|iteration"`):

    python3 docs/ratio_chart.py > docs/zip_iteration_ratios.svg

For every criterion benchmark `<group>/<case>_bumper/<n>` that has a sibling
`<case>_ndarray` (or `<case>_slice_loop`), it reads the middle estimate
(`new/estimates.json`: the slope's point estimate, the figure criterion
prints in the middle of its `time:` line, or the mean's if there is no slope) of both and draws
bumper / peer. Bars left of 1.0 mean bumper is faster. Standard library only.
"""
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "criterion")
GROUPS = ["zip", "iteration"]
PEERS = ["ndarray", "slice_loop"]


def estimate(group, bench):
    base = os.path.join(ROOT, group, bench)
    if not os.path.isdir(base):
        return None
    for param in sorted(os.listdir(base)):
        path = os.path.join(base, param, "new", "estimates.json")
        if os.path.exists(path):
            with open(path) as f:
                est = json.load(f)
                return (est.get("slope") or est["mean"])["point_estimate"]
    return None


def rows():
    out = []
    for group in GROUPS:
        gdir = os.path.join(ROOT, group)
        if not os.path.isdir(gdir):
            continue
        for name in sorted(os.listdir(gdir)):
            if not name.endswith("_bumper"):
                continue
            case = name[: -len("_bumper")]
            ours = estimate(group, name)
            for peer in PEERS:
                theirs = estimate(group, f"{case}_{peer}")
                if ours and theirs:
                    out.append((f"{group}/{case} vs {peer}", ours / theirs))
    return out


def svg(data):
    width, left, bar, gap, top = 720, 300, 18, 8, 40
    scale = (width - left - 40) / max(1.6, max(r for _, r in data) * 1.05)
    height = top + len(data) * (bar + gap) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<text x="{left}" y="20" font-size="14">bumper time / peer time (lower is faster)</text>',
    ]
    for k, (label, ratio) in enumerate(data):
        y = top + k * (bar + gap)
        colour = "#3b7dd8" if ratio <= 1.0 else "#d8703b"
        parts.append(f'<text x="{left - 8}" y="{y + bar - 5}" text-anchor="end">{label}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{ratio * scale:.1f}" height="{bar}" fill="{colour}"/>')
        parts.append(f'<text x="{left + ratio * scale + 4:.1f}" y="{y + bar - 5}">{ratio:.2f}</text>')
    one = left + scale
    parts.append(f'<line x1="{one:.1f}" y1="{top - 6}" x2="{one:.1f}" y2="{height - 30}" '
                 f'stroke="black" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{one:.1f}" y="{height - 14}" text-anchor="middle">1.0</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    data = rows()
    if not data:
        sys.exit("no criterion results under target/criterion; run the benches first")
    sys.stdout.write(svg(data))
