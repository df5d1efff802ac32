"""Fuzzing by volume (issue 24): over 10,000 generated messages and requests
through the real REST and socket.io channels and the staff console's forms.

Hypothesis generates them from fixed seeds (``derandomize``): random Unicode
(lone surrogates included), control characters, adversarial markup up to the
maximum message size, bodies that are not UTF-8 or not JSON, JSON of every
wrong shape. Nothing may give a 5xx or a traceback; a visitor saying "hello"
meanwhile is answered promptly; the Rasa server's memory stays flat. The rate
limit is off on this server (as for the benchmarks) so that every message goes
through the whole pipeline; tests/integration/test_rate_limit.py covers it.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic.console.request_errors import MAX_BODY_BYTES
from clinic.limits import MAX_MESSAGE_CHARS
from harness.live_chat import (
    Console,
    StaffMember,
    console_server,
    create_staff_account,
    hang_up,
)
from harness.proc import cpu_seconds, main_thread_cpu_seconds
from harness.servers import (
    PROJECT_ROOT,
    Assistant,
    assistant_on_its_own_database,
    base_environment,
)
from tests.clinic.console.conftest import PASSWORD

REST_MESSAGES = 3000
REST_SHAPES = 1500
REST_BYTES = 1000
REST_MARKUP = 700
SOCKET_MESSAGES = 2000
SOCKET_SHAPES = 500
CONSOLE_REQUESTS = 1500
# Reached together: at least 10,000.
TOTAL = (
    REST_MESSAGES
    + REST_SHAPES
    + REST_BYTES
    + REST_MARKUP
    + SOCKET_MESSAGES
    + SOCKET_SHAPES
    + CONSOLE_REQUESTS
)
# A stall is what issue 24 found: the Rasa server busy with one message for
# 16.7 s of its CPU (160 KB of unclosed <script>) while a hello waited, minutes
# at 1 MB. So each hello is judged by the server's CPU time between its sending
# and its answer: the work queued ahead of it, whatever else the machine runs
# (stress-ng on the other core). Its wall-clock wait is reported, not judged.
# The server's work ahead of a hello is the fuzz messages in flight: about
# 0.5 s at the median and 2.7 to 3.3 s at most beside a busy suite on the
# slower of these machines (docs/security.md); 5 s catches a stall a third of
# the one found. Reported beside it, to find a slow hello's cause: the event
# loop's (main thread's) share and the fuzz test that was sending (a 2.2 s
# stall of the loop, 5.17 s once beside the suite, was the first French
# message importing spaCy's French package: clinic/components/readability.py).
# tests/integration/test_bad_input.py holds a hello behind a maximum-size
# message to 1 s of wall-clock time, on a quiet server.
MAX_HELLO_SERVER_CPU_SECONDS = 5.0
# Measured (docs/security.md, "Fuzzing by volume"): 450 MB + 141 MB with ten
# socket conversations of 250 maximum-size messages (4 MB of events each); each
# message loads its conversation's whole tracker and the high-water mark of
# loading them stays. A leak per message (TensorFlow's training modules
# loaded into the server: +370 MB; spaCy's strings before renewal) exceeds it.
MAX_MEMORY_GROWTH_MB = 250
SENDERS = 300  # conversations the REST messages are spread over
RESULTS = PROJECT_ROOT / "results"
# Fifty socket conversations of 50 messages: ten of 250 took a minute longer
# (168 s against 114 s for the 2,000 messages, quiet machine), each message
# reloading a longer tracker; test_session_length.py covers long conversations.
SOCKETS = 50
# aiohttp's longest request line (its HttpRequestParser's max_line_size).
MAX_REQUEST_LINE = 8190


def fuzz_settings(examples: int) -> Any:
    return settings(
        max_examples=examples,
        derandomize=True,  # the same examples on every run
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


# --- what is generated -----------------------------------------------------------

any_text = st.text(st.characters(codec=None), max_size=400)
control_text = st.text(
    st.characters(max_codepoint=0x9F, categories=["Cc", "Zs", "Ll"]), max_size=300
)
emoji_text = st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF))
visitor_text = st.one_of(
    any_text,
    control_text,
    emoji_text,
    st.sampled_from(["", " ", "\n", "hello", "how much is it", "\x00", "\ufeff"]),
)
TAGS = ["<script>", "<style>", "<!--", "<iframe src=x>", "<a href='javascript:x'>"]


MARKUP_SIZES = [10, 100, 1_000, 5_000, MAX_MESSAGE_CHARS]
# Over socket.io a fifth as many of the largest: each costs the server about
# 0.4 s (the crisis phrases are looked for in all of it), and at one in five
# they were half of the socket run's time; the REST markup keeps one in five.
SOCKET_MARKUP_SIZES = [10, 100, 1_000, 5_000] * 5 + [MAX_MESSAGE_CHARS]


@st.composite
def markup(draw: st.DrawFn, sizes: list[int] = MARKUP_SIZES) -> str:
    """Adversarial markup, up to the largest message read whole."""
    tag = draw(st.sampled_from(TAGS))
    inner = draw(st.text(max_size=40))
    size = draw(st.sampled_from(sizes))
    return ((tag + inner) * (size // max(1, len(tag + inner)) + 1))[:size]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=12,
)
wrong_shapes = st.one_of(
    json_values,
    st.fixed_dictionaries({"sender": json_values, "message": json_values}),
    st.fixed_dictionaries({"message": visitor_text}),
    st.fixed_dictionaries(
        {"sender": st.text(min_size=100, max_size=6000), "message": visitor_text}
    ),
)


# --- the servers -----------------------------------------------------------------


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


class HelloProbe:
    """Another visitor who says "hello" every second while the fuzz runs."""

    def __init__(self, url: str, server_pid: int) -> None:
        self.url, self.server_pid = url, server_pid
        self.latencies: list[float] = []  # wall clock, seconds
        self.server_work: list[float] = []  # the server's CPU seconds meanwhile
        self.loop_work: list[float] = []  # its event loop's (main thread's) share
        self.phases: list[str] = []  # the fuzz test sending when each was sent
        self.failures: list[str] = []  # a hello unanswered within 30 s among them
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        sender = f"probe-{uuid.uuid4().hex[:8]}"
        while not self._stop.wait(1.0):
            try:
                self._say_hello(sender)
            except Exception as error:  # every failure is reported, none ends it
                self.failures.append(f"{type(error).__name__}: {error}"[:300])

    def _say_hello(self, sender: str) -> None:
        started, cpu = time.monotonic(), cpu_seconds(self.server_pid)
        loop_cpu = main_thread_cpu_seconds(self.server_pid)
        phase = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1]
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": "hello"},
            timeout=30,
        )
        response.raise_for_status()
        assert response.json(), "hello got no reply"
        self.latencies.append(time.monotonic() - started)
        self.server_work.append(cpu_seconds(self.server_pid) - cpu)
        self.loop_work.append(main_thread_cpu_seconds(self.server_pid) - loop_cpu)
        self.phases.append(phase)

    def __enter__(self) -> HelloProbe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


@pytest.fixture(scope="module")
def fuzzed(
    model_path: Path, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Assistant, HelloProbe, dict[str, float]]]:
    with assistant_on_its_own_database(
        model_path,
        server_logs,
        tmp_path_factory.mktemp("fuzz"),
        RATE_LIMIT_PER_MINUTE="0",
    ) as running:
        for text in ("hello", "how much does it cost", "x" * 5000):
            running.send("warm-up", text)
        memory = {"start": rss_mb(running.pid)}
        with HelloProbe(running.url, running.pid) as probe:
            yield running, probe, memory
        memory["end"] = rss_mb(running.pid)


senders = itertools.cycle([f"fuzz-{n}" for n in range(SENDERS)])
counted = {"requests": 0}
console_waits: list[tuple[float, str]] = []  # seconds, and which form


def no_server_error(response: requests.Response) -> None:
    counted["requests"] += 1
    assert response.status_code < 500, response.text[:500]
    assert "Traceback" not in response.text


def post_rest(assistant: Assistant, **kwargs: Any) -> requests.Response:
    return requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        headers={"Content-Type": "application/json"},
        timeout=60,
        **kwargs,
    )


# --- REST --------------------------------------------------------------------------


@fuzz_settings(REST_MESSAGES)
@given(text=visitor_text)
def test_rest_messages(fuzzed: tuple, text: str) -> None:
    assistant, _, _ = fuzzed
    body = json.dumps({"sender": next(senders), "message": text})
    response = post_rest(assistant, data=body.encode("utf-8", "surrogatepass"))
    no_server_error(response)


@fuzz_settings(REST_SHAPES)
@given(payload=wrong_shapes)
def test_rest_bodies_of_the_wrong_shape(fuzzed: tuple, payload: Any) -> None:
    assistant, _, _ = fuzzed
    no_server_error(post_rest(assistant, data=json.dumps(payload).encode()))


@fuzz_settings(REST_BYTES)
@given(body=st.binary(max_size=3000))
def test_rest_bodies_that_are_not_json(fuzzed: tuple, body: bytes) -> None:
    assistant, _, _ = fuzzed
    no_server_error(post_rest(assistant, data=body))


@fuzz_settings(REST_MARKUP)
@given(text=markup())
def test_rest_adversarial_markup(fuzzed: tuple, text: str) -> None:
    assistant, _, _ = fuzzed
    body = {"sender": next(senders), "message": text}
    no_server_error(post_rest(assistant, data=json.dumps(body).encode()))


# --- socket.io -----------------------------------------------------------------------


class FuzzSocket:
    def __init__(self, url: str) -> None:
        self.replies = 0
        self._replied_once = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self._replied)
        confirmed = threading.Event()
        issued: dict[str, str] = {}

        def on_confirm(session_id: str) -> None:
            issued["id"] = session_id
            confirmed.set()

        self.client.on("session_confirm", on_confirm)
        self.client.connect(url, transports=["polling"])
        self.client.emit("session_request", {"session_id": None})
        assert confirmed.wait(10), "no session issued"
        self.session_id = issued["id"]

    def _replied(self, _: Any) -> None:
        with self._replied_once:
            self.replies += 1
            self._replied_once.notify_all()

    def replied_after(self, before: int, timeout: float) -> bool:
        """Whether a reply came after the first `before`, waiting up to `timeout` s."""
        with self._replied_once:
            return self._replied_once.wait_for(lambda: self.replies > before, timeout)


@pytest.fixture(scope="module")
def sockets(fuzzed: tuple) -> Iterator[list[FuzzSocket]]:
    assistant, _, _ = fuzzed
    opened = [FuzzSocket(assistant.url) for _ in range(SOCKETS)]
    yield opened
    for each in opened:
        hang_up(each.client)


socket_turn = itertools.cycle(range(SOCKETS))


@fuzz_settings(SOCKET_MESSAGES)
@given(text=st.one_of(visitor_text, markup(SOCKET_MARKUP_SIZES)))
def test_socketio_messages(sockets: list[FuzzSocket], text: str) -> None:
    visitor = sockets[next(socket_turn)]
    before = visitor.replies
    visitor.client.emit(
        "user_uttered", {"message": text, "session_id": visitor.session_id}
    )
    counted["requests"] += 1
    assert visitor.replied_after(before, timeout=30), f"no reply to {text[:80]!r}"


@fuzz_settings(SOCKET_SHAPES)
@given(payload=wrong_shapes)
def test_socketio_payloads_of_the_wrong_shape(
    sockets: list[FuzzSocket], payload: Any
) -> None:
    visitor = sockets[next(socket_turn)]
    visitor.client.emit("user_uttered", payload)
    counted["requests"] += 1
    assert visitor.client.connected


def test_every_socket_still_talks(sockets: list[FuzzSocket]) -> None:
    """Each socket is still connected and answered. The wrong shapes before were
    sent without waiting, and some are messages to the socket's conversation:
    its hello is answered after them, so the deadline is the messages' own."""
    for index, visitor in enumerate(sockets):
        assert visitor.client.connected, f"socket {index} was disconnected"
        before = visitor.replies
        visitor.client.emit(
            "user_uttered", {"message": "hello", "session_id": visitor.session_id}
        )
        assert visitor.replied_after(before, timeout=30), (
            f"socket {index}: no answer to hello"
        )


# --- the staff console's forms ---------------------------------------------


@pytest.fixture(scope="module")
def admin(fuzzed: tuple, server_logs: Path) -> Iterator[StaffMember]:
    assistant, _, _ = fuzzed
    create_staff_account(assistant.database_url, "fuzz-admin", "Fay", PASSWORD, "admin")
    env = base_environment(assistant.database_url)
    with console_server(env, assistant.url, assistant.token, server_logs) as running:
        member = StaffMember(running)
        assert member.sign_in("fuzz-admin", PASSWORD).status_code == 302
        yield member


def console_url(console: Console, path: str) -> str:
    return f"{console.url}{path}"


FORMS = [
    ("post", "/tickets/{key}/note", ("text",)),
    ("post", "/tickets/{key}/status", ("status", "note")),
    ("post", "/bookings/{key}/status", ("status", "note")),
    ("post", "/crisis/{number}/status", ("status",)),
    ("post", "/presence", ("available",)),
    ("post", "/review/ignore", ("item",)),
    ("post", "/privacy/export", ("key",)),
    ("post", "/privacy/erase", ("key", "confirm")),
    ("get", "/privacy", ("key",)),
    ("get", "/conversations/{key}", ()),
    ("get", "/tickets/{key}", ()),
    ("get", "/bookings", ("status",)),
]
field_text = st.one_of(any_text, control_text, markup(), st.text(max_size=20))


@fuzz_settings(CONSOLE_REQUESTS)
@given(
    form=st.sampled_from(FORMS),
    key=st.text(st.characters(codec="utf-8"), min_size=1, max_size=300),
    number=st.integers(min_value=0, max_value=2**63),
    values=st.lists(field_text, min_size=3, max_size=3),
)
def test_console_forms(
    admin: StaffMember, form: tuple, key: str, number: int, values: list[str]
) -> None:
    method, path, fields = form
    path = path.format(key=requests.utils.quote(key, safe=""), number=number)
    data = dict(zip(fields, values, strict=False))
    started = time.monotonic()
    try:
        response = send_console_form(admin, method, path, data)
    except requests.Timeout:  # ConnectTimeout is a ConnectionError too
        raise
    except requests.ConnectionError as error:
        if not over_the_consoles_limits(error.request):
            raise
        refused_by_closing(admin)
        return
    finally:
        console_waits.append((time.monotonic() - started, f"{method} {path[:40]}"))
    no_server_error(response)


def send_console_form(
    admin: StaffMember, method: str, path: str, data: dict[str, str]
) -> requests.Response:
    if method == "post":
        return admin.post(path, **data)
    return admin.http.get(console_url(admin.console, path), params=data, timeout=30)


def over_the_consoles_limits(sent: requests.PreparedRequest) -> bool:
    """A body over MAX_BODY_BYTES, or a request line over aiohttp's limit, as
    requests encoded them."""
    body = sent.body or b""
    size = len(body.encode() if isinstance(body, str) else body)
    line = f"{sent.method} {sent.path_url} HTTP/1.1"
    return size > MAX_BODY_BYTES or len(line) > MAX_REQUEST_LINE


def refused_by_closing(admin: StaffMember) -> None:
    """The console may close the connection on a request over its limits (RFC
    9110, 413 and 414) and a client still sending it then sees the connection
    reset, not the answer: accepted for those requests alone, if the console
    answers the next one. A timeout never is."""
    counted["requests"] += 1
    counted["closed"] = counted.get("closed", 0) + 1
    assert admin.http.get(console_url(admin.console, "/"), timeout=30).ok


# --- after it all -------------------------------------------------------------


def test_other_visitors_were_answered_promptly_throughout(fuzzed: tuple) -> None:
    _, probe, _ = fuzzed
    assert len(probe.latencies) > 30, "the probe ran beside the fuzz"
    waits, work = sorted(probe.latencies), sorted(probe.server_work)
    loops = sorted(probe.loop_work)
    # the probe still runs: the lists may differ by the hello being recorded
    slowest = sorted(zip(probe.loop_work, probe.phases, strict=False))[-5:]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fuzz_hello.json").write_text(
        json.dumps(
            {
                "hellos": len(waits),
                "wall_clock_median_s": round(waits[len(waits) // 2], 3),
                "wall_clock_slowest_s": [round(w, 3) for w in waits[-5:]],
                "server_cpu_median_s": round(work[len(work) // 2], 3),
                "server_cpu_most_s": [round(w, 3) for w in work[-5:]],
                "loop_cpu_median_s": round(loops[len(loops) // 2], 3),
                "loop_cpu_most_by_fuzz_test": [[round(w, 3), p] for w, p in slowest],
            }
        )
    )
    assert not probe.failures, probe.failures[:5]
    assert work[-1] < MAX_HELLO_SERVER_CPU_SECONDS, (
        f"a hello waited behind {work[-1]:.2f} s of the server's work: {work[-5:]}; "
        f"of its event loop, by the fuzz test sending: {slowest}"
    )


def test_over_ten_thousand_were_sent(fuzzed: tuple) -> None:
    RESULTS.mkdir(exist_ok=True)
    slowest = sorted(console_waits, reverse=True)[:10]
    (RESULTS / "fuzz_console.json").write_text(
        json.dumps(
            {
                "console_requests": len(console_waits),
                "closed_over_limits": counted.get("closed", 0),
                "slowest_s": [[round(wait, 3), what] for wait, what in slowest],
            }
        )
    )
    assert TOTAL >= 10_000
    assert counted["requests"] >= 10_000, counted


def test_no_traceback_in_the_servers_logs(fuzzed: tuple, admin: StaffMember) -> None:
    assistant, _, _ = fuzzed
    ports = [urlsplit(url).port for url in (assistant.url, assistant.action_url)]
    logs = [assistant.log_dir / f"rasa-{ports[0]}.log"]
    logs.append(assistant.log_dir / f"actions-{ports[1]}.log")
    logs.append(admin.console.log)
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "Traceback" not in text, (
            f"{log.name}: {text[text.find('Traceback') :][:1500]}"
        )


def test_memory_stayed_flat(fuzzed: tuple) -> None:
    assistant, _, memory = fuzzed
    growth = rss_mb(assistant.pid) - memory["start"]
    # The figure of each run, for docs/security.md (results/ is not committed).
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fuzz_memory.json").write_text(
        json.dumps({"start_mb": round(memory["start"]), "growth_mb": round(growth)})
    )
    assert growth < MAX_MEMORY_GROWTH_MB, f"{memory['start']:.0f} MB + {growth:.0f}"
