"""Every label the shipped assistant can give has a name staff can read."""

from __future__ import annotations

import yaml

from clinic.content.topics import ContentRepository
from clinic.evaluation import contract_label
from clinic.insights.charts import fitted, horizontal_bars
from clinic.insights.topic_names import TOPIC_NAMES, topic_name
from clinic.intent_names import topic_of
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
