"""Staff retrain the assistant from the console, through the real servers.

A copy of the project's content is edited through its own console, talking to
the suite's real Rasa server (which serves its own model again afterwards). A message
the model gets wrong reaches the review queue; staff assign it to the right
topic; the example lands in the topic's file; a candidate is trained, passes the
gate and is put live with ``PUT /model``, and labels the message correctly. Then
staff roll back, and a candidate made worse on purpose is refused.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from clinic.evaluation import contract_label, label_from_parse
from harness.live_chat import (
    PASSWORD,
    Console,
    StaffMember,
    console_server,
    create_staff_account,
)
from harness.servers import (
    VENV_BIN,
    Assistant,
    base_environment,
)
from harness.workspace import project_copy

# Parking is not in the training data: the model reads it as a booking request.
MISREAD = "where do i park for my appointment"
RIGHT_TOPIC = "faq/preparation.what_to_bring"  # the answer staff assign it to
TRAINING_TIMEOUT = 600


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Path:
    return project_copy(tmp_path_factory.mktemp("retraining") / "project", model_path)


@pytest.fixture(scope="module")
def environment(workspace: Path, assistant: Assistant) -> dict[str, str]:
    create_staff_account(assistant.database_url, "robin", "Robin", PASSWORD, "admin")
    return {
        **base_environment(assistant.database_url),
        "CONTENT_ROOT": str(workspace),
    }


@pytest.fixture(scope="module")
def served(assistant: Assistant, model_path: Path) -> Iterator[Assistant]:
    """The suite's assistant; whatever happens here, it serves its model again after."""
    yield assistant
    if serving_model(assistant) != model_path.name:
        requests.put(
            f"{assistant.url}/model",
            params={"token": assistant.token},
            json={"model_file": str(model_path)},
            timeout=120,
        ).raise_for_status()


@pytest.fixture(scope="module")
def console(
    served: Assistant, environment: dict[str, str], server_logs: Path
) -> Iterator[Console]:
    with console_server(environment, served.url, served.token, server_logs) as running:
        yield running


@pytest.fixture(scope="module")
def robin(console: Console) -> StaffMember:
    staff = StaffMember(console)
    assert staff.sign_in("robin", PASSWORD).status_code == 302
    return staff


def serving_model(assistant: Assistant) -> str:
    response = requests.get(
        f"{assistant.url}/status", params={"token": assistant.token}, timeout=10
    )
    return Path(response.json()["model_file"]).name


def label(assistant: Assistant, text: str) -> str:
    """The topic, as the contract reads it: the answer chosen within it may vary."""
    return contract_label(label_from_parse(assistant.parse(text)))


def finished_run(staff: StaffMember) -> dict:
    deadline = time.monotonic() + TRAINING_TIMEOUT
    while time.monotonic() < deadline:
        run = staff.http.get(f"{staff.console.url}/training/status", timeout=10).json()[
            "run"
        ]
        if run and not run["active"]:
            return run
        time.sleep(2)
    raise AssertionError(f"training did not finish within {TRAINING_TIMEOUT} s")


def test_a_misread_message_is_reviewed_learned_and_put_live(
    served: Assistant, robin: StaffMember, workspace: Path
) -> None:
    original = serving_model(served)
    assert label(served, MISREAD) != contract_label(RIGHT_TOPIC)
    served.send("parking-visitor", MISREAD)
    served.send("parking-visitor", "can I talk to a real person")

    queue = robin.http.get(f"{robin.console.url}/review", timeout=10).text
    assert MISREAD in queue
    assert "followed by a request for a person" in queue
    item = re.search(r'name="item" value="([^"]+)"', queue).group(1)
    assert item.startswith("parking-visitor|")

    response = robin.post("/review/assign", item=item, topic=RIGHT_TOPIC, text=MISREAD)
    assert response.status_code == 302, response.text
    assert f"    - {MISREAD}\n" in (workspace / "data/faq/preparation.yml").read_text()
    queue = robin.http.get(f"{robin.console.url}/review", timeout=10).text
    assert f'value="{item}"' not in queue

    assert robin.post("/training/start").status_code == 302
    run = finished_run(robin)
    page = robin.http.get(f"{robin.console.url}/training", timeout=10).text
    assert run["status"] == "deployed", page
    assert serving_model(served) != original
    assert serving_model(served).startswith(f"candidate-{run['id']}-")
    assert label(served, MISREAD) == contract_label(RIGHT_TOPIC)

    # One action puts the previous model back.
    assert robin.post("/training/rollback").status_code == 302
    assert serving_model(served) == original
    assert label(served, MISREAD) != contract_label(RIGHT_TOPIC)


def test_a_candidate_that_misses_crisis_messages_is_refused(
    served: Assistant, environment: dict[str, str], workspace: Path, robin: StaffMember
) -> None:
    before = serving_model(served)
    crisis_file = workspace / "data/nlu/crisis.yml"
    crisis_file.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")

    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "clinic.training", "train", "--by", "robin"],
        cwd=workspace,
        env={**environment, "RASA_URL": served.url, "RASA_AUTH_TOKEN": served.token},
        capture_output=True,
        text=True,
        timeout=TRAINING_TIMEOUT,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "refused" in result.stdout
    assert "Crisis messages" in result.stdout
    assert serving_model(served) == before
    assert label(served, "I want to kill myself") == "crisis"
    page = robin.http.get(f"{robin.console.url}/training", timeout=10).text
    assert "Not put live, because" in page
