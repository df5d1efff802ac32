"""Rules on training examples: enough per topic and per answer, well formed,
never shared by two topics, not near-identical to another topic's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from clinic.content.project_content import (
    Problem,
    ProjectContent,
    normalise,
)
from clinic.intent_names import topic_of

# Every topic keeps at least this many examples. The smallest topics now have 25
# (help, end_handoff); with fewer than about 20 the classifier recognises a topic
# unreliably.
MIN_EXAMPLES = 20
# Each answer of a topic that holds several (faq/safety.addiction).
MIN_ANSWER_EXAMPLES = 12
# Examples of different topics this similar (rapidfuzz ratio, 0-100, on the
# normalised text) are near-identical. The closest existing pair scores 95
# ("nevermind" in cancel, "never mind" in deny).
NEAR_IDENTICAL_RATIO = 96
# ...and so is a one-character difference (a typo) in examples at least this long.
TYPO_MIN_LENGTH = 10


def too_few_examples(content: ProjectContent) -> list[Problem]:
    """A topic needs enough examples to be recognised; each of its answers
    enough to be told apart from the topic's other answers."""
    per_topic: dict[str, int] = defaultdict(int)
    per_answer: dict[str, int] = defaultdict(int)  # an intent may span files
    for topic in content.topics:
        per_topic[topic_of(topic.name)] += len(topic.examples)
        per_answer[topic.name] += len(topic.examples)
    problems = [
        Problem(
            f"The topic {family} needs at least {MIN_EXAMPLES} example "
            f"questions so the assistant recognises it; it has {count}. Add more "
            "ways visitors might ask.",
            topic=family,
        )
        for family, count in per_topic.items()
        if count < MIN_EXAMPLES
    ]
    problems += [
        Problem(
            f"The answer {name} needs at least {MIN_ANSWER_EXAMPLES} example "
            f"questions so the assistant can tell when to give it; it has "
            f"{count}. Add more ways visitors might ask it.",
            topic=name,
        )
        for name, count in per_answer.items()
        if name != topic_of(name) and count < MIN_ANSWER_EXAMPLES
    ]
    return problems


def malformed_examples(content: ProjectContent) -> list[Problem]:
    return [
        Problem(
            f"An example question of {topic.name} is empty or has no words. "
            "Type the question as a visitor would.",
            topic=topic.name,
            detail=example,
        )
        for topic in content.topics
        for example in topic.examples
        if not normalise(example)
    ]


def examples_by_text(content: ProjectContent) -> dict[str, dict[str, str]]:
    """Normalised text -> topic -> the example as written."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for topic in content.topics:
        for example in topic.examples:
            found[normalise(example)].setdefault(topic.name, example)
    return found


def shared_examples(content: ProjectContent) -> list[Problem]:
    problems = []
    for owners in examples_by_text(content).values():
        if len(owners) < 2:
            continue
        names = sorted(owners)
        for name in names[1:]:
            problems.append(
                Problem(
                    f'The example "{owners[name]}" of {name} is also an example '
                    f'of {names[0]} ("{owners[names[0]]}"). An example can belong '
                    "to one topic only: remove it from one of them.",
                    topic=name,
                    detail=f"{names[0]}: {owners[names[0]]}",
                )
            )
    return problems


@dataclass(frozen=True)
class Example:
    topic: str
    text: str
    normalised: str


def all_examples(content: ProjectContent) -> list[Example]:
    return [
        Example(topic.name, example, normalise(example))
        for topic in content.topics
        for example in topic.examples
        if normalise(example)
    ]


def near_identical_pairs(
    queries: list[Example], choices: list[Example]
) -> list[tuple[Example, Example]]:
    """Pairs of different topics' examples that are nearly the same."""
    query_texts = [example.normalised for example in queries]
    choice_texts = [example.normalised for example in choices]
    ratio = process.cdist(query_texts, choice_texts, scorer=fuzz.ratio, dtype=np.uint8)
    typo = process.cdist(
        query_texts, choice_texts, scorer=Levenshtein.distance, score_cutoff=1
    )
    lengths = np.array([len(text) for text in choice_texts])
    pairs = []
    for row, query in enumerate(queries):
        long_enough = np.minimum(lengths, len(query.normalised)) >= TYPO_MIN_LENGTH
        close = (ratio[row] >= NEAR_IDENTICAL_RATIO) | ((typo[row] == 1) & long_enough)
        for column in np.flatnonzero(close):
            choice = choices[column]
            if choice.topic != query.topic and choice.normalised != query.normalised:
                pairs.append((query, choice))
    return pairs


def near_identical_examples(
    content: ProjectContent, changed: Collection[str] | None = None
) -> list[Problem]:
    """Near-identical examples across topics; only ``changed`` ones if given."""
    examples = all_examples(content)
    if changed is None:
        queries = examples
    else:
        wanted = {normalise(text) for text in changed}
        queries = [example for example in examples if example.normalised in wanted]
    seen: set[frozenset[str]] = set()
    problems = []
    for query, other in near_identical_pairs(queries, examples):
        key = frozenset({f"{query.topic}:{query.text}", f"{other.topic}:{other.text}"})
        if key in seen:
            continue
        seen.add(key)
        problems.append(
            Problem(
                f'The example "{query.text}" of {query.topic} is nearly the same '
                f'as "{other.text}" of {other.topic}. The assistant could not '
                "tell them apart: reword it or put it in the right topic.",
                topic=query.topic,
                detail=f"{other.topic}: {other.text}",
            )
        )
    return problems
