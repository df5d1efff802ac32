"""Figures from the samples, the plots and docs/performance.md."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.clients import Samples


@dataclass(frozen=True)
class Level:
    """One assistant, one channel, one concurrency level."""

    assistant: str
    channel: str
    concurrency: int
    messages: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    per_second: float


def level(assistant: str, channel: str, concurrency: int, samples: Samples) -> Level:
    ms = np.array(samples.latencies or [float("nan")]) * 1000
    p50, p95, p99 = (float(np.percentile(ms, q)) for q in (50, 95, 99))
    rate = len(samples.latencies) / samples.seconds if samples.seconds else 0.0
    return Level(
        assistant,
        channel,
        concurrency,
        len(samples.latencies),
        len(samples.errors),
        p50,
        p95,
        p99,
        rate,
    )


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def plot(levels: list[Level], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    channels = sorted({lv.channel for lv in levels})
    fig, axes = plt.subplots(1, len(channels), figsize=(6 * len(channels), 4.5))
    for ax, channel in zip(np.atleast_1d(axes), channels, strict=True):
        for assistant, colour in (("clinic", "tab:blue"), ("stock", "tab:orange")):
            rows = [
                lv
                for lv in levels
                if lv.channel == channel and lv.assistant == assistant
            ]
            if not rows:
                continue
            x = [lv.concurrency for lv in rows]
            ax.plot(
                x,
                [lv.p50_ms for lv in rows],
                "o-",
                color=colour,
                label=f"{assistant} p50",
            )
            ax.plot(
                x,
                [lv.p95_ms for lv in rows],
                "s--",
                color=colour,
                label=f"{assistant} p95",
            )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("concurrent conversations")
        ax.set_ylabel("latency per message (ms)")
        ax.set_title(f"{channel}: latency against concurrency")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def table(levels: list[Level]) -> list[str]:
    lines = [
        "| assistant | channel | concurrent | messages | errors | p50 ms | p95 ms "
        "| p99 ms | messages/s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in sorted(levels, key=lambda lv: (lv.channel, lv.concurrency, lv.assistant)):
        lines.append(
            f"| {lv.assistant} | {lv.channel} | {lv.concurrency} | {lv.messages} "
            f"| {lv.errors} | {lv.p50_ms:.0f} | {lv.p95_ms:.0f} | {lv.p99_ms:.0f} "
            f"| {lv.per_second:.1f} |"
        )
    return lines


def ratios(levels: list[Level], concurrency: int) -> list[str]:
    lines = []
    for channel in sorted({lv.channel for lv in levels}):
        pair = {
            lv.assistant: lv
            for lv in levels
            if lv.channel == channel and lv.concurrency == concurrency
        }
        if {"clinic", "stock"} <= pair.keys():
            ratio = pair["clinic"].p95_ms / pair["stock"].p95_ms
            lines.append(
                f"- {channel}, {concurrency} concurrent: clinic p95 "
                f"{pair['clinic'].p95_ms:.0f} ms, stock {pair['stock'].p95_ms:.0f} ms: "
                f"ratio **{ratio:.2f}** (target at most 0.33)"
            )
    return lines


def saturation(levels: list[Level]) -> list[str]:
    lines = []
    for assistant in ("clinic", "stock"):
        for channel in sorted({lv.channel for lv in levels}):
            rows = [
                lv
                for lv in levels
                if lv.assistant == assistant and lv.channel == channel
            ]
            if rows:
                best = max(rows, key=lambda lv: lv.per_second)
                lines.append(
                    f"- {assistant}, {channel}: {best.per_second:.1f} messages/s "
                    f"(at {best.concurrency} concurrent)"
                )
    return lines


def resources(summary: dict[str, dict[str, object]]) -> list[str]:
    lines = [
        "| assistant | cold start s | training s | model MB | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for name, row in summary.items():
        peaks = ", ".join(
            f"{role} {mb:.0f}"
            for role, mb in row["peak_rss_mb"].items()  # type: ignore[union-attr]
        )
        training = row["train_seconds"]
        lines.append(
            f"| {name} | {row['cold_start']:.1f} "
            f"| {'n/a (reused)' if training is None else f'{training:.0f}'} "
            f"| {row['model_mb']:.1f} | {peaks} |"
        )
    return lines


def measured_section(
    levels: list[Level],
    summary: dict[str, dict[str, object]],
    plot_name: str,
    command: str,
) -> str:
    total_errors = sum(lv.errors for lv in levels)
    lines = [
        START,
        "",
        f"Measured by `{command}`; this section is rewritten by each run.",
        "",
        f"Machine: {machine()}.",
        "",
        "### Latency and throughput per message",
        "",
        *table(levels),
        "",
        f"Errors in all: **{total_errors}**.",
        "",
        "p95 at 16 concurrent conversations, clinic against stock:",
        "",
        *(ratios(levels, 16) or ["- (the stock peer was not run)"]),
        "",
        "Throughput at saturation (highest messages/s over the levels):",
        "",
        *saturation(levels),
        "",
        f"![latency against concurrency]({plot_name})",
        "",
        "### Start-up, training, size, memory",
        "",
        *resources(summary),
        "",
        END,
    ]
    return "\n".join(lines)


def write_markdown(path: Path, section: str) -> None:
    """Replaces the measured section of ``path``, keeping the written parts."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = f"# Performance\n\n{section}\n"
    path.write_text(text, encoding="utf-8")
