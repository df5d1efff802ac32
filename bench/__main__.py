"""``python -m bench``: the serving benchmark (``make bench``; smoke: ``--smoke``).

Trains both assistants from scratch (timed), starts both, then at each
concurrency level runs the same number of conversations on each channel against
one assistant and then the other (the order alternating between levels), so
both see the same machine state. Writes the figures as JSON, the plot, and the
measured section of the report.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

from bench import clients, processes, report
from bench.workload import CLINIC, STOCK, Workload
from harness.servers import PROJECT_ROOT

CHANNELS: dict[str, clients.Conversation] = {
    "rest": clients.rest_conversation,
    "socketio": clients.socket_conversation,
}


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--levels",
        default="1,4,16,64",
        help="concurrent conversations, comma-separated",
    )
    parser.add_argument(
        "--min-conversations",
        type=int,
        default=4,
        help="conversations per level at least (else the level)",
    )
    parser.add_argument(
        "--no-peer", action="store_true", help="skip the stock rasa init assistant"
    )
    parser.add_argument(
        "--reuse-model",
        action="store_true",
        help="use scripts/train.sh's model instead of timed training",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=PROJECT_ROOT / "docs",
        help="where performance.md and the plot go",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="levels 1,2, one conversation each, no peer, reused model",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.levels, args.min_conversations = "1,2", 1
        args.no_peer = args.reuse_model = True
    args.levels = [int(n) for n in args.levels.split(",")]
    return args


def run_levels(
    targets: list[clients.Target], levels: list[int], minimum: int
) -> list[report.Level]:
    counts = {t.workload.name: asyncio.run(clients.calibrate(t)) for t in targets}
    print(f"bench: socket.io messages per turn {counts}", flush=True)
    results = []
    for index, concurrency in enumerate(levels):
        conversations = max(minimum, concurrency)
        order = targets if index % 2 == 0 else targets[::-1]
        for channel, conversation in CHANNELS.items():
            for target in order:
                samples = asyncio.run(
                    clients.run_level(
                        conversation,
                        target,
                        concurrency,
                        conversations,
                        counts[target.workload.name],
                    )
                )
                row = report.level(target.workload.name, channel, concurrency, samples)
                print(f"bench: {row}", flush=True)
                for error in samples.errors[:5]:
                    print(f"bench:   error {error}", flush=True)
                results.append(row)
    return results


def summary_row(running: processes.Running, trained: processes.Trained) -> dict:
    return {
        "cold_start": running.cold_start,
        "train_seconds": trained.seconds,
        "model_mb": trained.megabytes,
        "peak_rss_mb": running.peak_rss_mb,
    }


def keep_logs(work: Path) -> None:
    """The servers' logs, for reading after the run (results/ is not committed)."""
    logs = PROJECT_ROOT / "results" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    for log in work.glob("*.log"):
        shutil.copy(log, logs / log.name)


def main(argv: list[str]) -> int:
    args = arguments(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        trained = {
            "clinic": processes.reuse_clinic_model()
            if args.reuse_model
            else processes.train_clinic(work / "clinic-model")
        }
        print(f"bench: clinic model {trained['clinic']}", flush=True)
        stock_dir = work / "stock"
        if not args.no_peer:
            processes.stock_project(stock_dir)
            trained["stock"] = processes.train(stock_dir, work / "stock-model", [])
            print(f"bench: stock model {trained['stock']}", flush=True)
        with ExitStack() as stack:
            running = [
                stack.enter_context(
                    processes.clinic_assistant(trained["clinic"].model, work)
                )
            ]
            workloads: list[Workload] = [CLINIC]
            if not args.no_peer:
                running.append(
                    stack.enter_context(
                        processes.stock_assistant(
                            stock_dir, trained["stock"].model, work
                        )
                    )
                )
                workloads.append(STOCK)
            for each in running:
                print(f"bench: {each.name} cold start {each.cold_start:.1f} s")
            targets = [
                clients.Target(r.url, processes.BENCH_ORIGIN, w)
                for r, w in zip(running, workloads, strict=True)
            ]
            levels = run_levels(targets, args.levels, args.min_conversations)
        summary = {r.name: summary_row(r, trained[r.name]) for r in running}
        keep_logs(work)
    plot_name = "performance_latency.png"
    report.plot(levels, args.out / plot_name)
    command = "make bench" if argv == [] else f"python -m bench {' '.join(argv)}"
    report.write_markdown(
        args.out / "performance.md",
        report.measured_section(levels, summary, plot_name, command),
    )
    (args.out / "performance.json").write_text(
        json.dumps(
            {"levels": [asdict(lv) for lv in levels], "summary": summary}, indent=2
        )
    )
    errors = sum(lv.errors for lv in levels)
    print(f"bench: wrote {args.out / 'performance.md'}; errors {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
