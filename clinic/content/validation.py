"""Rules every change to the training data and answers must pass.

``validate_project`` runs them all over a project root (data/, domain/,
config.yml, config/): Rasa's own data validation, then the clinic's rules on
example counts, duplicate and near-identical examples, answer length, crisis
resources and links. Messages are for clinic staff and say what to do.
Each kind of rule has its module (rasa_checks, example_rules, answer_rules,
crisis_rules, link_rules); this one runs them in order.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from clinic.content.answer_rules import (
    answer_lengths,
    hard_to_read_answers,
    missing_answers,
)
from clinic.content.crisis_rules import (
    crisis_resources_missing,
    crisis_resources_removed,
    hard_coded_emergency,
)
from clinic.content.example_rules import (
    malformed_examples,
    near_identical_examples,
    shared_examples,
    too_few_examples,
)
from clinic.content.link_rules import link_and_placeholder_problems
from clinic.content.project_content import Problem, ProjectContent, read_content
from clinic.content.rasa_checks import rasa_problems
from clinic.content.topics import ContentRepository
from clinic.settings import SettingsError


def clinic_problems(
    content: ProjectContent,
    changed_examples: Collection[str] | None = None,
    baseline: ProjectContent | None = None,
) -> list[Problem]:
    problems = [
        *too_few_examples(content),
        *malformed_examples(content),
        *shared_examples(content),
        *near_identical_examples(content, changed_examples),
        *missing_answers(content),
        *answer_lengths(content),
        *hard_to_read_answers(content),
        *crisis_resources_missing(content),
        *hard_coded_emergency(content),
        *link_and_placeholder_problems(content),
    ]
    if baseline is not None:
        problems += crisis_resources_removed(content, baseline)
    return problems


def validate_project(
    root: Path,
    *,
    changed_examples: Collection[str] | None = None,
    baseline: Path | None = None,
    rasa: bool = True,
) -> list[Problem]:
    """Every rule over the project at ``root``.

    ``changed_examples`` limits the near-identical check to those examples (an
    edit); ``baseline`` is the project before an edit, whose crisis help the
    edit must keep.
    """
    try:
        content = read_content(root)
        before = read_content(baseline) if baseline is not None else None
    except SettingsError as error:
        return [Problem(f"The clinic settings cannot be read: {error}")]
    problems = clinic_problems(content, changed_examples, before)
    if rasa:
        problems += rasa_problems(root)
    return problems


def summary(root: Path) -> tuple[int, int]:
    """Numbers of topics and examples, for reports."""
    topics = ContentRepository(root).topics()
    return len(topics), sum(len(topic.examples) for topic in topics)
