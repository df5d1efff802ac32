"""Many visitors at once through one address (nginx in front of the replicas):
used by tests/integration/test_cluster.py (64 visitors, 3 minutes, nothing lost)
and bench/cluster_load.py (one replica against two)."""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy import text as sql

from harness.conversation import BOOKING_TURNS
from harness.servers import Assistant

# Between an answer and the next message: 2 s offers about 30 messages a second
# from 64 visitors, what these machines handle (bench/cluster_load.py).
THINK_SECONDS = 2.0
QUESTIONS = [
    "hi",
    "how does ketamine work",
    "what are the side effects",
    "how much does it cost",
    "is it safe",
    "thanks",
]


@dataclass
class LoadTally:
    """What each conversation was sent and answered, and every error."""

    sent: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # per message, to its answer
    lock: threading.Lock = field(default_factory=threading.Lock)
    think_seconds: float = THINK_SECONDS

    def summary(self, visitors: int, seconds: float) -> dict[str, Any]:
        return {
            "visitors": visitors,
            "seconds": seconds,
            "conversations": len(self.sent),
            "think_seconds": self.think_seconds,
            "messages": sum(self.sent.values()),
            "answers": sum(self.answers.values()),
            "errors": len(self.errors),
            "messages_per_second": round(sum(self.sent.values()) / seconds, 1),
            "p50_ms": round(1000 * statistics.median(self.seconds)),
            "p95_ms": round(1000 * statistics.quantiles(self.seconds, n=20)[-1]),
        }


def visit_until(front: Assistant, n: int, deadline: float, tally: LoadTally) -> None:
    """One visitor after another, each a whole conversation: questions, or a
    booking. A new conversation each time keeps each under its rate limit."""
    script = BOOKING_TURNS if n % 2 else QUESTIONS
    round_ = 0
    while time.monotonic() < deadline:
        sender = f"load-{n}-{round_}"
        round_ += 1
        for said in script:
            started = time.monotonic()
            try:
                answers = front.send(sender, said)
            except Exception as error:  # counted, not raised: every error is reported
                with tally.lock:
                    tally.errors.append(f"{sender} {said!r}: {error}")
                return
            with tally.lock:
                tally.seconds.append(time.monotonic() - started)
                tally.sent[sender] += 1
                tally.answers[sender] += len(answers)
                if not answers:
                    tally.errors.append(f"{sender} {said!r}: no answer")
            time.sleep(tally.think_seconds)


def run_load(
    front: Assistant,
    visitors: int,
    seconds: float,
    think_seconds: float = THINK_SECONDS,
) -> LoadTally:
    """``visitors`` threads, each visiting until ``seconds`` have passed."""
    tally = LoadTally(think_seconds=think_seconds)
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=visit_until, args=(front, n, deadline, tally))
        for n in range(visitors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return tally


def stored_events(database_url: str, senders: list[str]) -> dict[tuple[str, str], int]:
    """(sender, "user" or "bot") → events of that kind in PostgreSQL."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sql(
                    "SELECT sender_id, type_name, count(*) FROM events "
                    "WHERE sender_id = ANY(:senders) AND type_name IN ('user', 'bot') "
                    "GROUP BY sender_id, type_name"
                ),
                {"senders": senders},
            )
            return {(sender, kind): count for sender, kind, count in rows}
    finally:
        engine.dispose()
