"""One Rasa replica against two, behind nginx, under the same load.

Run: ``.venv/bin/python -m bench.cluster_load`` (about 8 minutes; needs
PostgreSQL, Redis and nginx). For 1 and then 2 replicas (each with its action
server), on a fresh PostgreSQL database, what `make cluster` starts: 64
visitors through nginx for ``--seconds`` (120), each a whole conversation after
another with 2 s to think between messages (harness/load.py, as
tests/integration/test_cluster.py). Reports messages per second, p50 and p95 to
the answer, errors, and the CPU seconds each process used, to
results/cluster_bench.json; figures go to docs/deploy.md by hand.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from harness.cluster import cluster_on_fresh_databases
from harness.load import run_load
from harness.proc import cpu_seconds
from harness.servers import PROJECT_ROOT, trained_model


def measure(replicas: int, visitors: int, seconds: float) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="cluster-bench-") as run_dir,
        cluster_on_fresh_databases(trained_model(), Path(run_dir), replicas) as group,
    ):
        names = [f"rasa-{n}" for n in range(1, replicas + 1)]
        names += [f"actions-{n}" for n in range(1, replicas + 1)]
        before = {name: cpu_seconds(group.pid(name)) for name in names}
        tally = run_load(group.front, visitors, seconds)
        used = {
            name: round(cpu_seconds(group.pid(name)) - before[name], 1)
            for name in names
        }
    return {"replicas": replicas, **tally.summary(visitors, seconds), "cpu_s": used}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster_load")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--visitors", type=int, default=64)
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "results" / "cluster_bench.json"
    )
    args = parser.parse_args(argv)
    results = [measure(n, args.visitors, args.seconds) for n in (1, 2)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
