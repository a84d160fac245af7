"""Draw the demo reuses' illustrations (ouvert/catalog/demo_images/*.png), without text.

    .venv/bin/python scripts/demo_images.py

Each picture is drawn from a fixed seed, in the platform's colours, as a small palette PNG (a few
kilobytes): a chart, a map of dots or lines, an alert, following what the reuse does. Run it again
after changing a drawing and commit the result; ``ouvert demo`` attaches them to the demo reuses.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "ouvert" / "catalog" / "demo_images"
W, H = 480, 270
BLUE_900, BLUE_700, BLUE_100 = (11, 47, 87), (20, 74, 133), (230, 238, 247)
RED, GREEN, YELLOW, GREY = (164, 22, 26), (30, 107, 52), (255, 191, 71), (217, 221, 226)


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (W, H), BLUE_100)
    return image, ImageDraw.Draw(image)


def alert(rng: random.Random) -> Image.Image:
    image, d = _canvas()
    for _ in range(40):  # a map of municipalities as dots, a few of them on alert
        x, y = rng.randint(20, W - 20), rng.randint(20, H - 20)
        d.ellipse((x - 4, y - 4, x + 4, y + 4), fill=GREY)
    d.ellipse((W / 2 - 70, H / 2 - 70, W / 2 + 70, H / 2 + 70), outline=RED, width=6)
    d.ellipse((W / 2 - 110, H / 2 - 110, W / 2 + 110, H / 2 + 110), outline=RED, width=3)
    d.polygon([(W / 2, H / 2 - 45), (W / 2 - 45, H / 2 + 35), (W / 2 + 45, H / 2 + 35)], fill=YELLOW, outline=BLUE_900)
    d.rectangle((W / 2 - 4, H / 2 - 20, W / 2 + 4, H / 2 + 10), fill=BLUE_900)
    d.rectangle((W / 2 - 4, H / 2 + 16, W / 2 + 4, H / 2 + 24), fill=BLUE_900)
    return image


def murals(rng: random.Random) -> Image.Image:
    image, d = _canvas()
    for x in range(0, W, 40):  # street grid
        d.line((x, 0, x + 60, H), fill=GREY, width=3)
    for y in range(0, H, 45):
        d.line((0, y, W, y - 20), fill=GREY, width=3)
    points = [(rng.randint(40, W - 40), rng.randint(30, H - 30)) for _ in range(9)]
    points.sort()
    d.line(points, fill=BLUE_700, width=5, joint="curve")
    for i, (x, y) in enumerate(points):
        colour = (RED, GREEN, YELLOW, BLUE_900)[i % 4]
        d.rectangle((x - 9, y - 9, x + 9, y + 9), fill=colour, outline=BLUE_900, width=2)
    return image


def bikes(rng: random.Random) -> Image.Image:
    image, d = _canvas()
    d.line((40, H - 30, W - 20, H - 30), fill=BLUE_900, width=3)
    d.line((40, 20, 40, H - 30), fill=BLUE_900, width=3)
    points = []
    for i in range(0, 53):
        season = math.sin((i - 10) / 52 * 2 * math.pi)
        value = 120 + 80 * season + rng.uniform(-12, 12)
        points.append((40 + i * (W - 70) / 52, H - 30 - value))
    d.line(points, fill=BLUE_700, width=4)
    for x, y in points[::6]:
        d.ellipse((x - 5, y - 5, x + 5, y + 5), fill=GREEN)
    return image


def contracts(rng: random.Random) -> Image.Image:
    image, d = _canvas()
    d.line((30, H - 25, W - 20, H - 25), fill=BLUE_900, width=3)
    heights = sorted((rng.randint(30, 210) for _ in range(10)), reverse=True)
    for i, h in enumerate(heights):
        x = 45 + i * 42
        d.rectangle((x, H - 25 - h, x + 30, H - 25), fill=BLUE_700 if i else RED)
    return image


def hydrants(rng: random.Random) -> Image.Image:
    image, d = _canvas()
    d.polygon([(0, 190), (120, 150), (260, 175), (480, 120), (480, 270), (0, 270)], fill=(200, 220, 240))
    for _ in range(120):
        x, y = rng.randint(10, W - 10), rng.randint(10, H - 10)
        d.ellipse((x - 3, y - 3, x + 3, y + 3), fill=RED)
    return image


def traffic(rng: random.Random) -> Image.Image:
    image, d = _canvas()
    roads = [[(0, 60), (160, 90), (320, 70), (480, 110)], [(0, 200), (200, 170), (480, 220)],
             [(90, 0), (130, 130), (110, 270)], [(360, 0), (330, 140), (390, 270)]]
    for road in roads:
        d.line(road, fill=GREY, width=14)
        width = rng.choice((4, 7, 10))
        d.line(road, fill=(RED, YELLOW, GREEN)[width // 4 - 1], width=width)
    return image


DRAWINGS: dict[str, Callable[[random.Random], Image.Image]] = {
    "alerte-voisinage": alert, "balade-des-murales": murals, "ou-roule-t-on-a-velo": bikes,
    "contrats-publics": contracts, "bornes-incendie": hydrants, "debits-routiers": traffic,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for index, (name, draw) in enumerate(DRAWINGS.items()):
        image = draw(random.Random(index))  # noqa: S311 — drawings, not security
        path = OUT / f"{name}.png"
        image.quantize(colors=16).save(path, optimize=True)
        print(f"{path.name}: {path.stat().st_size} octets")


if __name__ == "__main__":
    main()
