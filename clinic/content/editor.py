"""Staff edits to answers and example questions, checked, saved and recorded.

Each edit plans the file's new text with ruamel.yaml's round trip (comments,
key order, quoting and block styles of untouched parts stay as they are),
validates the project as it would be on a temporary copy, then writes the file
atomically, records who changed what in ``content_changes`` and, where the
project is a git work tree, commits that one file in the staff member's name.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from clinic.content.project_content import Problem, normalise
from clinic.content.rasa_checks import rasa_file_problems
from clinic.content.topics import (
    EXAMPLE_BULLET,
    FAQ_DIR,
    FAQ_PREFIX,
    ContentRepository,
    Topic,
    TopicNotFound,
    response_name,
)
from clinic.content.validation import validate_project
from clinic.settings import ClinicSettings, current_settings
from clinic.store.models import content_changes

# Folded answers are wrapped at this column, as the project's files are.
ANSWER_WIDTH = 80
# Files the validation of a planned edit needs, copied to a temporary project.
PROJECT_PARTS = ("data", "domain", "config.yml", "config")
FAQ_KEY = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
GIT_TIMEOUT_SECONDS = 30
PREVIEW_RESPONSE = "utter_preview"
TOPIC_ADDED = "topic_added"

_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class ContentRejected(Exception):
    """The edit would break a rule; ``problems`` say which and what to do."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Change:
    topic: str
    kind: str
    file: str
    before: str
    after: str
    commit: str | None


logger = logging.getLogger(__name__)


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


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # The project's layout: "key:\n- item" and block scalars indented by two.
    yaml.indent(mapping=2, sequence=2, offset=0)
    # Never re-wrap untouched long lines; new answers are folded by fold_positions.
    yaml.width = 4096
    return yaml


def load_round_trip(text: str) -> Any:
    return round_trip_yaml().load(text)


def dump_round_trip(document: Any) -> str:
    stream = io.StringIO()
    round_trip_yaml().dump(document, stream)
    return stream.getvalue()


def clean_text(text: str) -> str:
    """Trailing spaces and surrounding blank lines removed, line by line."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(lines)


def fold_positions(text: str, width: int) -> list[int]:
    """Where to break a folded scalar: single spaces, greedy, within ``width``."""
    positions: list[int] = []
    line_start = 0
    last_space = -1
    for index, char in enumerate(text):
        if char == "\n":
            line_start, last_space = index + 1, -1
            continue
        foldable = (
            char == " "
            and 0 < index < len(text) - 1
            and not text[index - 1].isspace()
            and not text[index + 1].isspace()
        )
        if index - line_start >= width and last_space > line_start:
            positions.append(last_space)
            line_start = last_space + 1
        if foldable:
            last_space = index
    return positions


def folded(text: str, indent: int) -> FoldedScalarString:
    scalar = FoldedScalarString(text)
    scalar.fold_pos = fold_positions(text, ANSWER_WIDTH - indent)  # type: ignore[attr-defined]
    return scalar


def restyled(old: Any, new: str, indent: int) -> Any:
    """``new`` in the style of ``old``: one-line styles stay if it fits."""
    fits = "\n" not in new and indent + len(new) <= ANSWER_WIDTH
    if isinstance(old, LiteralScalarString):
        return LiteralScalarString(new)
    if isinstance(old, FoldedScalarString) or not fits:
        return folded(new, indent)
    return type(old)(new) if isinstance(old, str) and type(old) is not str else new


def text_indent(variant: CommentedMap) -> int:
    """Column of a response text's lines: two more than its ``text:`` key."""
    return variant.lc.key("text")[1] + 2 if "text" in variant else 6


def example_lines(block: str) -> list[str]:
    return str(block).splitlines()


def example_of(line: str) -> str:
    stripped = line.strip()
    return stripped[len(EXAMPLE_BULLET) :].strip() if stripped else ""


def examples_block(lines: list[str]) -> LiteralScalarString:
    return LiteralScalarString("".join(f"{line}\n" for line in lines))


def clean_example(text: str) -> str:
    example = " ".join(text.split())
    return (
        example[len(EXAMPLE_BULLET) :].strip() if example.startswith("- ") else example
    )


def rejected(message: str, topic: str = "", detail: str = "") -> ContentRejected:
    return ContentRejected([Problem(message, topic=topic, detail=detail)])


def nlu_entry(document: Any, topic: str) -> CommentedMap:
    for entry in document.get("nlu") or []:
        if isinstance(entry, dict) and entry.get("intent") == topic:
            return entry
    raise rejected(f"The topic {topic} does not exist.", topic)


def response_variant(document: Any, response: str, variant: int) -> CommentedMap:
    variants = (document.get("responses") or {}).get(response) or []
    if not 0 <= variant < len(variants):
        raise rejected(f"The answer {response} does not exist.")
    return variants[variant]


def plan_text_change(
    file_text: str, response: str, variant: int, text: str
) -> tuple[str, str]:
    """The file with one response variant's text replaced; and the old text."""
    document = load_round_trip(file_text)
    entry = response_variant(document, response, variant)
    old = entry.get("text") or ""
    entry["text"] = restyled(old, text, text_indent(entry))
    return dump_round_trip(document), str(old)


def plan_examples_change(
    file_text: str, topic: str, change: Callable[[list[str]], list[str]]
) -> str:
    document = load_round_trip(file_text)
    entry = nlu_entry(document, topic)
    entry["examples"] = examples_block(change(example_lines(entry["examples"])))
    return dump_round_trip(document)


def line_index(lines: list[str], example: str, topic: str) -> int:
    for index, line in enumerate(lines):
        if example_of(line) == example.strip():
            return index
    raise rejected(
        f'"{example}" is not an example question of {topic}.', topic, example
    )


def bullet_like(lines: list[str], example: str) -> str:
    """A new example line indented like the block's other lines."""
    sample = next((line for line in lines if line.strip()), EXAMPLE_BULLET)
    indent = sample[: len(sample) - len(sample.lstrip())]
    return f"{indent}{EXAMPLE_BULLET}{example}"


def faq_file_text(
    key: str,
    description: str,
    answer: str,
    examples: list[str],
    buttons: list[dict[str, str]],
) -> str:
    """A new data/faq/<key>.yml laid out like the others."""
    topic = f"{FAQ_PREFIX}{key}"
    variant = CommentedMap([("text", folded(answer, 6))])
    if buttons:
        variant["buttons"] = CommentedSeq(
            CommentedMap(
                (name, DoubleQuotedScalarString(button[name]))
                for name in ("title", "payload")
            )
            for button in buttons
        )
    document = CommentedMap(
        [
            ("version", DoubleQuotedScalarString("3.1")),
            (
                "nlu",
                CommentedSeq(
                    [
                        CommentedMap(
                            [
                                ("intent", topic),
                                (
                                    "examples",
                                    examples_block(
                                        [f"{EXAMPLE_BULLET}{e}" for e in examples]
                                    ),
                                ),
                            ]
                        )
                    ]
                ),
            ),
            (
                "responses",
                CommentedMap([(response_name(topic), CommentedSeq([variant]))]),
            ),
        ]
    )
    heading = " ".join(description.split())
    return f"# {topic}: {heading}\n{dump_round_trip(document)}"


# ---- writing, git and the audit ----


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if path.exists():
            shutil.copymode(path, temporary)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT_SECONDS,
        check=False,
    )


def inside_git_work_tree(root: Path) -> bool:
    try:
        result = git(root, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and result.stdout.strip() == "true"


def staff_email(username: str) -> str:
    local = re.sub(r"[^a-z0-9._-]+", "-", username.lower()).strip("-.") or "staff"
    return f"{local}@staff.invalid"


def commit_file(root: Path, file: str, message: str, username: str) -> str:
    """Commits only ``file`` (nothing else staged is included); its hash."""
    identity = [
        "-c",
        f"user.name={username}",
        "-c",
        f"user.email={staff_email(username)}",
    ]
    steps = [
        # A new file must be known to git before `commit --only` accepts it.
        ["add", "--", file],
        [*identity, "commit", "--only", "--no-verify", "-m", message, "--", file],
    ]
    for step in steps:
        result = git(root, *step)
        if result.returncode != 0:
            raise RuntimeError(f"git {step[-3:]} failed: {result.stderr.strip()}")
    return git(root, "rev-parse", "HEAD").stdout.strip()


def commit_or_log(root: Path, file: str, message: str, username: str) -> str | None:
    """The change is saved and audited even when git fails (a lock held by a
    developer, a hook): the commit is a convenience, the audit row the record."""
    try:
        return commit_file(root, file, message, username)
    except (RuntimeError, OSError, subprocess.SubprocessError):
        logger.exception("content: %s saved but not committed to git", file)
        return None


def commit_message(topic: str, kind: str, username: str) -> str:
    return f"Content: {topic} {kind.replace('_', ' ')} by {username} (staff console)"


def copy_content(root: Path, target: Path) -> Path:
    """The parts of the project at ``root`` that content edits and their checks
    read (data, domain, config), copied to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


@contextmanager
def project_copy(root: Path) -> Iterator[Path]:
    """A temporary copy of the parts of the project that validation reads."""
    with tempfile.TemporaryDirectory(prefix="content-check-") as directory:
        yield copy_content(root, Path(directory))


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


UNPAIRED_BRACE = "a { or } is missing its pair."


def preview_answer(text: str, settings: ClinicSettings | None = None) -> str:
    """The answer as a visitor reads it, filled in as clinic/nlg.py fills it."""
    # Imported here: Rasa takes seconds to import, and the console starts without it.
    from rasa.shared.core.domain import Domain

    from clinic.nlg import ClinicResponseGenerator, booking_values, without_unset_links

    settings = settings or current_settings()
    domain = Domain.from_dict({"responses": {PREVIEW_RESPONSE: [{"text": text}]}})
    generator = ClinicResponseGenerator(domain=domain, settings=settings)
    values = {**settings.template_values(), **booking_values({})}
    try:
        response = generator.generate_from_slots(PREVIEW_RESPONSE, {}, "", **values)
    except (ValueError, IndexError):  # a { or } without its pair
        return f"{text}\n\n(Cannot be shown as a visitor sees it: {UNPAIRED_BRACE})"
    return str(without_unset_links(response or {}).get("text") or "")
