"""The serving benchmark in miniature, so that it cannot rot: real servers, one
short conversation per channel at 1 and 2 concurrent, no stock peer."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from harness.servers import PROJECT_ROOT, VENV_BIN


def test_smoke_bench_answers_every_message_and_writes_its_report(
    tmp_path: Path, model_path: Path
) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "bench", "--smoke", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "CLINIC_MODEL": str(model_path)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads((tmp_path / "performance.json").read_text())
    levels = figures["levels"]
    assert {(lv["channel"], lv["concurrency"]) for lv in levels} == {
        (channel, n) for channel in ("rest", "socketio") for n in (1, 2)
    }
    assert all(lv["errors"] == 0 and lv["messages"] > 0 for lv in levels)
    assert figures["summary"]["clinic"]["peak_rss_mb"]["Rasa server"] > 0
    assert "| clinic | rest | 1 |" in (tmp_path / "performance.md").read_text()
    assert (tmp_path / "performance_latency.png").stat().st_size > 0


def test_insights_bench_in_miniature_folds_every_conversation(tmp_path: Path) -> None:
    """bench/insights.py on 500 conversations: it checks itself that the folded
    figures count every conversation and message it wrote."""
    out = tmp_path / "insights.json"
    result = subprocess.run(
        [
            str(VENV_BIN / "python"),
            "-m",
            "bench.insights",
            "--conversations",
            "500",
            "--out",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["events"] == 500 * 15
    assert set(figures["page"]) == {"7 days", "30 days", "365 days"}
