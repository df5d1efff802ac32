"""Staff edits to answers and example questions, checked, saved and recorded.

Each edit plans the file's new text with ruamel.yaml's round trip (comments,
key order, quoting and block styles of untouched parts stay as they are),
validates the project as it would be on a temporary copy, then writes the file
atomically, records who changed what in ``content_changes`` and, where the
project is a git work tree, commits that one file in the staff member's name.
The planning is in yaml_plans.py, the writing and committing in saving.py.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from clinic.content.project_content import Problem, normalise
from clinic.content.rasa_checks import rasa_file_problems
from clinic.content.saving import (
    commit_message,
    commit_or_log,
    inside_git_work_tree,
    project_copy,
    write_atomically,
)
from clinic.content.topics import (
    FAQ_DIR,
    FAQ_PREFIX,
    ContentRepository,
    Topic,
    TopicNotFound,
)
from clinic.content.validation import validate_project
from clinic.content.yaml_plans import (
    ContentRejected,
    bullet_like,
    clean_example,
    clean_text,
    faq_file_text,
    line_index,
    plan_examples_change,
    plan_text_change,
    rejected,
)
from clinic.store.models import content_changes

FAQ_KEY = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
TOPIC_ADDED = "topic_added"

_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class Change:
    topic: str
    kind: str
    file: str
    before: str
    after: str
    commit: str | None


@dataclass(frozen=True)
class PlannedEdit:
    """A file's new text and what the audit says about it."""

    topic: str
    kind: str
    file: str
    text: str
    before: str
    after: str
    changed_examples: tuple[str, ...] = ()


def write_lock(root: Path) -> threading.Lock:
    """One lock per project root, shared by every editor of this process."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(root.resolve(), threading.Lock())


class ContentEditor:
    """Edits answers and examples of the project at ``root``."""

    def __init__(
        self, root: Path, engine: Engine, git_commit: bool | None = None
    ) -> None:
        self.root = Path(root)
        self.engine = engine
        self.repository = ContentRepository(self.root)
        self._git_commit = git_commit

    @property
    def git_commit(self) -> bool:
        if self._git_commit is not None:
            return self._git_commit
        wanted = os.environ.get("CONTENT_GIT_COMMIT") != "0"
        return wanted and inside_git_work_tree(self.root)

    # ---- edits ----

    def set_answer(self, topic: str, text: str, username: str) -> Change:
        """The approved answer of a retrieval topic (faq/*, out_of_scope/*)."""
        with write_lock(self.root):
            found = self._topic(topic)
            if found.answer is None:
                raise rejected(f"The topic {topic} has no answer to edit.", topic)
            return self._apply(
                self._text_edit(
                    found.answer.response,
                    found.answer.variant,
                    text,
                    topic,
                    "answer_edited",
                ),
                username,
            )

    def set_response_text(
        self, response: str, text: str, username: str, variant: int | None = None
    ) -> Change:
        """A response's text; by default its variant used without conditions."""
        with write_lock(self.root):
            try:
                found = self.repository.response(response)
            except TopicNotFound as error:
                raise rejected(f"The answer {response} does not exist.") from error
            index = found.default.variant if variant is None else variant
            topic = response.removeprefix("utter_") if "/" in response else response
            return self._apply(
                self._text_edit(response, index, text, topic, "response_edited"),
                username,
            )

    def add_example(self, topic: str, text: str, username: str) -> Change:
        example = clean_example(text)
        with write_lock(self.root):
            found = self._topic(topic)
            self._refuse_empty(example, topic)
            if normalise(example) in {normalise(e) for e in found.examples}:
                raise rejected(
                    f'"{example}" is already an example question of {topic}.',
                    topic,
                    example,
                )

            def append(lines: list[str]) -> list[str]:
                return [*lines, bullet_like(lines, example)]

            return self._apply(
                self._examples_edit(found.file, topic, append, "", example),
                username,
            )

    def edit_example(self, topic: str, old: str, new: str, username: str) -> Change:
        example = clean_example(new)
        with write_lock(self.root):
            found = self._topic(topic)
            self._refuse_empty(example, topic)

            def replace(lines: list[str]) -> list[str]:
                index = line_index(lines, old, topic)
                return [
                    *lines[:index],
                    bullet_like(lines, example),
                    *lines[index + 1 :],
                ]

            return self._apply(
                self._examples_edit(found.file, topic, replace, old, example),
                username,
            )

    def remove_example(self, topic: str, text: str, username: str) -> Change:
        with write_lock(self.root):
            found = self._topic(topic)

            def remove(lines: list[str]) -> list[str]:
                index = line_index(lines, text, topic)
                return [*lines[:index], *lines[index + 1 :]]

            return self._apply(
                self._examples_edit(found.file, topic, remove, text, ""),
                username,
            )

    def add_faq_topic(
        self,
        key: str,
        description: str,
        answer: str,
        examples: list[str],
        username: str,
        buttons: list[dict[str, str]] | None = None,
    ) -> Change:
        """A new FAQ topic, in its own data/faq/<key>.yml."""
        topic = f"{FAQ_PREFIX}{key}"
        file = f"{FAQ_DIR}/{key}.yml"
        cleaned = [clean_example(example) for example in examples]
        with write_lock(self.root):
            self._refuse_new_topic(key, topic, file)
            text = faq_file_text(
                key, description, clean_text(answer), cleaned, buttons or []
            )
            plan = PlannedEdit(topic, TOPIC_ADDED, file, text, "", text, tuple(cleaned))
            return self._apply(plan, username)

    def recent_changes(self, limit: int = 100) -> list[dict[str, Any]]:
        query = (
            select(content_changes).order_by(content_changes.c.id.desc()).limit(limit)
        )
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    # ---- planning ----

    def _topic(self, name: str) -> Topic:
        try:
            return self.repository.topic(name)
        except TopicNotFound as error:
            raise rejected(
                f"The topic {name} does not exist. Choose one of the listed topics.",
                name,
            ) from error

    @staticmethod
    def _refuse_empty(example: str, topic: str) -> None:
        if not normalise(example):
            raise rejected(
                "An example question needs words. Type it as a visitor would.",
                topic,
            )

    def _refuse_new_topic(self, key: str, topic: str, file: str) -> None:
        if not FAQ_KEY.match(key):
            raise rejected(
                "A topic's short name uses lower-case letters, digits and _ "
                f"only, starting with a letter (like side_effects); not {key!r}.",
                topic,
            )
        existing = {found.name for found in self.repository.topics()}
        if topic in existing or (self.root / file).exists():
            raise rejected(f"The topic {topic} exists already.", topic)

    def _read(self, file: str) -> str:
        return (self.root / file).read_text(encoding="utf-8")

    def _text_edit(
        self, response: str, variant: int, text: str, topic: str, kind: str
    ) -> PlannedEdit:
        file = self.repository.response(response).file
        new_text = clean_text(text)
        planned, old = plan_text_change(self._read(file), response, variant, new_text)
        return PlannedEdit(topic, kind, file, planned, old, new_text)

    def _examples_edit(
        self,
        file: str,
        topic: str,
        change: Callable[[list[str]], list[str]],
        before: str,
        after: str,
    ) -> PlannedEdit:
        kind = (
            "example_added"
            if not before
            else "example_removed"
            if not after
            else "example_edited"
        )
        planned = plan_examples_change(self._read(file), topic, change)
        changed = (after,) if after else ()
        return PlannedEdit(topic, kind, file, planned, before, after, changed)

    # ---- checking and saving ----

    def check(self, plan: PlannedEdit) -> list[Problem]:
        """Every clinic rule, on a copy of the project with the planned file;
        Rasa's validation of the whole project only for a new topic (it adds
        an intent and a response), else Rasa's reader over the changed file."""
        whole_project = plan.kind == TOPIC_ADDED
        with project_copy(self.root) as copy:
            write_atomically(copy / plan.file, plan.text)
            problems = validate_project(
                copy,
                changed_examples=plan.changed_examples,
                baseline=self.root,
                rasa=whole_project,
            )
            if not whole_project:
                problems += rasa_file_problems(copy, plan.file)
            return problems

    def _apply(self, plan: PlannedEdit, username: str) -> Change:
        path = self.root / plan.file
        unchanged = plan.before == plan.after or (
            path.is_file() and path.read_text(encoding="utf-8") == plan.text
        )
        if unchanged:
            raise rejected("Nothing was changed, so there was nothing to save.")
        problems = self.check(plan)
        if problems:
            raise ContentRejected(problems)
        write_atomically(path, plan.text)
        commit = None
        if self.git_commit:
            message = commit_message(plan.topic, plan.kind, username)
            commit = commit_or_log(self.root, plan.file, message, username)
        change = Change(
            plan.topic, plan.kind, plan.file, plan.before, plan.after, commit
        )
        self._record(change, username)
        return change

    def _record(self, change: Change, username: str) -> None:
        row = {
            "created_at": datetime.now(timezone.utc),
            "username": username,
            "topic": change.topic,
            "kind": change.kind,
            "file": change.file,
            "before": change.before,
            "after": change.after,
            "commit": change.commit,
        }
        with self.engine.begin() as connection:
            connection.execute(insert(content_changes).values(**row))
