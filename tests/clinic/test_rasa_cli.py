"""The clinic's fixes to Rasa 3.6 behave as Rasa's own code does, only faster."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from clinic.rasa_patches import speed
from harness.servers import PROJECT_ROOT, VENV_BIN, base_environment

VALID_ANSWER = {
    "events": [{"event": "slot", "name": "booking_name", "value": "Sam"}],
    "responses": [{"response": "utter_ask_booking_phone"}],
}
INVALID_ANSWERS = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": ["not an object"]},
]


RASAS_OWN_VALIDATION = RemoteAction._validate_action_result


@pytest.fixture
def fixed_action() -> Iterator[RemoteAction]:
    original = RemoteAction._validate_action_result
    speed.validate_action_results_compiled()
    yield RemoteAction("validate_booking_form", EndpointConfig("http://127.0.0.1:1"))
    RemoteAction._validate_action_result = original  # type: ignore[method-assign]


def test_a_valid_answer_passes(fixed_action: RemoteAction) -> None:
    assert RASAS_OWN_VALIDATION is not speed.validate_action_result
    assert RemoteAction._validate_action_result is speed.validate_action_result
    assert fixed_action._validate_action_result(VALID_ANSWER) is True
    assert RASAS_OWN_VALIDATION(fixed_action, VALID_ANSWER) is True


@pytest.mark.parametrize("answer", INVALID_ANSWERS)
def test_an_invalid_answer_is_refused_as_rasa_refuses_it(
    fixed_action: RemoteAction, answer: dict
) -> None:
    with pytest.raises(ValidationError) as rasa_error:
        RASAS_OWN_VALIDATION(fixed_action, answer)
    with pytest.raises(ValidationError) as fixed_error:
        fixed_action._validate_action_result(answer)
    assert "Failed to validate Action server response" in fixed_error.value.message
    assert fixed_error.value.message == rasa_error.value.message


def test_the_schema_is_compiled_once() -> None:
    assert speed.action_result_validator() is speed.action_result_validator()


# A new interpreter, as `scripts/rasa run` starts one: the fixes, then the model
# loaded as the server loads it, a message parsed, then the training graph read.
SERVER_LOADS_THE_MODEL = """
import asyncio, json, sys
from clinic.rasa_patches.table import apply_fixes
apply_fixes()
from rasa.core.agent import Agent
import thinc.compat
agent = Agent.load(sys.argv[1])
parsed = asyncio.run(agent.parse_message("I want to end my life"))
before = "tensorflow" in sys.modules
training_graph = agent.processor.model_metadata.train_schema
nodes = {name: node.uses.__name__ for name, node in training_graph.nodes.items()}
print(json.dumps({
    "intent": parsed["intent"]["name"],
    "tensorflow_while_serving": before,
    "thinc_offers_tensorflow": thinc.compat.has_tensorflow,
    "training_graph": nodes,
    "tensorflow_after_training_graph": "tensorflow" in sys.modules,
}))
"""


def run_python(script: str, *arguments: str, database: Path) -> dict:
    """``script`` in a new interpreter; the last line it prints, read as JSON."""
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-c", script, *arguments],
        cwd=PROJECT_ROOT,
        env=base_environment(f"sqlite:///{database}"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server_load(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    database = tmp_path_factory.mktemp("rasa-cli") / "clinic.db"
    return run_python(SERVER_LOADS_THE_MODEL, str(model_path), database=database)


def test_the_server_loads_and_answers_without_tensorflow(server_load: dict) -> None:
    assert server_load["intent"] == "crisis"
    assert server_load["tensorflow_while_serving"] is False
    assert server_load["thinc_offers_tensorflow"] is False


def test_the_training_graph_is_still_read_in_full_when_used(
    server_load: dict, model_path: Path
) -> None:
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    as_rasa_reads_it = LocalModelStorage.metadata_from_archive(model_path)
    graph = server_load["training_graph"]
    assert graph == {
        name: node.uses.__name__
        for name, node in as_rasa_reads_it.train_schema.nodes.items()
    }
    assert graph["schema_validator"] == "DefaultV1RecipeValidator"
    assert "LinearIntentClassifier" in graph.values()
    # the recipe validator imports DIET and TED to check configurations
    assert server_load["tensorflow_after_training_graph"] is True


def test_an_empty_domain_is_still_told_from_a_real_one() -> None:
    from rasa.shared.core.domain import Domain

    rasas_own = Domain.is_empty
    speed.compare_domains_with_one_empty_domain()
    try:
        real = Domain.load(str(PROJECT_ROOT / "domain"))
        for domain in (Domain.empty(), Domain.from_dict({}), real):
            assert domain.is_empty() is rasas_own(domain)
        assert real.is_empty() is False
        assert Domain.empty().is_empty() is True
    finally:
        Domain.is_empty = rasas_own  # type: ignore[method-assign]


# What an action call carries: a conversation's events with their parse data,
# text in other scripts and emoji, integer keys, and the domain.
ACTION_CALL = {
    "next_action": "validate_booking_form",
    "tracker": {
        "events": [
            {
                "event": "user",
                "text": "¿Hablas español? 😟 <script>alert(1)</script>",
                "timestamp": 1764518400.123456,
                "parse_data": {
                    "intent": {"name": "out_of_scope", "confidence": 0.4132},
                    "entities": [],
                },
            },
            {"event": "slot", "name": "booking_failures", "value": 2},
            {"event": "slot", "name": "booking_confirmed", "value": None},
        ],
        "slots": {"booking_consent": True, "booking_time": 0.5},
    },
    "numbers": {1: "one", 2.5: "two and a half"},
    "big": 2**70,
}


def test_requests_are_encoded_to_what_json_dumps_gives() -> None:
    from rasa.shared.core.domain import Domain

    domain = Domain.load(str(PROJECT_ROOT / "domain")).as_dict()
    for value in (ACTION_CALL, {**ACTION_CALL, "domain": domain}, [], "text", None):
        assert json.loads(speed.encode_json(value)) == json.loads(json.dumps(value))


async def test_the_action_server_receives_the_request_as_sent() -> None:
    from aiohttp import web

    received: list[dict] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rasas_own = EndpointConfig.session
    speed.encode_endpoint_requests_with_orjson()
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        answer = await endpoint.request(json=ACTION_CALL, method="post")
    finally:
        EndpointConfig.session = rasas_own  # type: ignore[method-assign]
        await runner.cleanup()
    assert answer == {"events": [], "responses": []}
    assert received == [json.loads(json.dumps(ACTION_CALL))]


def tracker_in_the_booking_form() -> Any:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(PROJECT_ROOT / "domain"))
    parse = {
        "intent": {"name": "book_consultation", "confidence": 0.97},
        "intent_ranking": [{"name": "book_consultation", "confidence": 0.97}],
        "entities": [],
        "response_selector": {"faq": {"ranking": [{"confidence": 0.1}]}},
    }
    tracker = DialogueStateTracker("visitor", domain.slots)
    for event in (
        ActionExecuted("action_listen"),
        UserUttered("I'd like to book", parse["intent"], parse_data=parse),
        ActionExecuted("booking_form"),
        ActiveLoop("booking_form"),
        SlotSet("requested_slot", "booking_first_name"),
    ):
        tracker.update(event, domain)
    return tracker


def test_a_trackers_state_is_rasas_with_the_form_copied_shallowly() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    rasas_own = DialogueStateTracker.current_state
    tracker = tracker_in_the_booking_form()
    idle = DialogueStateTracker("idle", [])
    expected = rasas_own(tracker, EventVerbosity.ALL)
    expected_idle = rasas_own(idle, EventVerbosity.ALL)
    speed.copy_the_active_loop_shallowly()
    try:
        state = tracker.current_state(EventVerbosity.ALL)
        assert idle.current_state(EventVerbosity.ALL) == expected_idle
    finally:
        DialogueStateTracker.current_state = rasas_own  # type: ignore[method-assign]
    assert state == expected
    assert json.loads(speed.encode_json(state)) == json.loads(json.dumps(expected))
    assert state["active_loop"]["name"] == "booking_form"
    assert tracker.active_loop is not None  # put back after the state was read
    assert tracker.active_loop.name == "booking_form"
    state["active_loop"]["trigger_message"]["intent"] = "changed"
    assert tracker.active_loop.trigger_message["intent"]["name"] == "book_consultation"


# A new interpreter, as `scripts/rasa run` starts one: the model loaded as the
# server loads it at start, then replaced, as PUT /model replaces it.
SERVER_LOADS_AND_REPLACES_THE_MODEL = """
import asyncio, gc, json, sys
from clinic.rasa_cli import command_of
from clinic.rasa_patches.table import apply_checked
apply_checked(command_of(["run", "--model", sys.argv[1]]), stock=False)
import rasa.core.agent

async def load():
    return await rasa.core.agent.load_agent(model_path=sys.argv[1])

async def main():
    before = gc.get_freeze_count()
    agent = await load()
    right_after_loading = gc.get_freeze_count()
    await asyncio.sleep(0)
    frozen = gc.get_freeze_count()
    agent = await load()  # the first one is no longer referenced
    await asyncio.sleep(0)
    frozen_after_replacing = gc.get_freeze_count()
    gc.unfreeze()
    # Had the first model stayed frozen, its reference cycles (about 4,000
    # objects) would be found only now.
    found_once_unfrozen = gc.collect()
    parsed = await agent.parse_message("I want to end my life")
    return {
        "frozen_before": before,
        "frozen_right_after_loading": right_after_loading,
        "frozen_once_in_use": frozen,
        "frozen_after_replacing": frozen_after_replacing,
        "garbage_found_once_unfrozen": found_once_unfrozen,
        "intent": parsed["intent"]["name"],
    }

print(json.dumps(asyncio.run(main())))
"""

ACTION_SERVER_REGISTERS_ITS_ACTIONS = """
import gc, json
import rasa_sdk.endpoint
from rasa_sdk.plugin import plugin_manager
before = gc.get_freeze_count()
app = rasa_sdk.endpoint.create_app("actions")
# as rasa_sdk.endpoint.run does: the project's plugin (rasa_sdk_plugins/)
plugin_manager().hook.attach_sanic_app_extensions(app=app)
print(json.dumps({
    "frozen_before": before,
    "frozen_after": gc.get_freeze_count(),
}))
"""

OTHER_COMMANDS_ARE_LEFT_ALONE = """
import json, sys
from clinic.rasa_cli import command_of
from clinic.rasa_patches.table import apply_checked
apply_checked(command_of(["train", "--fixed-model-name", "x"]), stock=False)
print(json.dumps({
    "agent_imported": "rasa.core.agent" in sys.modules,
    "sdk_imported": "rasa_sdk.endpoint" in sys.modules,
}))
"""


def test_the_loaded_model_is_frozen_once_in_use_and_collected_once_replaced(
    model_path: Path, tmp_path: Path
) -> None:
    state = run_python(
        SERVER_LOADS_AND_REPLACES_THE_MODEL,
        str(model_path),
        database=tmp_path / "clinic.db",
    )
    assert state["frozen_before"] == 0
    assert state["frozen_right_after_loading"] == 0
    # spaCy's vocabulary, the classifier, Rasa's graph and all modules
    assert state["frozen_once_in_use"] > 100_000
    assert state["frozen_after_replacing"] > 100_000
    assert state["garbage_found_once_unfrozen"] < 100  # the first model's was freed
    assert state["intent"] == "crisis"


def test_the_action_servers_objects_are_frozen_once_its_actions_are_registered(
    tmp_path: Path,
) -> None:
    state = run_python(ACTION_SERVER_REGISTERS_ITS_ACTIONS, database=tmp_path / "db")
    assert state["frozen_before"] == 0
    assert state["frozen_after"] > 10_000


def test_other_commands_do_not_import_the_servers(tmp_path: Path) -> None:
    state = run_python(OTHER_COMMANDS_ARE_LEFT_ALONE, database=tmp_path / "db")
    assert state == {"agent_imported": False, "sdk_imported": False}
