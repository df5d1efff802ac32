"""``rasa``'s command line with the clinic's fixes to Rasa 3.6 applied first.

``scripts/rasa`` runs this instead of the ``rasa`` executable, so the server, the
conversation tests, the action server and training all run with the same
fixes. Each fix replaces one Rasa function with one that behaves the same, or
puts off work until it is needed, and says what it costs otherwise;
docs/performance.md shows the measurements.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache, cached_property
from typing import Any

from clinic.action_auth import guard_action_server
from clinic.action_results import ActionResultValidator
from clinic.api_token import accept_the_token_in_a_header
from clinic.deferred_imports import DeferredImports
from clinic.limits import (
    MAX_ACTION_REQUEST_BYTES,
    MAX_KEPT_MESSAGE_CHARS,
    MAX_REQUEST_BYTES,
)
from clinic.log_privacy import keep_visitor_text_out_of_logs
from clinic.rasa_guard import Touched, check
from clinic.spacy_renewal import renew_spacy_when_grown

#: Rasa modules that import TensorFlow at their top but whose functions only
#: training and the TensorFlow models call. Serving this project's model never
#: touches them, so they are executed on first use instead of at import.
TENSORFLOW_ONLY_MODULES = frozenset({"rasa.utils.train_utils"})
#: Runs Rasa without the speed patches (the protections stay).
STOCK_VARIABLE = "CLINIC_STOCK_RASA"
DEFAULT_ACTIONS_PACKAGE = "actions"  # Rasa's default for ``rasa run actions``


@cache
def action_result_validator() -> ActionResultValidator:
    """The validator of an action server's answer, compiled once."""
    from rasa.core.actions.action import RemoteAction

    return ActionResultValidator(RemoteAction.action_response_format_spec())


def validate_action_result(_: Any, result: dict[str, Any]) -> bool:
    """Rasa's check of an action server's answer, with the schema compiled once.

    Rasa 3.6 calls ``jsonschema.validate`` for every custom action and form
    validation, which first checks the events schema itself against the JSON
    Schema meta-schema: under load that was 43% of the Rasa server's CPU. Each
    event is then checked against its own type only (clinic/action_results.py).
    """
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        action_result_validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure "
            "your response from the Action endpoint is valid. For more "
            f"information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


def defer_tensorflow() -> None:
    """Keep TensorFlow (430-540 MB resident) out of a server that needs none.

    Two imports load it although no model of this project uses it (the third,
    the training graph, is ``read_training_graph_on_use``): spaCy's ``thinc``
    probes for it to offer TensorFlow layers, and Rasa's dialogue policies
    import ``rasa.utils.train_utils``, whose Keras callbacks subclass
    TensorFlow classes. ``thinc`` is imported with TensorFlow hidden (it then
    offers no TensorFlow layers, which no spaCy component here uses), and
    ``train_utils`` is deferred. Anything that does need TensorFlow, such as
    training a stock DIET model, still imports it when it is used.
    """
    if "thinc.compat" not in sys.modules and "tensorflow" not in sys.modules:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
        try:
            import thinc.compat  # noqa: F401
        finally:
            del sys.modules["tensorflow"]
    if not any(isinstance(finder, DeferredImports) for finder in sys.meta_path):
        sys.meta_path.insert(0, DeferredImports(TENSORFLOW_ONLY_MODULES))


class DeferredGraphSchema:
    """A model's training graph, read from its serialized form on first use.

    Reading a graph imports every component class it names. The training graph
    names Rasa's recipe validator, which imports DIET and TED (TensorFlow) to
    check configurations; a server only predicts and never uses that graph.
    """

    def __init__(self, serialized: dict[str, Any]) -> None:
        self._serialized = serialized

    @cached_property
    def _schema(self) -> Any:
        from rasa.engine.graph import GraphSchema

        return GraphSchema.from_dict(self._serialized)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_"):  # copy and pickle probe these
            raise AttributeError(attribute)
        return getattr(self._schema, attribute)


def read_training_graph_on_use() -> None:
    """Models' metadata read with their training graph deferred (see above)."""
    from rasa.engine.storage.storage import ModelMetadata

    read_metadata = ModelMetadata.from_dict.__func__  # type: ignore[attr-defined]
    if getattr(read_metadata, "defers_training_graph", False):
        return

    def from_dict(cls: type, serialized: dict[str, Any]) -> Any:
        without_training_graph = {**serialized, "train_schema": {"nodes": {}}}
        metadata = read_metadata(cls, without_training_graph)
        metadata.train_schema = DeferredGraphSchema(serialized["train_schema"])
        return metadata

    from_dict.defers_training_graph = True  # type: ignore[attr-defined]
    ModelMetadata.from_dict = classmethod(from_dict)  # type: ignore[method-assign,assignment]


def validate_action_results_compiled() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def encode_json(value: Any) -> str:
    """The JSON text of ``value``, by orjson: about ten times json.dumps's speed.

    The text is compact and UTF-8 rather than json.dumps's spaced and
    ASCII-escaped, and parses to the same value, except that a NaN or infinite
    float becomes ``null`` (json.dumps writes ``NaN``, which is not JSON). What
    orjson refuses (an integer beyond 64 bits, a type it does not know) goes to
    json.dumps as before.
    """
    import json

    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def encode_endpoint_requests_with_orjson() -> None:
    """Request bodies to Rasa's endpoints (the action server) encoded by orjson.

    Every call to the action server sends the whole conversation as JSON, each
    user message with its parse; encoding it with json.dumps was 7% of the Rasa
    server's CPU under the benchmark's booking form.
    """
    import aiohttp
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
    from rasa.utils.endpoints import EndpointConfig

    def session(self: EndpointConfig) -> aiohttp.ClientSession:
        auth = None
        if self.basic_auth:
            auth = aiohttp.BasicAuth(
                self.basic_auth["username"], self.basic_auth["password"]
            )
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            json_serialize=encode_json,
        )

    EndpointConfig.session = session  # type: ignore[method-assign]


@cache
def empty_domain_data() -> dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.empty().as_dict()


def compare_domains_with_one_empty_domain() -> None:
    """``Domain.is_empty`` without building a new empty domain for every call.

    Rasa checks every parsed message against the domain, and first asks whether
    the domain is empty by building an empty one from scratch to compare with:
    2% of the Rasa server's CPU.
    """
    from rasa.shared.core.domain import Domain

    def is_empty(self: Domain) -> bool:
        return self.as_dict() == empty_domain_data()

    Domain.is_empty = is_empty  # type: ignore[method-assign]


def active_loop_as_sent(active_loop: Any) -> dict[str, Any]:
    """The form's state as ``dataclasses.asdict`` gives it, without copying the
    message that started the form (its whole parse) item by item: the state is
    only ever encoded as JSON, where a copy and the original read the same."""
    state = {each.name: getattr(active_loop, each.name) for each in fields(active_loop)}
    if isinstance(state["trigger_message"], dict):
        state["trigger_message"] = dict(state["trigger_message"])
    return state


def copy_the_active_loop_shallowly() -> None:
    """A tracker's state without a deep copy of its form's trigger message.

    Rasa builds the state for every call to the action server, and while a form
    is active ``dataclasses.asdict`` walked the trigger message's parse data
    (rankings, response selector) item by item: 5-8% of the Rasa server's CPU
    under the benchmark's booking form.
    """
    from rasa.shared.core.constants import ACTIVE_LOOP
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    rasas_own = DialogueStateTracker.current_state
    if getattr(rasas_own, "copies_active_loop_shallowly", False):
        return

    def current_state(
        self: DialogueStateTracker,
        event_verbosity: EventVerbosity = EventVerbosity.NONE,
    ) -> dict[str, Any]:
        active_loop = self.active_loop
        if active_loop is None:
            return rasas_own(self, event_verbosity)
        self.active_loop = None
        try:
            state = rasas_own(self, event_verbosity)
        finally:
            self.active_loop = active_loop
        state[ACTIVE_LOOP] = active_loop_as_sent(active_loop)
        return state

    current_state.copies_active_loop_shallowly = True  # type: ignore[attr-defined]
    DialogueStateTracker.current_state = current_state  # type: ignore[method-assign]


def run_prediction_graph_in_order() -> None:
    """The server's graph runner without dask's scheduler (clinic/graph_runner.py)."""
    import rasa.core.processor

    from clinic.graph_runner import SequentialGraphRunner

    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]


def keep_long_messages_short_in_the_tracker() -> None:
    """A message is read whole, then kept cut to ``MAX_KEPT_MESSAGE_CHARS``.

    NLU and the crisis detector read up to 64,000 characters, but the
    conversation keeps what it is told: a tracker is held in the server's cache,
    stored, and sent whole to the action server on every custom action. In the
    fuzz run ten conversations of maximum-size messages grew the Rasa server by
    257 MB and made each of their messages take seconds. Kept cut, the text
    staff read and the crisis flag (also cut at 5,000) lose only the tail.
    """
    from rasa.core.processor import MessageProcessor

    rasas_own = MessageProcessor._handle_message_with_tracker
    if getattr(rasas_own, "keeps_messages_short", False):
        return

    async def handle(self: MessageProcessor, message: Any, tracker: Any) -> None:
        if len(message.text or "") > MAX_KEPT_MESSAGE_CHARS:
            parse_data = message.parse_data or await self.parse_message(
                message, tracker
            )
            message.text = cut_to_keep(message.text)
            message.parse_data = {**parse_data, "text": cut_to_keep(parse_data["text"])}
        await rasas_own(self, message, tracker)

    handle.keeps_messages_short = True  # type: ignore[attr-defined]
    MessageProcessor._handle_message_with_tracker = handle  # type: ignore[method-assign]


def cut_to_keep(text: str | None) -> str:
    text = text or ""
    if len(text) <= MAX_KEPT_MESSAGE_CHARS:
        return text
    left_out = len(text) - MAX_KEPT_MESSAGE_CHARS
    return f"{text[:MAX_KEPT_MESSAGE_CHARS]} […{left_out} more characters not kept]"


def freeze_live_objects() -> None:
    """What the process holds now moved out of the collector's full passes."""
    gc.collect()
    gc.freeze()


def freeze_once_the_agent_is_loaded() -> None:
    """Loaded models and modules left out of the garbage collector's full
    passes: frozen after every agent load, unfrozen before the next one.

    A full (generation 2) collection walks every object the process holds:
    spaCy's vocabulary, the classifier, Rasa's domain and graph, every imported
    module. Under the benchmark's load one came about once a minute and stopped
    the Rasa server for 150-195 ms and the action server for 120-130 ms, and
    every conversation in flight waited that long (docs/performance.md). What
    exists once a server has loaded its model or actions lives until the next
    load, so ``gc.freeze`` moves it to a generation the collector leaves alone.
    Only ``rasa run`` gets this (importing the agent costs other commands
    2 s); the action server freezes once its actions are registered
    (rasa_sdk_plugins/).

    Unfreezing first lets a replaced model (``PUT /model``) be collected as
    before. The freeze waits for the event loop's next turn, when the caller
    has put the new agent in use. A model loaded only for ``POST /model/test``
    is frozen while it is evaluated; what it leaves in reference cycles (about
    4,000 objects) is collected at the next load.
    """
    import rasa.core.agent

    load_agent = rasa.core.agent.load_agent

    async def load_agent_then_freeze(*args: Any, **kwargs: Any) -> Any:
        gc.unfreeze()
        agent = await load_agent(*args, **kwargs)
        asyncio.get_running_loop().call_soon(freeze_live_objects)
        return agent

    rasa.core.agent.load_agent = load_agent_then_freeze  # type: ignore[assignment]


Touch = Touched  # short names for the table below


@dataclass(frozen=True)
class Patch:
    """One change to Rasa: what it does, which of Rasa's code it relies on,
    and whether it is a speed-up (left out when running stock Rasa)."""

    name: str
    apply: Callable[[], None]
    touches: tuple[Touched, ...] = ()
    speed: bool = False
    only_for: str = ""  # "server" (rasa run) or "actions" (rasa run actions)

    def applies_to(self, command: str) -> bool:
        """The action server runs without Rasa, so Rasa's patches skip it."""
        if command == "actions":
            return self.only_for == "actions"
        return self.only_for in ("", command)


def every_patch() -> tuple[Patch, ...]:
    """In the order they are applied (``defer_tensorflow`` before anything
    imports ``rasa.server``; the freeze after what it wraps)."""
    return (
        Patch(
            "visitor text kept out of logs",
            keep_visitor_text_out_of_logs,
            (
                Touch("rasa.utils.log_utils", "_anonymizer", SHA["anonymizer"]),
                Touch("rasa.utils.log_utils", "configure_structlog", SHA["structlog"]),
            ),
        ),
        Patch("TensorFlow deferred", defer_tensorflow, speed=True),
        Patch(
            "training graph read on use",
            read_training_graph_on_use,
            (
                Touch(
                    "rasa.engine.storage.storage",
                    "ModelMetadata.from_dict",
                    SHA["metadata"],
                ),
            ),
            speed=True,
        ),
        Patch(
            "action results validated by a compiled schema",
            validate_action_results_compiled,
            (
                Touch(
                    "rasa.core.actions.action",
                    "RemoteAction._validate_action_result",
                    SHA["validate"],
                ),
            ),
            speed=True,
        ),
        Patch(
            "action server requests encoded by orjson",
            encode_endpoint_requests_with_orjson,
            (Touch("rasa.utils.endpoints", "EndpointConfig.session", SHA["session"]),),
            speed=True,
        ),
        Patch(
            "one empty domain to compare with",
            compare_domains_with_one_empty_domain,
            (Touch("rasa.shared.core.domain", "Domain.is_empty", SHA["is_empty"]),),
            speed=True,
        ),
        Patch(
            "form state copied shallowly",
            copy_the_active_loop_shallowly,
            (
                Touch(
                    "rasa.shared.core.trackers",
                    "DialogueStateTracker.current_state",
                    SHA["current_state"],
                ),
            ),
            speed=True,
        ),
        Patch(
            "prediction graph run in order",
            run_prediction_graph_in_order,
            (Touch("rasa.engine.runner.dask", "DaskGraphRunner", SHA["runner"]),),
            speed=True,
        ),
        Patch(
            "long messages kept short in the tracker",
            keep_long_messages_short_in_the_tracker,
            (
                Touch(
                    "rasa.core.processor",
                    "MessageProcessor._handle_message_with_tracker",
                    SHA["handle"],
                ),
            ),
        ),
        Patch(
            "spaCy pipeline renewed when grown",
            renew_spacy_when_grown,
            (Touch("rasa.nlu.utils.spacy_utils", "SpacyNLP.process", SHA["spacy"]),),
        ),
        Patch(
            # Not applied: the store (endpoints.yml) subclasses Rasa's and
            # writes rows and counts events as Rasa's own methods do.
            "tracker store",
            lambda: None,
            (
                Touch("rasa.core.tracker_store", "SQLTrackerStore.save", SHA["save"]),
                Touch(
                    "rasa.core.tracker_store",
                    "SQLTrackerStore._event_query",
                    SHA["event_query"],
                ),
                Touch(
                    "rasa.core.tracker_store",
                    "SQLTrackerStore.SQLEvent",
                    SHA["sql_event"],
                ),
                Touch(
                    "rasa.core.tracker_store",
                    "TrackerStore._stream_new_events",
                    SHA["stream"],
                ),
            ),
        ),
        Patch(
            "Rasa token read from a header",
            accept_the_token_in_a_header,
            (Touch("rasa.server", "requires_auth", SHA["requires_auth"]),),
            only_for="server",
        ),
        Patch(
            # The token check and the freeze are attached by rasa-sdk's plugin
            # hook (rasa_sdk_plugins/), which rasa_sdk.endpoint.run calls.
            "action server on loopback with a token",
            guard_action_server,
            (Touch("rasa_sdk.endpoint", "run", SHA["sdk_run"]),),
            only_for="actions",
        ),
        Patch(
            "loaded model frozen",
            freeze_once_the_agent_is_loaded,
            (Touch("rasa.core.agent", "load_agent", SHA["load_agent"]),),
            speed=True,
            only_for="server",
        ),
    )


#: sha256 of the source each patch was written against (Rasa 3.6.21,
#: rasa-sdk 3.6.2); ``python -m clinic.rasa_guard`` prints the installed ones.
SHA: dict[str, str] = {
    "anonymizer": "9e202278c624458c2cf58ef489ee1379de858bd784ff48cd76badfc427e6e0d5",
    "structlog": "adbf22a14c77a21e85c41529dbc64609adbaed266a51351007f3d81f26342cf5",
    "metadata": "974b17cd39422bd06b76ff4aa46906422ba037cab1b87af858296141f95abc10",
    "validate": "7714afb4250b7f8b24364418885b412b04d958f1bad3532a5207cdb41aa52d56",
    "session": "6ae219d9597a6178c650da177559aecdb5b0b6b478348918ded65cdfff68bff1",
    "is_empty": "f3fc99131bbda1f2021dcb88840cbbca61efc38db0b970d69a6fb93550b7c96f",
    "current_state": "4119150d676f2508436e6e740308b60d5c0290818caa95ddae4993172c629145",
    "runner": "baadaf6063fe4d225ff7ee6b1d6b5677f7886ceda48439acd5126115e3bda8a0",
    "handle": "e5c22d32136bae5920399d4e9243b6251c0578023152b720d93ee217cca4e723",
    "spacy": "197aca74d807781f8c030696289cfecdbd229fc2eb4bed4b121da80cf4239f89",
    "save": "ad2b5ed7174f78fb4fb6eeeaad23626337f688b2ede2d9c25b061ce136860827",
    "event_query": "e21b119189c267610ed4bb01477a7d136742028fbfb0bfedcc839e78fc330940",
    "sql_event": "b53d96b853109b3ad25bf2844fad9c725db73541964633429e52dc14dea073be",
    "stream": "82a1917874eac02429d016b8b006b2e1da58b75fd2bcfcf07e9d6d9c95a9198a",
    "requires_auth": "da5bc9dac0d1e5950b9f96244b78e2098da14353b54578de375442e50e59e536",
    "sdk_run": "c5dfaa172d966c1d700581a587b6923acb790400b4689d30fb1f819d7a2831ef",
    "load_agent": "f4f12a1775e8902c9bb5cad38f5ae0156c2d0a674360e2c6bd1b24c6587cdb1b",
}


def command_of(arguments: list[str]) -> str:
    if arguments[:2] == ["run", "actions"]:
        return "actions"
    if arguments[:1] == ["run"]:
        return "server"
    return "other"


def stock_rasa() -> bool:
    return os.environ.get(STOCK_VARIABLE, "").strip().lower() in {"1", "true", "yes"}


def patches_for(command: str, stock: bool) -> list[Patch]:
    return [
        patch
        for patch in every_patch()
        if patch.applies_to(command) and not (stock and patch.speed)
    ]


def apply_checked(command: str, stock: bool) -> list[Patch]:
    """Checks the installed Rasa against every patch for ``command``, then
    applies them; refuses to start (``RasaNotAsPatched``) on a difference."""
    patches = patches_for(command, stock)
    check(touched for patch in patches for touched in patch.touches)
    for patch in patches:
        patch.apply()
    return patches


def announce(patches: list[Patch], stock: bool) -> None:
    """Says at start which Rasa runs: stock or patched, and how."""
    kind = f"stock Rasa ({STOCK_VARIABLE}=1: no speed patches)" if stock else "Rasa"
    names = ", ".join(patch.name for patch in patches)
    print(f"clinic: {kind} checked, with: {names}", file=sys.stderr, flush=True)


def apply_fixes() -> None:
    """Every patch that any command gets (used by tests as a server would)."""
    for patch in every_patch():
        if not patch.only_for:
            patch.apply()


def limit_request_bodies(arguments: list[str]) -> None:
    """Sanic reads SANIC_* settings from the environment when Rasa creates its
    app: bodies over the limit get 413 before they are read. The action server
    takes whole trackers from the Rasa server, the Rasa server single messages."""
    action_server = command_of(arguments) == "actions"
    limit = MAX_ACTION_REQUEST_BYTES if action_server else MAX_REQUEST_BYTES
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(limit))


def run_the_action_server(arguments: list[str]) -> None:
    """``rasa run actions`` as Rasa runs it (rasa/cli/run.py), through
    rasa-sdk alone: importing Rasa's command line loaded Rasa, spaCy and
    TensorFlow into a server that needs none of them (656 MB at start)."""
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser

    args = create_argument_parser().parse_args(arguments)
    args.actions = args.actions or DEFAULT_ACTIONS_PACKAGE
    main_from_args(args)


def main() -> None:
    arguments = sys.argv[1:]
    command = command_of(arguments)
    limit_request_bodies(arguments)
    stock = stock_rasa()
    patches = apply_checked(command, stock)
    announce(patches, stock)
    if command == "actions":
        run_the_action_server(arguments[2:])
        return
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
