"""The speed patches: each replaces one Rasa function with one that behaves the
same, or puts off work until it is needed (docs/performance.md has the
measurements). ``CLINIC_STOCK_RASA=1`` leaves them all out."""

from __future__ import annotations

import asyncio
import gc
import sys
from dataclasses import fields
from functools import cache, cached_property
from typing import Any, ClassVar

from clinic.rasa_patches.action_results import ActionResultValidator
from clinic.rasa_patches.deferred_imports import DeferredImports

#: Rasa modules that import TensorFlow at their top but whose functions only
#: training and the TensorFlow models call. Serving this project's model never
#: touches them, so they are executed on first use instead of at import.
TENSORFLOW_ONLY_MODULES = frozenset({"rasa.utils.train_utils"})


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
    event is then checked against its own type only (action_results.py).
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


class EventClasses:
    """Rasa's event classes by type name, as ``Event.resolve_by_type`` finds
    them: the first of ``all_subclasses(Event)`` with the name. Read again when
    a name is not in it (an event class imported since)."""

    by_name: ClassVar[dict[str, Any]] = {}

    @classmethod
    def named(cls, type_name: str) -> Any:
        found = cls.by_name.get(type_name)
        if found is None:
            cls.by_name = cls.read()  # a new table, swapped in whole
            found = cls.by_name.get(type_name)
        return found

    @staticmethod
    def read() -> dict[str, Any]:
        from rasa.shared.core.events import Event
        from rasa.shared.utils.common import all_subclasses

        table: dict[str, Any] = {}
        for event_class in reversed(all_subclasses(Event)):  # so the first wins
            table[event_class.type_name] = event_class
        return table


def resolve_event_by_type(type_name: str, default: Any = None) -> Any:
    """``Event.resolve_by_type`` from a table instead of a walk of the classes."""
    found = EventClasses.named(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # as Rasa: old TopicSet events are skipped
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def resolve_events_from_a_table() -> None:
    """Event classes looked up by name in a table.

    Each stored event of a conversation is turned back into an event by its
    type name, and Rasa found the class by walking every subclass of ``Event``
    (recursively, checking each for abstract methods) for every event: with
    the tracker read for every message, 10-18% of the Rasa server's CPU in the
    fuzz run's messages (cProfile; docs/performance.md).
    """
    from rasa.shared.core.events import Event

    Event.resolve_by_type = staticmethod(resolve_event_by_type)  # type: ignore[assignment]


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
    """The server's graph runner without dask's scheduler (graph_runner.py)."""
    import rasa.core.processor

    from clinic.rasa_patches.graph_runner import SequentialGraphRunner

    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]


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
