"""What a running process has cost, read from /proc (Linux)."""

from __future__ import annotations

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, all its threads, user and system."""
    return _cpu_seconds_of(Path(f"/proc/{pid}/stat"))


def main_thread_cpu_seconds(pid: int) -> float:
    """The CPU time so far of the process's main thread (an asyncio server's
    event loop), user and system."""
    return _cpu_seconds_of(Path(f"/proc/{pid}/task/{pid}/stat"))


def cpu_seconds_by_thread(pid: int) -> dict[int, float]:
    """Each of the process's threads (by thread id; the main thread's is the
    pid): its CPU time so far, user and system."""
    return {
        int(task.name): _cpu_seconds_of(task / "stat")
        for task in Path(f"/proc/{pid}/task").iterdir()
    }


def _cpu_seconds_of(stat_file: Path) -> float:
    stat = stat_file.read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
