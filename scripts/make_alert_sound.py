"""Write static/sounds/alert.wav: the board's alert chime (docs/calls.md).

Synthesized here (880 Hz then 660 Hz, 0.18 s each, soft attack and decay, 8-bit mono at
16 kHz): the project's own sound, no download and no licence to track. Run from the repository
root: python scripts/make_alert_sound.py
"""

import math
import wave

RATE = 16000


def main() -> None:
    frames = bytearray()
    for freq in (880.0, 660.0):
        n = int(RATE * 0.18)
        for i in range(n):
            envelope = min(1.0, i / (RATE * 0.01)) * min(1.0, (n - i) / (RATE * 0.06))
            frames.append(int(127 + 100 * envelope * math.sin(2 * math.pi * freq * i / RATE)))
    with wave.open("static/sounds/alert.wav", "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))


if __name__ == "__main__":
    main()
