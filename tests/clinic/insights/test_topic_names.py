"""Every label the shipped assistant can give has a name staff can read."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import yaml

from clinic.console.insights_pages import topics_table
from clinic.content.editor import ContentEditor
from clinic.content.saving import copy_content
from clinic.content.topics import ContentRepository
from clinic.evaluation import contract_label
from clinic.insights.charts import fitted, horizontal_bars
from clinic.insights.report import Period, Topic, build_report
from clinic.insights.topic_names import (
    TOPIC_NAMES,
    described_topics,
    name_from_description,
    topic_name,
)
from clinic.intent_names import topic_of
from clinic.store.db import make_engine
from clinic.store.migrate import upgrade
from tests.clinic.content.conftest import PROJECT


def shipped_labels() -> set[str]:
    """Intents of the domain and topics of the training data, as Insights
    keys them (faq/cost, out_of_scope/unrelated, greet ...)."""
    labels = {topic_of(topic.name) for topic in ContentRepository(PROJECT).topics()}
    for path in (PROJECT / "domain").glob("*.yml"):
        labels |= set(yaml.safe_load(path.read_text()).get("intents") or [])
    return labels - {"faq"}  # the retrieval intent is always read with its key


def test_every_shipped_label_has_a_name() -> None:
    unnamed = {
        label for label in shipped_labels() if contract_label(label) not in TOPIC_NAMES
    }
    assert not unnamed


def test_names_are_distinct() -> None:
    assert len(set(TOPIC_NAMES.values())) == len(TOPIC_NAMES)


def test_an_out_of_scope_kind_is_named_with_its_kind() -> None:
    assert topic_name("out_of_scope/medical_advice") == "Out of scope: medical advice"


def test_a_topic_staff_added_reads_as_words() -> None:
    assert topic_name("faq/travel_tips") == "Travel tips"
    assert topic_name("faq/cost") == "Cost and insurance"


def test_every_name_fits_beside_its_bar() -> None:
    assert all(fitted(name) == name for name in TOPIC_NAMES.values())


def test_a_longer_name_is_cut_in_the_chart_only() -> None:
    name = "A topic staff added with a name far too long for the chart"
    chart = horizontal_bars([name], [3], "messages")
    assert chart.ticks[0].label.endswith("…") and len(chart.ticks[0].label) == 32
    assert chart.bars[0].title == f"{name}: 3 messages"


def test_a_topic_staff_added_is_named_by_what_it_covers(tmp_path: Path) -> None:
    """Added through the content editor, as the console's "New topic" page does."""
    project = copy_content(PROJECT, tmp_path / "project")
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    editor = ContentEditor(project, make_engine(url), git_commit=False)
    assert described_topics(project) == {}  # read once, and kept until a file changes
    editor.add_faq_topic(
        "parking",
        "where to park at the clinic and whether parking is free.",
        "There is free parking behind {clinic_name}; ask at the desk for a permit.",
        [f"what is question number {n} about the clinic's parking" for n in range(20)],
        "dana",
    )
    described = described_topics(project)
    assert described == {
        "faq/parking": "Where to park at the clinic and whether parking is free"
    }
    assert topic_name("faq/parking", described) == described["faq/parking"]
    assert topic_name("faq/cost", described) == "Cost and insurance"


def test_the_topics_csv_names_a_staff_topic_by_its_description(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    today = date(2026, 12, 6)
    empty = build_report(make_engine(url), Period(today, today), "America/New_York")
    report = replace(empty, topics=[Topic("faq/parking", 3, 1)])
    _, rows = topics_table(report, {"faq/parking": "Where to park at the clinic"})
    assert rows == [["faq/parking", "Where to park at the clinic", 3, 1, 2]]


def test_a_description_names_its_topic_by_its_first_part() -> None:
    assert name_from_description("parking and travel: where to park, buses") == (
        "Parking and travel"
    )
    long = "what to bring " * 10
    named = name_from_description(long)
    assert named.endswith("…") and len(named) <= 61
    assert named.startswith("What to bring what to bring")
