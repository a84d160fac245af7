"""A small SVG line chart of an indicator's current series against its target (the page shows the
same numbers in a table: the chart is never the only way to read them)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 320, 120, 10


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: str  # the polyline's "x,y x,y"
    dots: list[tuple[float, float]]
    target_y: float
    max_value: float


def chart(values: list[float], target: float) -> Chart:
    top = max([target, *values, 1.0]) * 1.1
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def y(v: float) -> float:
        return round(PAD + inner_h * (1 - v / top), 1)

    if len(values) == 1:
        xs = [WIDTH / 2]
    else:
        xs = [round(PAD + inner_w * i / max(1, len(values) - 1), 1) for i in range(len(values))]
    dots = [(x, y(v)) for x, v in zip(xs, values, strict=True)]
    return Chart(WIDTH, HEIGHT, " ".join(f"{x},{yy}" for x, yy in dots), dots, y(target), round(top, 2))
