"""Simulated visitors: asyncio clients on aiohttp (REST) and python-socketio.

A visitor sends a turn, waits for the whole answer, then sends the next turn.
A turn's latency runs from sending it to receiving its answer's last message.
Over REST that is the HTTP response. Over socket.io nothing marks the last
message, so each turn's message count is learned once, from one unhurried
conversation (``calibrate``), and a loaded visitor waits for that many.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import socketio

from bench.workload import Workload

TURN_TIMEOUT = 120.0
# Longest pause between two messages of one answer in an unloaded calibration.
CALIBRATION_QUIET = 1.5
# How long a visitor leaving waits for its disconnect to be acknowledged.
HANG_UP_SECONDS = 1.0


@dataclass
class Samples:
    """What one concurrency level measured."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # From the level's start to its last answer (not to the last disconnect).
    seconds: float = 0.0
    last_answer: float = 0.0

    def record(self, sent: float, answered: float) -> None:
        self.latencies.append(answered - sent)
        self.last_answer = max(self.last_answer, answered)


@dataclass(frozen=True)
class Target:
    url: str
    origin: str
    workload: Workload


Conversation = Callable[[Target, Samples, tuple[int, ...]], Awaitable[None]]


def sender_id(target: Target) -> str:
    return f"bench-{target.workload.name}-{uuid.uuid4().hex[:12]}"


async def rest_conversation(
    target: Target, samples: Samples, _: tuple[int, ...] = ()
) -> None:
    sender = sender_id(target)
    timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for text in target.workload.turns:
            started = time.perf_counter()
            try:
                async with session.post(
                    f"{target.url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": text},
                ) as response:
                    body = await response.json()
                    response.raise_for_status()
                if not body:
                    raise ValueError("empty answer")
            except Exception as error:  # every failure is counted
                samples.errors.append(f"REST {text!r}: {error!r}")
                return
            samples.record(started, time.perf_counter())


class SocketVisitor:
    """One socket.io connection with a persistent session, as the widget has."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.session_id = sender_id(target)
        self.client = socketio.AsyncClient(reconnection=False)
        self.inbox: asyncio.Queue[float] = asyncio.Queue()
        self.client.on("bot_uttered", self._received)

    async def _received(self, _: object) -> None:
        self.inbox.put_nowait(time.perf_counter())

    async def connect(self) -> None:
        confirmed = asyncio.Event()
        self.client.on("session_confirm", lambda *_: confirmed.set())
        # The clinic's channel accepts only listed origins; send one it allows.
        # Long-polling: the locked engine.io client's websocket transport needs a
        # newer aiohttp than Rasa 3.6 allows.
        await self.client.connect(
            self.target.url,
            headers={"Origin": self.target.origin},
            transports=["polling"],
            wait_timeout=30,
        )
        await self.client.emit("session_request", {"session_id": self.session_id})
        await asyncio.wait_for(confirmed.wait(), timeout=30)

    async def say(self, text: str) -> float:
        started = time.perf_counter()
        await self.client.emit(
            "user_uttered", {"message": text, "session_id": self.session_id}
        )
        return started

    async def answer(self, count: int) -> float:
        """Arrival time of the last of ``count`` messages."""
        last = 0.0
        for _ in range(count):
            last = await asyncio.wait_for(self.inbox.get(), timeout=TURN_TIMEOUT)
        return last

    async def quiet_count(self) -> int:
        """How many messages arrive before a quiet spell (calibration only)."""
        count = 0
        await asyncio.wait_for(self.inbox.get(), timeout=TURN_TIMEOUT)
        count += 1
        while True:
            try:
                await asyncio.wait_for(self.inbox.get(), timeout=CALIBRATION_QUIET)
            except asyncio.TimeoutError:
                return count
            count += 1


async def socket_conversation(
    target: Target, samples: Samples, counts: tuple[int, ...]
) -> None:
    visitor = SocketVisitor(target)
    try:
        await visitor.connect()
        for text, count in zip(target.workload.turns, counts, strict=True):
            started = await visitor.say(text)
            samples.record(started, await visitor.answer(count))
    except Exception as error:  # every failure is counted
        samples.errors.append(f"socket.io: {error!r}")
    finally:
        await hang_up(visitor.client)


async def hang_up(client: socketio.AsyncClient) -> None:
    """Leaves as a browser tab does: the disconnect packets go out, and the
    visitor does not wait for its long-poll in flight, which the server only
    answers when its ping interval runs out (30 s on the client's clock)."""
    leaving = asyncio.ensure_future(client.disconnect())
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.shield(leaving), HANG_UP_SECONDS)


async def calibrate(target: Target) -> tuple[int, ...]:
    """Messages per turn over socket.io, from one unloaded conversation.

    One REST conversation goes first: a freshly started server can take longer
    than the quiet spell on its first use of some models (stock Rasa's
    TensorFlow graphs), which would split one answer across two turns.
    """
    await rest_conversation(target, Samples())
    visitor = SocketVisitor(target)
    await visitor.connect()
    try:
        counts = []
        for text in target.workload.turns:
            await visitor.say(text)
            counts.append(await visitor.quiet_count())
        return tuple(counts)
    finally:
        await hang_up(visitor.client)


async def run_level(
    conversation: Conversation,
    target: Target,
    concurrency: int,
    conversations: int,
    counts: tuple[int, ...] = (),
) -> Samples:
    """``conversations`` conversations, ``concurrency`` of them at any time."""
    samples = Samples()
    left = iter(range(conversations))

    async def visitor() -> None:
        for _ in left:
            await conversation(target, samples, counts)

    started = time.perf_counter()
    await asyncio.gather(*(visitor() for _ in range(concurrency)))
    samples.seconds = (samples.last_answer or time.perf_counter()) - started
    return samples
