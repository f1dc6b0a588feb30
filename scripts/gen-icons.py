#!/usr/bin/env python3
"""Generates the portal's icons into public/icons/ (committed; rerun after a change):

  icon.svg           favicon and scalable manifest icon (purpose any)
  icon-192.png       192 px, rounded square, transparent corners (purpose any)
  icon-512-maskable.png  512 px, full-bleed square, glyph inside the 40 % safe circle
                     (purpose maskable; also the apple-touch-icon, which must be opaque)

The glyph is a white ring with a check mark (the self-check) on the portal's accent
colour (style/portal.css: --asp-accent). Pure Python (zlib only): each pixel's coverage
comes from signed distances to the shapes, quantised to 17 levels, and written as an
8-bit palette PNG, so each icon stays a few KB.
"""

import math
import struct
import sys
import zlib
from pathlib import Path

ACCENT = (0x0A, 0x58, 0xA8)
WHITE = (0xFF, 0xFF, 0xFF)
VIEW = 512.0  # the SVG's viewBox; every length below is in these units
CORNER = 112.0  # corner radius of the "any" icon's rounded square
RING = ((256.0, 256.0), 150.0, 36.0)  # centre, radius, stroke width
CHECK = [(182.0, 262.0), (234.0, 314.0), (334.0, 210.0)]
CHECK_WIDTH = 40.0
LEVELS = 16  # coverage steps: 0..LEVELS

OUT = Path(__file__).resolve().parent.parent / "public" / "icons"


def svg() -> str:
    (cx, cy), r, w = RING
    points = " ".join(f"{x:g},{y:g}" for x, y in CHECK)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" rx="{CORNER:g}" fill="#{bytes(ACCENT).hex()}"/>'
        f'<g fill="none" stroke="#fff">'
        f'<circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" stroke-width="{w:g}"/>'
        f'<polyline points="{points}" stroke-width="{CHECK_WIDTH:g}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        "</g></svg>\n"
    )


def segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = min(1.0, max(0.0, t))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def glyph_distance(x, y):
    """Signed distance (negative inside) to the union of ring and check mark."""
    (cx, cy), r, w = RING
    ring = abs(math.hypot(x - cx, y - cy) - r) - w / 2
    check = min(
        segment_distance(x, y, *CHECK[i], *CHECK[i + 1]) for i in range(len(CHECK) - 1)
    ) - CHECK_WIDTH / 2
    return min(ring, check)


def rounded_square_distance(x, y, radius):
    # Distance to a VIEW × VIEW square with rounded corners, centred on the view.
    h = VIEW / 2
    qx = abs(x - h) - (h - radius)
    qy = abs(y - h) - (h - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def coverage(distance, unit):
    """Fraction of a pixel (side `unit` view units) inside a shape, quantised."""
    c = min(1.0, max(0.0, 0.5 - distance / unit))
    return round(c * LEVELS)


def png(size, rounded):
    unit = VIEW / size
    # Palette: glyph levels on an opaque background, then background alpha levels.
    palette, alpha = [], []
    for g in range(LEVELS + 1):
        t = g / LEVELS
        palette.append(tuple(round(a + (b - a) * t) for a, b in zip(ACCENT, WHITE)))
        alpha.append(255)
    for a in range(LEVELS):  # alpha 0..LEVELS-1 of the plain background colour
        palette.append(ACCENT)
        alpha.append(round(255 * a / LEVELS))
    rows = []
    for j in range(size):
        y = (j + 0.5) * unit
        row = bytearray([0])  # filter: none (flat runs compress well)
        for i in range(size):
            x = (i + 0.5) * unit
            bg = coverage(rounded_square_distance(x, y, CORNER), unit) if rounded else LEVELS
            if bg < LEVELS:
                row.append(LEVELS + 1 + bg)  # an edge of the rounded square: no glyph there
            else:
                row.append(coverage(glyph_distance(x, y), unit))
        rows.append(bytes(row))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    used = max(max(r[1:]) for r in rows) + 1
    plte = b"".join(bytes(c) for c in palette[:used])
    trns = bytes(alpha[:used]).rstrip(b"\xff")
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 3, 0, 0, 0))
    out += chunk(b"PLTE", plte)
    if trns:
        out += chunk(b"tRNS", trns)
    out += chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
    out += chunk(b"IEND", b"")
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "icon.svg": svg().encode(),
        "icon-192.png": png(192, rounded=True),
        "icon-512-maskable.png": png(512, rounded=False),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"{OUT / name}: {len(data)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
