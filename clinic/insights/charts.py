"""Bar charts as SVG geometry, drawn by the page's template on the server.

No script and no external service: the template writes <rect> elements from
these numbers (inline styles are refused by the console's CSP; SVG attributes
are not styles). Every chart sits beside a table holding the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 180
LABEL_ROOM = 20
ROW_HEIGHT = 22
NAME_ROOM = 200
NAME_CHARS = 32  # what fits in NAME_ROOM at the page's font


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # 0 or 1: the chart's first or second figure
    title: str  # shown on hover, and the bar's accessible name


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    top: int  # the value the full height stands for


def nice_top(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at or above ``value``."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def paired_columns(
    labels: list[str], first: list[int], second: list[int], names: tuple[str, str]
) -> Chart:
    """Two figures per label, side by side (conversations and messages per day)."""
    top = nice_top(max([*first, *second, 1]))
    plot = HEIGHT - LABEL_ROOM
    slot = WIDTH / max(1, len(labels))
    bar = max(1.0, slot * 0.4)
    bars: list[Bar] = []
    for index, label in enumerate(labels):
        for series, values in enumerate((first, second)):
            height = plot * values[index] / top
            bars.append(
                Bar(
                    x=round(index * slot + slot * 0.1 + series * bar, 2),
                    y=round(plot - height, 2),
                    width=round(bar, 2),
                    height=round(height, 2),
                    series=series,
                    title=f"{label}: {values[index]} {names[series]}",
                )
            )
    every = max(1, len(labels) // 7)
    ticks = [
        Tick(round(index * slot + slot / 2, 2), label)
        for index, label in enumerate(labels)
        if index % every == 0
    ]
    return Chart(WIDTH, HEIGHT, bars, ticks, top)


def fitted(name: str) -> str:
    """A name cut to the room beside the bars (the bar's title and the table
    below keep it whole)."""
    if len(name) <= NAME_CHARS:
        return name
    return name[: NAME_CHARS - 1].rstrip() + "…"


def horizontal_bars(labels: list[str], values: list[int], unit: str) -> Chart:
    """One bar per label (topics asked), longest first as given."""
    top = nice_top(max([*values, 1]))
    room = WIDTH - NAME_ROOM
    bars = [
        Bar(
            x=NAME_ROOM,
            y=index * ROW_HEIGHT + 3,
            width=round(room * value / top, 2),
            height=ROW_HEIGHT - 6,
            series=0,
            title=f"{label}: {value} {unit}",
        )
        for index, (label, value) in enumerate(zip(labels, values, strict=True))
    ]
    ticks = [
        Tick(index * ROW_HEIGHT + ROW_HEIGHT / 2 + 4, fitted(label))
        for index, label in enumerate(labels)
    ]
    return Chart(WIDTH, max(ROW_HEIGHT, ROW_HEIGHT * len(labels)), bars, ticks, top)
