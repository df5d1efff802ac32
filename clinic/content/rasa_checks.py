"""Rasa's own data validation, its warnings collected as problems for staff.

The whole project is validated when training (the gate); a staff edit checks the
one file it changed with Rasa's YAML reader."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from clinic.content.project_content import Problem
from clinic.content.topics import DOMAIN_DIR

# Rasa warns about these on every project like this one: the first always, the
# second because the retrieval intents (faq, out_of_scope) are declared in the
# domain as well as derived from the data.
IGNORED_RASA_WARNINGS = (
    "Slot auto-fill has been removed",
    "The following duplicated intents have been found",
)

_RASA_LOCK = threading.Lock()  # warnings capture is process-wide


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def rasa_warnings() -> Iterator[list[str]]:
    """Rasa's warnings (warnings module and its loggers) raised inside the block."""
    messages: list[str] = []
    handler = _Collect()
    rasa_logger = logging.getLogger("rasa")
    rasa_logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield messages
    finally:
        rasa_logger.removeHandler(handler)
    lines = [
        line.strip()
        for warning in caught
        if issubclass(warning.category, UserWarning)
        for line in str(warning.message).splitlines()
    ]
    messages.extend(
        line for line in lines if line and not line.startswith(IGNORED_RASA_WARNINGS)
    )
    messages.extend(handler.messages)


def rasa_problem(message: str) -> Problem:
    return Problem(
        "Rasa, which trains the assistant, reports a problem with the training "
        "data. Undo the change, or ask the assistant's developer for help.",
        detail=message,
    )


def rasa_checks() -> list[Callable[[Any], bool]]:
    # What `rasa data validate --fail-on-warnings` runs (rasa/cli/utils.py).
    return [
        lambda validator: validator.verify_domain_validity(),
        lambda validator: validator.verify_actions_in_stories_rules(),
        lambda validator: validator.verify_forms_in_stories_rules(),
        lambda validator: validator.verify_form_slots(),
        lambda validator: validator.verify_slot_mappings(),
        lambda validator: validator.verify_intents_in_stories(False),
        lambda validator: validator.verify_example_repetition_in_intents(False),
        lambda validator: validator.verify_utterances_in_stories(False),
        lambda validator: validator.verify_story_structure(False),
    ]


def rasa_problems(root: Path) -> list[Problem]:
    """Rasa's data validation, in this process; warnings count as problems."""
    # Imported on first use: Rasa takes seconds to import.
    from rasa.shared.exceptions import RasaException
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    with _RASA_LOCK:
        with rasa_warnings() as loading:
            try:
                importer = TrainingDataImporter.load_from_config(
                    str(root / "config.yml"),
                    str(root / DOMAIN_DIR),
                    [str(root / "data")],
                )
                validator = Validator.from_importer(importer)
            except (RasaException, ValueError) as error:
                return [rasa_problem(str(error))]
        problems = [rasa_problem(message) for message in loading]
        for check in rasa_checks():
            with rasa_warnings() as found:
                passed = check(validator)
            if not passed:
                problems += [rasa_problem(message) for message in found]
    return problems


def load_what_checks_use() -> None:
    """Imports the checks make on first use (spaCy through the response
    generator, Rasa's readers): seconds that the first staff edit after a
    start would otherwise wait for."""
    import rasa.shared.core.domain
    import rasa.shared.nlu.training_data.formats.rasa_yaml  # noqa: F401

    import clinic.nlg  # noqa: F401


def rasa_file_problems(root: Path, file: str) -> list[Problem]:
    """Rasa's own reader over one changed file: its YAML schema and format.

    An edit of an answer's text or of a topic's examples cannot change what the
    rest of Rasa's validation reads (stories, rules, forms, slots); that runs on
    the whole project before training, where the gate runs it.
    """
    from rasa.shared.core.domain import Domain
    from rasa.shared.exceptions import RasaException
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    path = root / file
    with _RASA_LOCK, rasa_warnings() as found:
        try:
            if Path(file).parts[0] == DOMAIN_DIR:
                Domain.load(str(path))
            else:
                RasaYAMLReader().read(str(path))
        except (RasaException, ValueError) as error:
            return [rasa_problem(str(error))]
    return [rasa_problem(message) for message in found]
