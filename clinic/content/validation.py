"""Rules every change to the training data and answers must pass.

``validate_project`` runs them all over a project root (data/, domain/,
config.yml, config/): Rasa's own data validation, then the clinic's rules on
example counts, duplicate and near-identical examples, answer length, crisis
resources and links. Messages are for clinic staff and say what to do.
"""

from __future__ import annotations

import difflib
import logging
import re
import threading
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from clinic.content.readability import MAX_GRADE, grade_of
from clinic.content.topics import (
    DOMAIN_DIR,
    ContentRepository,
    Response,
    Topic,
    is_retrieval,
    parse_yaml,
    yaml_files,
)
from clinic.intent_names import topic_of
from clinic.settings import SettingsError, load_settings

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
# Longest answer text, placeholders unfilled. The longest now is 588 characters
# (faq/eligibility); much longer answers are hard to read in a chat window.
MAX_ANSWER_CHARS = 700
CRISIS_FILE = f"{DOMAIN_DIR}/crisis.yml"
CRISIS_PLACEHOLDERS = ("{crisis_resources}", "{crisis_line}", "{emergency_number}")
CRISIS_PAYLOAD = "/crisis"
# Emergency help is named by the region's number ({emergency_number}: 911, 999,
# 000), never a place or service visitors may not reach or recognise.
HARD_CODED_EMERGENCY = re.compile(
    r"(?i:\bemergency\s+(?:room|department|services?|number)s?\b)"
    r"|\bA\s*&\s*E\b|\bE\.?R\.?(?=[\s,.;:!?)]|$)"
    r"|(?<![\w$£,.])(?<!\d\s)(?:911|999|000|112)(?![\w,.]\d)",
)
# Values an action passes with its response (actions/forms.py: reference=...).
ACTION_VALUES = frozenset({"reference"})
PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
URL = re.compile(r"\bhttps?://[^\s<>\"'()\[\]]*", re.IGNORECASE)
MISTYPED_URL = re.compile(
    r"(?<![\w/.])(?:https?:/(?!/)|https?//|htps?://|https?:\\|www\.)\S*", re.IGNORECASE
)
MARKDOWN_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()]*)\)")
# Every link target, whatever its shape: MARKDOWN_LINK skips targets holding
# parentheses, so "javascript:alert(1)" must be caught here.
LINK_TARGET = re.compile(r"\]\(\s*([^\s)]*)")
URL_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
BROKEN_MARKDOWN_LINK = re.compile(r"\[[^\[\]]*\]\s+\(|\]\([^()]*$", re.MULTILINE)
INTENT_PAYLOAD = re.compile(r"^/([A-Za-z0-9_]+)(\{.*\})?$")
LINK_SCHEMES = ("mailto:", "tel:")
# Rasa warns about these on every project like this one: the first always, the
# second because the retrieval intents (faq, out_of_scope) are declared in the
# domain as well as derived from the data.
IGNORED_RASA_WARNINGS = (
    "Slot auto-fill has been removed",
    "The following duplicated intents have been found",
)


@dataclass(frozen=True)
class Problem:
    message: str
    topic: str = ""
    detail: str = ""


@dataclass(frozen=True)
class ProjectContent:
    """What the clinic's rules look at, read once."""

    topics: list[Topic]
    responses: dict[str, Response]
    intents: frozenset[str]
    slots: frozenset[str]
    placeholders: frozenset[str]


def normalise(text: str) -> str:
    """Lower case, punctuation and symbols removed, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    spaced = "".join(
        " " if unicodedata.category(char)[0] in "PS" else char for char in folded
    )
    return " ".join(spaced.split())


def domain_names(root: Path) -> tuple[frozenset[str], frozenset[str]]:
    """The intents and slots the domain declares."""
    intents: set[str] = set()
    slots: set[str] = set()
    for path in yaml_files(root / DOMAIN_DIR):
        content = parse_yaml(path.read_text(encoding="utf-8"))
        for intent in content.get("intents") or []:
            intents.add(str(next(iter(intent)) if isinstance(intent, dict) else intent))
        slots.update(str(name) for name in content.get("slots") or {})
    return frozenset(intents), frozenset(slots)


def settings_placeholders(root: Path) -> frozenset[str]:
    """Placeholders the response generator fills (clinic/nlg.py)."""
    from clinic.nlg import booking_values  # imports Rasa: only when validating

    settings = load_settings(
        root / "config" / "clinic.yml", root / "config" / "crisis_resources.yml"
    )
    return frozenset(settings.template_values()) | frozenset(booking_values({}))


def read_content(root: Path) -> ProjectContent:
    topics, responses = ContentRepository(root).load()
    intents, slots = domain_names(root)
    placeholders = settings_placeholders(root) | slots | ACTION_VALUES
    return ProjectContent(topics, responses, intents, slots, placeholders)


# ---- Rasa's own validation ----

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


# ---- the clinic's rules ----


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


def hard_to_read_answers(content: ProjectContent) -> list[Problem]:
    problems = []
    for response in content.responses.values():
        for answer in response.variants:
            grade = grade_of(response.name, answer.variant, answer.text)
            if grade.too_hard:
                problems.append(
                    Problem(
                        f"The answer {response.name} reads at US school grade "
                        f"{grade.grade:.1f}; visitors' answers must read at grade "
                        f"{MAX_GRADE:.0f} or below. Use shorter sentences and "
                        "everyday words (for example 'help' for 'facilitate').",
                        topic=answer_topic(response.name),
                    )
                )
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


def missing_answers(content: ProjectContent) -> list[Problem]:
    topics = {topic.name for topic in content.topics}
    problems = [
        Problem(
            f"The topic {topic.name} has no answer. Write the answer visitors "
            "should get.",
            topic=topic.name,
        )
        for topic in content.topics
        if is_retrieval(topic.name) and topic.answer is None
    ]
    problems += [
        Problem(
            f"The answer {name} belongs to no topic with example questions. Add "
            f"the topic {name.removeprefix('utter_')} or remove the answer.",
            topic=name.removeprefix("utter_"),
        )
        for name in content.responses
        if "/" in name and name.removeprefix("utter_") not in topics
    ]
    return problems


def answer_topic(response: str) -> str:
    return response.removeprefix("utter_") if "/" in response else ""


def answer_lengths(content: ProjectContent) -> list[Problem]:
    problems = []
    for response in content.responses.values():
        for answer in response.variants:
            text = answer.text.strip()
            if not text:
                problems.append(
                    Problem(
                        f"The answer {response.name} is empty. Write what the "
                        "assistant should say.",
                        topic=answer_topic(response.name),
                    )
                )
            elif len(text) > MAX_ANSWER_CHARS:
                problems.append(
                    Problem(
                        f"The answer {response.name} is {len(text)} characters "
                        f"long; the limit is {MAX_ANSWER_CHARS}, so that it reads "
                        "well in a chat window. Shorten it.",
                        topic=answer_topic(response.name),
                    )
                )
    return problems


def crisis_markers(text: str, buttons: list[dict[str, str]]) -> set[str]:
    """The crisis resources a response shows: placeholders and the crisis button."""
    found = {placeholder for placeholder in CRISIS_PLACEHOLDERS if placeholder in text}
    if any(button.get("payload") == CRISIS_PAYLOAD for button in buttons):
        found.add(CRISIS_PAYLOAD)
    return found


def is_crisis_response(response: Response) -> bool:
    from clinic.nlg import CRISIS_RESPONSE_PREFIX

    return response.name.startswith(CRISIS_RESPONSE_PREFIX) or (
        response.file == CRISIS_FILE
    )


def crisis_resources_missing(content: ProjectContent) -> list[Problem]:
    """Every crisis reply shows crisis help; the main one lists every resource."""
    from clinic.nlg import CRISIS_SUPPORT_RESPONSE

    problems = []
    for response in content.responses.values():
        if not is_crisis_response(response):
            continue
        for answer in response.variants:
            markers = crisis_markers(answer.text, answer.buttons)
            required = "{crisis_resources}"
            if response.name == CRISIS_SUPPORT_RESPONSE and required not in markers:
                problems.append(crisis_problem(response.name, {required}))
            elif not markers:
                problems.append(crisis_problem(response.name, {"{crisis_line}"}))
    return problems


def hard_coded_emergency(content: ProjectContent) -> list[Problem]:
    """Replies name emergency help by the region's number, from the settings."""
    problems = []
    for response in content.responses.values():
        for answer in response.variants:
            found = HARD_CODED_EMERGENCY.search(answer.text)
            if found:
                problems.append(
                    Problem(
                        f'The answer {response.name} says "{found.group(0)}". '
                        "Write {emergency_number} instead: it becomes the "
                        "emergency number of the clinic's region (911, 999, 000).",
                        topic=answer_topic(response.name),
                        detail=found.group(0),
                    )
                )
    return problems


def crisis_problem(response: str, missing: set[str]) -> Problem:
    names = ", ".join(sorted(missing))
    return Problem(
        f"The reply {response} must keep the crisis help it shows ({names}): "
        "people in crisis rely on it. Put it back.",
        detail=names,
    )


def crisis_resources_removed(
    content: ProjectContent, baseline: ProjectContent
) -> list[Problem]:
    """Crisis help a reply shows now must still be shown after the change."""
    problems = []
    for name, before in baseline.responses.items():
        after = content.responses.get(name)
        for old in before.variants:
            kept = set()
            if after is not None and old.variant < len(after.variants):
                new = after.variants[old.variant]
                kept = crisis_markers(new.text, new.buttons)
            missing = crisis_markers(old.text, old.buttons) - kept
            if missing:
                problems.append(crisis_problem(name, missing))
    return problems


def url_problem(url: str) -> str:
    """Why a link does not work, or "" if it looks right."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "it does not start with https:// and a website name"
    if "." not in host and host != "localhost":
        return "the website name is incomplete"
    if url.endswith((".", ",")):
        return "it ends with punctuation that would become part of the link"
    return ""


def link_target_problem(target: str) -> str:
    target = target.strip()
    if not target:
        return "the link has no address"
    if target.startswith(LINK_SCHEMES):
        return ""
    if PLACEHOLDER.fullmatch(target):
        return ""  # an unknown name is reported by placeholder_problems
    return url_problem(target)


def unsafe_scheme(target: str) -> bool:
    """A link target that names a scheme other than web, email or phone."""
    scheme = URL_SCHEME.match(unicodedata.normalize("NFKC", target))
    return bool(scheme) and scheme.group(1).lower() not in SAFE_SCHEMES


def link_problems_in_text(text: str) -> list[str]:
    found = []
    for match in URL.finditer(text):
        reason = url_problem(match.group(0))
        if reason:
            found.append(f'the link "{match.group(0)}": {reason}')
    found += [
        f'"{match.group(0)}" is not a complete link: write it as https://...'
        for match in MISTYPED_URL.finditer(text)
    ]
    reported = set()
    for match in MARKDOWN_LINK.finditer(text):
        title, target = match.groups()
        if not title.strip():
            found.append(f'the link "{match.group(0)}" has no words to click on')
        reason = link_target_problem(target)
        # A web address there was already checked with the others in the text.
        if reason and not URL.match(target.strip()):
            found.append(f'the link "{match.group(0)}": {reason}')
            reported.add(target.strip())
    found += [
        f'the link to "{match.group(1)}" does not go to a web page, email or '
        "phone number: write it as https://..."
        for match in LINK_TARGET.finditer(text)
        if unsafe_scheme(match.group(1)) and match.group(1) not in reported
    ]
    found += [
        f'"{match.group(0).strip()}" is a broken link: write [words](https://...)'
        for match in BROKEN_MARKDOWN_LINK.finditer(text)
    ]
    return found


def payload_problem(payload: str, intents: frozenset[str]) -> str:
    payload = payload.strip()
    if not payload:
        return "a button has no action"
    intent = INTENT_PAYLOAD.match(payload)
    if payload.startswith("/") and (not intent or intent.group(1) not in intents):
        return f'the button action "{payload}" is not something the assistant knows'
    if payload.lower().startswith(("http:", "https:", "www.")):
        reason = url_problem(payload)
        return f'the button link "{payload}": {reason}' if reason else ""
    return ""


def suggested_placeholder(name: str, placeholders: frozenset[str]) -> str:
    """ " (did you mean {clinic_phone}?)" for {phone}, or nothing."""
    containing = sorted(p for p in placeholders if name and name.lower() in p)
    close = containing or difflib.get_close_matches(name, sorted(placeholders), n=1)
    return f" (did you mean {{{close[0]}}}?)" if close else ""


def placeholder_problems(text: str, placeholders: frozenset[str]) -> list[str]:
    unknown = sorted(
        {name for name in PLACEHOLDER.findall(text) if name not in placeholders}
    )
    found = [
        f"{{{name}}} is not a clinic detail the assistant can fill in"
        + suggested_placeholder(name, placeholders)
        for name in unknown
    ]
    if text.count("{") != text.count("}"):
        found.append("a { or } is missing around a clinic detail, as in {clinic_phone}")
    return found


def answer_link_problems(
    text: str, buttons: list[dict[str, str]], content: ProjectContent
) -> list[str]:
    found = link_problems_in_text(text)
    found += placeholder_problems(text, content.placeholders)
    for button in buttons:
        title, payload = button.get("title", ""), button.get("payload", "")
        if not title.strip():
            found.append("a button has no title")
        found += placeholder_problems(title, content.placeholders)
        found += placeholder_problems(payload, content.placeholders)
        reason = payload_problem(payload, content.intents)
        if reason:
            found.append(reason)
    return found


def link_and_placeholder_problems(content: ProjectContent) -> list[Problem]:
    problems = []
    for response in content.responses.values():
        for answer in response.variants:
            for reason in answer_link_problems(answer.text, answer.buttons, content):
                problems.append(
                    Problem(
                        f"In the answer {response.name}, {reason}. Correct it.",
                        topic=answer_topic(response.name),
                        detail=reason,
                    )
                )
    return problems


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
