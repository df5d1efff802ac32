"""Staff edits on a copy of the real project: exact changes, rules, audit, git."""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from clinic.content.answer_rules import MAX_ANSWER_CHARS
from clinic.content.editor import ContentEditor
from clinic.content.preview import preview_answer
from clinic.content.rasa_checks import rasa_file_problems
from clinic.content.topics import ContentRepository
from clinic.content.validation import validate_project
from clinic.content.yaml_plans import ContentRejected
from clinic.settings import load_settings
from clinic.store.db import make_engine
from clinic.store.migrate import upgrade
from tests.clinic.content.conftest import PROJECT

COST = "data/faq/cost.yml"
NEW_COST_ANSWER = (
    "{cost_details} Some insurance plans pay for parts of the treatment, such as "
    "the consultation. Please check with your insurer; our team is glad to help "
    "with any payment question."
)
QUESTIONS = [
    f"what is question number {n} about the clinic's parking" for n in range(20)
]


@pytest.fixture
def editor(project: Path, sqlite_engine: Engine) -> ContentEditor:
    return ContentEditor(project, sqlite_engine, git_commit=False)


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines removed and added between two versions of a file."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def audit_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT COUNT(*) FROM content_changes"
        ).scalar_one()


# ---- exact round trips ----


def test_editing_an_answer_changes_only_the_answer_lines(
    editor: ContentEditor, project: Path
) -> None:
    before = (project / COST).read_text()
    change = editor.set_answer("faq/cost.price", NEW_COST_ANSWER, "dana")
    after = (project / COST).read_text()
    removed, added = changed_lines(before, after)
    lines = before.splitlines()
    answer_start = lines.index("  - text: >-") + 1
    assert removed == lines[answer_start : answer_start + 5]
    assert removed[0].startswith("      {cost_details} Because treatment")
    assert all(line.startswith("      ") and len(line) <= 80 for line in added)
    assert " ".join(line.strip() for line in added) == NEW_COST_ANSWER
    assert after.startswith("# faq/cost: price = what it costs")
    assert (
        ContentRepository(project).topic("faq/cost.price").answer.text
        == NEW_COST_ANSWER
    )
    assert (change.kind, change.file, change.after) == (
        "answer_edited",
        COST,
        NEW_COST_ANSWER,
    )


def test_adding_editing_and_removing_an_example_change_one_line_each(
    editor: ContentEditor, project: Path
) -> None:
    path = project / COST
    original = path.read_text()
    editor.add_example(
        "faq/cost.price", "does the price include the consultation", "dana"
    )
    added = path.read_text()
    assert changed_lines(original, added) == (
        [],
        ["    - does the price include the consultation"],
    )
    editor.edit_example(
        "faq/cost.price",
        "does the price include the consultation",
        "is the consultation included in the price",
        "dana",
    )
    edited = path.read_text()
    assert changed_lines(added, edited) == (
        ["    - does the price include the consultation"],
        ["    - is the consultation included in the price"],
    )
    editor.remove_example(
        "faq/cost.price", "is the consultation included in the price", "sam"
    )
    assert path.read_text() == original


def test_comments_survive_an_edit(editor: ContentEditor, project: Path) -> None:
    path = project / "data/nlu/cancel.yml"
    comments = [line for line in path.read_text().splitlines() if "#" in line]
    editor.add_example("cancel", "please stop the booking questions", "dana")
    assert [line for line in path.read_text().splitlines() if "#" in line] == comments


def test_a_domain_response_is_edited_in_its_domain_file(
    editor: ContentEditor, project: Path
) -> None:
    path = project / "domain/smalltalk.yml"
    before = path.read_text()
    editor.set_response_text("utter_thank", "You're welcome! Anything else?", "dana")
    assert changed_lines(before, path.read_text()) == (
        ["  - text: No problem at all. Is there anything else I can help you with?"],
        ["  - text: You're welcome! Anything else?"],
    )


def test_a_new_faq_topic_gets_a_file_like_the_others(
    editor: ContentEditor, project: Path
) -> None:
    change = editor.add_faq_topic(
        "parking",
        "where to park at the clinic and whether parking is free.",
        "There is free parking behind {clinic_name}; ask at the desk for a permit.",
        QUESTIONS,
        "dana",
        buttons=[{"title": "Talk to a person", "payload": "/human_handoff"}],
    )
    text = (project / "data/faq/parking.yml").read_text()
    assert change.kind == "topic_added" and change.file == "data/faq/parking.yml"
    assert text.splitlines()[:5] == [
        "# faq/parking: where to park at the clinic and whether parking is free.",
        'version: "3.1"',
        "nlu:",
        "- intent: faq/parking",
        "  examples: |",
    ]
    assert "  utter_faq/parking:\n  - text: >-\n      There is free parking" in text
    assert '    - title: "Talk to a person"\n      payload: "/human_handoff"' in text
    topic = ContentRepository(project).topic("faq/parking")
    assert topic.examples == QUESTIONS and topic.answer is not None
    assert validate_project(project) == []


# ---- rejections: the file stays as it was, nothing is recorded ----


def assert_rejected(
    editor: ContentEditor,
    project: Path,
    file: str,
    edit,
    expected: str,
) -> list:
    before, rows = (project / file).read_text(), audit_rows(editor.engine)
    with pytest.raises(ContentRejected) as caught:
        edit()
    assert (project / file).read_text() == before
    assert audit_rows(editor.engine) == rows
    messages = [problem.message for problem in caught.value.problems]
    assert any(expected in message for message in messages), messages
    return caught.value.problems


def test_an_example_of_two_intents_is_rejected(
    editor: ContentEditor, project: Path
) -> None:
    """Rasa's whole-project validation no longer runs on an example edit (it
    runs before training); the clinic's rule refuses what it refused."""
    problems = assert_rejected(
        editor,
        project,
        "data/nlu/smalltalk.yml",
        lambda: editor.add_example("greet", "i want to kill myself", "dana"),
        "is also an example of crisis",
    )
    assert any(problem.topic == "greet" for problem in problems)


def test_rasa_reads_the_changed_file_by_its_own_schema(project: Path) -> None:
    assert rasa_file_problems(project, "data/faq/cost.yml") == []
    assert rasa_file_problems(project, "domain/crisis.yml") == []
    for file, key in (("data/faq/cost.yml", "examples"), ("domain/crisis.yml", "text")):
        path = project / file
        path.write_text(path.read_text().replace(f"{key}:", f"{key}z:", 1))
        problems = rasa_file_problems(project, file)
        assert problems, file
        assert "Rasa, which trains the assistant, reports a problem" in (
            problems[0].message
        )
        assert f"{key}z" in problems[0].detail


def test_a_topic_keeps_its_minimum_of_examples(
    editor: ContentEditor, project: Path
) -> None:
    editor.add_faq_topic("parking", "parking.", "Parking is free.", QUESTIONS, "dana")
    assert_rejected(
        editor,
        project,
        "data/faq/parking.yml",
        lambda: editor.remove_example("faq/parking", QUESTIONS[0], "dana"),
        "needs at least 20 example questions",
    )


def test_an_example_cannot_belong_to_two_topics(
    editor: ContentEditor, project: Path
) -> None:
    problems = assert_rejected(
        editor,
        project,
        COST,
        lambda: editor.add_example("faq/cost.price", "Is Ketamine SAFE?!", "dana"),
        'is also an example of faq/cost.price ("Is Ketamine SAFE?!")',
    )
    assert any(problem.topic.startswith("faq/safety") for problem in problems)


def test_an_example_nearly_identical_to_another_topic_s_is_refused(
    editor: ContentEditor, project: Path
) -> None:
    problems = assert_rejected(
        editor,
        project,
        "data/faq/safety.yml",
        lambda: editor.add_example(
            "faq/safety.addiction", "how much does ketamine cots", "dana"
        ),
        'nearly the same as "how much does ketamine cost" of faq/cost.price',
    )
    assert problems[0].detail == "faq/cost.price: how much does ketamine cost"


def test_an_example_already_in_the_topic_is_refused(
    editor: ContentEditor, project: Path
) -> None:
    assert_rejected(
        editor,
        project,
        COST,
        lambda: editor.add_example(
            "faq/cost.price", "How much does ketamine cost?", "dana"
        ),
        "is already an example question of faq/cost.price",
    )


def test_adding_to_an_unknown_topic_is_refused(editor: ContentEditor) -> None:
    with pytest.raises(ContentRejected, match="faq/astrology does not exist"):
        editor.add_example("faq/astrology", "what is my star sign", "dana")


def test_answers_must_not_be_too_long_or_empty(
    editor: ContentEditor, project: Path
) -> None:
    assert_rejected(
        editor,
        project,
        COST,
        lambda: editor.set_answer("faq/cost.price", "word " * MAX_ANSWER_CHARS, "dana"),
        f"the limit is {MAX_ANSWER_CHARS}",
    )
    assert_rejected(
        editor,
        project,
        COST,
        lambda: editor.set_answer("faq/cost.price", "   ", "dana"),
        "is empty",
    )


def test_crisis_replies_keep_their_crisis_resources(
    editor: ContentEditor, project: Path
) -> None:
    assert_rejected(
        editor,
        project,
        "domain/crisis.yml",
        lambda: editor.set_response_text(
            "utter_crisis_support", "Please talk to someone you trust.", "dana"
        ),
        "must keep the crisis help it shows ({crisis_resources})",
    )
    assert_rejected(
        editor,
        project,
        "domain/smalltalk.yml",
        lambda: editor.set_response_text(
            "utter_greet", "Hello, I'm the assistant of {clinic_name}.", "dana"
        ),
        "{crisis_line}, {emergency_number}",
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Book at www.example.org/book.", "is not a complete link"),
        ("Book [here] (https://example.org/book).", "is a broken link"),
        ("Call us on {clinic_fone}.", "{clinic_fone} is not a clinic detail"),
    ],
)
def test_links_and_placeholders_must_be_right(
    editor: ContentEditor, project: Path, answer: str, expected: str
) -> None:
    assert_rejected(
        editor,
        project,
        COST,
        lambda: editor.set_answer("faq/cost.price", answer, "dana"),
        expected,
    )


# ---- the audit, on SQLite and PostgreSQL, and git ----


def test_every_change_is_recorded(project: Path, database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        editor = ContentEditor(project, engine, git_commit=False)
        editor.set_answer("faq/cost.price", NEW_COST_ANSWER, "dana")
        editor.add_example(
            "faq/cost.price", "does the price include the consultation", "sam"
        )
        latest, first = editor.recent_changes()
    finally:
        engine.dispose()
    assert (latest["username"], latest["kind"], latest["topic"]) == (
        "sam",
        "example_added",
        "faq/cost.price",
    )
    assert (latest["before"], latest["after"]) == (
        "",
        "does the price include the consultation",
    )
    assert first["kind"] == "answer_edited" and first["file"] == COST
    assert first["before"].startswith("{cost_details} Because treatment")
    assert first["after"] == NEW_COST_ANSWER and first["commit"] is None
    assert first["created_at"] is not None


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_in_a_git_work_tree_only_the_edited_file_is_committed(
    project: Path, sqlite_engine: Engine
) -> None:
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(
        project,
        "-c",
        "user.name=setup",
        "-c",
        "user.email=s@x.invalid",
        "commit",
        "-qm",
        "start",
    )
    # Someone else's unfinished work, staged and not: it must stay out.
    (project / "config.yml").write_text((project / "config.yml").read_text() + "\n")
    git(project, "add", "config.yml")
    (project / "draft.md").write_text("not ready\n")
    editor = ContentEditor(project, sqlite_engine)  # commits: it is a work tree
    change = editor.set_answer("faq/cost.price", NEW_COST_ANSWER, "dana")
    assert change.commit == git(project, "rev-parse", "HEAD")
    assert git(project, "log", "-1", "--format=%an <%ae>|%s") == (
        "dana <dana@staff.invalid>|Content: faq/cost.price answer edited by dana "
        "(staff console)"
    )
    assert git(project, "show", "--name-only", "--format=", "HEAD") == COST
    status = git(project, "status", "--porcelain")
    assert "M  config.yml" in status and "?? draft.md" in status
    assert editor.recent_changes()[0]["commit"] == change.commit


def test_the_preview_fills_in_the_clinic_s_details() -> None:
    settings = load_settings(
        PROJECT / "config/clinic.yml", PROJECT / "config/crisis_resources.yml"
    )
    text = preview_answer("Call {clinic_phone} or {crisis_line}.", settings)
    assert (
        text == "Call (555) 010-0142 or call or text 988 (Suicide & Crisis Lifeline)."
    )


def test_a_preview_of_an_answer_with_a_stray_brace_says_so() -> None:
    preview = preview_answer("Call us on {phone")
    assert preview.startswith("Call us on {phone")
    assert "missing its pair" in preview


def test_saving_without_a_change_is_refused_politely(
    editor: ContentEditor, project: Path
) -> None:
    current = ContentRepository(project).topic("faq/cost.price").answer
    assert current is not None
    assert_rejected(
        editor,
        project,
        COST,
        lambda: editor.set_answer("faq/cost.price", current.text, "dana"),
        "Nothing was changed",
    )


def test_a_change_is_kept_and_audited_when_git_cannot_commit(
    project: Path, sqlite_engine: Engine
) -> None:
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "-c", "user.name=dev", "-c", "user.email=dev@x", "commit", "-qm", "0")
    (project / ".git" / "index.lock").write_text("")  # a developer's git is busy
    editor = ContentEditor(project, sqlite_engine, git_commit=True)
    change = editor.set_answer("faq/cost.price", NEW_COST_ANSWER, "dana")
    assert change.commit is None
    assert "Some insurance plans pay" in (project / COST).read_text()
    assert audit_rows(sqlite_engine) == 1


def test_answers_must_read_at_grade_eight_or_below(
    editor: ContentEditor, project: Path
) -> None:
    dense = (
        "Treatment-resistant depression is conventionally operationalised as an "
        "inadequate therapeutic response following administration of at least two "
        "pharmacologically distinct antidepressant medications at adequate "
        "dosages for sufficient durations."
    )
    assert_rejected(
        editor,
        project,
        "data/faq/trd.yml",
        lambda: editor.set_answer("faq/trd", dense, "dana"),
        "must read at grade 8 or below",
    )
    plain = (
        "Depression is called treatment-resistant when at least two medicines, "
        "taken long enough, have not helped enough. Your doctor can tell you more."
    )
    editor.set_answer("faq/trd", plain, "dana")
    assert ContentRepository(project).topic("faq/trd").answer.text == plain


@pytest.mark.parametrize(
    "wording",
    [
        "If it's urgent, go to the nearest emergency room.",
        "If it's urgent, call your local emergency services.",
        "If it's urgent, call 911.",
    ],
)
def test_emergency_help_is_named_by_the_regions_number(
    editor: ContentEditor, project: Path, wording: str
) -> None:
    refusal = "out_of_scope/medical_advice"
    assert_rejected(
        editor,
        project,
        "data/nlu/out_of_scope_responses.yml",
        lambda: editor.set_answer(refusal, f"Ask your doctor. {wording}", "dana"),
        "Write {emergency_number} instead",
    )
    editor.set_answer(
        refusal, "Ask your doctor. If it's urgent, call {emergency_number}.", "dana"
    )
