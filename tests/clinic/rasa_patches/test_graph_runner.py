"""The graph runner without dask gives the model's own answers, as dask's does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.engine.loader import load_predict_graph_runner
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.storage import ModelMetadata
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic.rasa_patches.graph_runner import (
    SequentialGraphRunner,
    nodes_in_dependency_order,
)

MESSAGES = [
    "how much does ketamine therapy cost",
    "i dont want to be alive anymore",
    "I'd like to book a consultation",
    "hello",
    "asdkjh qwpeoiru zmxncb",
    "can I take it with my sertraline",
]

Loaded = tuple[ModelMetadata, Any]


@pytest.fixture(scope="module")
def runners(
    model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Loaded]:
    return {
        runner.__name__: load_predict_graph_runner(
            tmp_path_factory.mktemp(runner.__name__),
            model_path,
            LocalModelStorage,
            runner,
        )
        for runner in (DaskGraphRunner, SequentialGraphRunner)
    }


def understood(loaded: Loaded, text: str) -> dict[str, Any]:
    metadata, runner = loaded
    results = runner.run(
        inputs={PLACEHOLDER_MESSAGE: [UserMessage(text)], PLACEHOLDER_TRACKER: None},
        targets=[metadata.nlu_target],
    )
    data = results[metadata.nlu_target][0].data
    return {
        key: data.get(key)
        for key in ("intent", "intent_ranking", "response_selector", "entities", "text")
    }


def predicted(
    loaded: Loaded, parse_data: dict[str, Any]
) -> tuple[list[float], str | None]:
    metadata, runner = loaded
    tracker = DialogueStateTracker.from_events(
        "visitor",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            UserUttered(
                parse_data["text"], parse_data["intent"], parse_data=parse_data
            ),
        ],
        slots=metadata.domain.slots,
    )
    results = runner.run(
        inputs={PLACEHOLDER_TRACKER: tracker}, targets=[metadata.core_target]
    )
    prediction = results[metadata.core_target]
    return prediction.probabilities, prediction.policy_name


@pytest.mark.parametrize("text", MESSAGES)
def test_the_same_understanding_and_next_action_as_dask(
    runners: dict[str, Loaded], text: str
) -> None:
    with_dask = understood(runners["DaskGraphRunner"], text)
    in_order = understood(runners["SequentialGraphRunner"], text)
    assert in_order == with_dask
    assert in_order["intent"]["name"]
    assert predicted(runners["SequentialGraphRunner"], in_order) == predicted(
        runners["DaskGraphRunner"], with_dask
    )


def test_a_crisis_message_is_still_understood_as_crisis(
    runners: dict[str, Loaded],
) -> None:
    parsed = understood(runners["SequentialGraphRunner"], "I want to kill myself")
    assert parsed["intent"]["name"] == "crisis"


def node(needs: dict[str, str]) -> SchemaNode:
    return SchemaNode(
        needs=needs,
        uses=DaskGraphRunner,
        constructor_name="create",
        fn="run",
        config={},
    )


def test_nodes_come_after_what_they_need_and_only_what_targets_need() -> None:
    schema = GraphSchema(
        {
            "tokens": node({"text": "__message__"}),
            "features": node({"tokens": "tokens"}),
            "intent": node({"features": "features", "tokens": "tokens"}),
            "unused": node({"tokens": "tokens"}),
        }
    )
    assert nodes_in_dependency_order(schema, ("intent",)) == (
        "tokens",
        "features",
        "intent",
    )


def test_an_input_named_like_a_node_is_refused_as_dask_refuses_it(
    runners: dict[str, Loaded],
) -> None:
    metadata, runner = runners["SequentialGraphRunner"]
    first_node = next(iter(metadata.predict_schema.nodes))
    with pytest.raises(GraphRunError):
        runner.run(inputs={first_node: "clash"}, targets=[metadata.nlu_target])
