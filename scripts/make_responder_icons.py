"""Draw the responder app's icons (static/responder/icon-192.png, icon-512.png): the console's
favicon (a purple heart on navy) as PNGs, with the standard library only.

    python scripts/make_responder_icons.py

The heart is the curve (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0; the icon keeps a safe zone around it
so that Android's round ("maskable") crop does not cut it.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

NAVY = (0x14, 0x21, 0x3D)
PURPLE = (0x7B, 0x2C, 0xBF)
SPAN = 2.3 / 0.55
OUT = Path(__file__).resolve().parents[1] / "static" / "responder"


def _inside(x: float, y: float) -> bool:
    return (x * x + y * y - 1) ** 3 - x * x * y**3 <= 0


def _pixel(px: int, py: int, size: int) -> tuple[int, int, int]:
    # 4x4 samples per pixel for smooth edges; the heart (2.3 wide) spans 55% of the icon.
    hits = 0
    for sx in range(4):
        for sy in range(4):
            x = ((px + (sx + 0.5) / 4) / size - 0.5) * SPAN
            y = -((py + (sy + 0.5) / 4) / size - 0.5) * SPAN + 0.1
            hits += _inside(x, y)
    t = hits / 16
    return tuple(round(n * (1 - t) + p * t) for n, p in zip(NAVY, PURPLE, strict=True))  # type: ignore[return-value]


def png(size: int) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(_pixel(x, y, size)) for x in range(size)) for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))


if __name__ == "__main__":
    main()
