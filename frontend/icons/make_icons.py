"""Draws Hearth's app icons as PNGs with the standard library only (zlib + struct).

A cream heart on a warm terracotta gradient. Run from the repo root:
    python frontend/icons/make_icons.py
"""
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP, BOTTOM = (0xE0, 0x72, 0x55), (0xA8, 0x3C, 0x2B)  # terracotta gradient
HEART = (0xFF, 0xF4, 0xE6)
SAMPLES = 3  # supersampling per axis, for smooth edges


def in_heart(x, y):
    """The classic implicit heart, (x²+y²-1)³ - x²y³ <= 0, with y pointing up."""
    a = x * x + y * y - 1
    return a * a * a - x * x * y * y * y <= 0


def in_rounded_square(x, y, radius):
    dx, dy = max(abs(x) - (1 - radius), 0), max(abs(y) - (1 - radius), 0)
    return dx * dx + dy * dy <= radius * radius


def pixel(px, py, size, heart_scale, rounded):
    covered_bg = covered_heart = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / size * 2 - 1
            y = 1 - (py + (sy + 0.5) / SAMPLES) / size * 2
            if rounded and not in_rounded_square(x, y, 0.36):
                continue
            covered_bg += 1
            if in_heart(x / heart_scale, (y + 0.06) / heart_scale):
                covered_heart += 1
    total = SAMPLES * SAMPLES
    if not covered_bg:
        return (0, 0, 0, 0)
    t = py / size
    bg = [round(TOP[i] + (BOTTOM[i] - TOP[i]) * t) for i in range(3)]
    mix = covered_heart / covered_bg
    rgb = [round(bg[i] + (HEART[i] - bg[i]) * mix) for i in range(3)]
    return (*rgb, round(255 * covered_bg / total))


def png(size, heart_scale, rounded):
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter type 0 for each scanline
        for px in range(size):
            row.extend(pixel(px, py, size, heart_scale, rounded))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


if __name__ == "__main__":
    # "any" icons: a rounded tile; maskable: full bleed, heart inside the 80% safe zone.
    for name, size, scale, rounded in [("icon-192.png", 192, 0.5, True), ("icon-512.png", 512, 0.5, True),
                                       ("maskable-512.png", 512, 0.4, False),
                                       ("apple-touch-icon.png", 180, 0.45, False)]:
        (HERE / name).write_bytes(png(size, scale, rounded))
        print("wrote", name)
