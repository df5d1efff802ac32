"""Regenerates docs/nlu.md: held-out results, pipeline variants and baselines.

Usage: python scripts/nlu_report.py [--with-ablations]
(or: make eval; about 13 minutes on 2 cores)

Every variant is trained from scratch (an empty Rasa cache, so training times are
honest) on the same training data and scored on the same held-out file, with the
labels the clinic's checks use (clinic.evaluation).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clinic.evaluation import (  # noqa: E402
    Report,
    baseline_models,
    baseline_report,
    contract_label,
    label_from_parse,
    read_message_sets,
    read_nlu_examples,
    read_training_examples,
    score_contract,
)
from clinic.real_questions import HELDOUT as HELDOUT_SPLIT  # noqa: E402
from clinic.real_questions import crisis_posts, questions  # noqa: E402

HELDOUT = ROOT / "tests" / "nlu" / "test_nlu.yml"
DOCS = ROOT / "docs"
RASA = ROOT / ".venv" / "bin" / "rasa"


@dataclass
class Result:
    name: str
    description: str
    report: Report
    train_seconds: float | None = None
    model_mb: float | None = None


def chosen_config() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))


def without(config: dict[str, Any], predicate: Any) -> dict[str, Any]:
    variant = copy.deepcopy(config)
    variant["pipeline"] = [c for c in variant["pipeline"] if not predicate(c)]
    return variant


def with_changes(config: dict[str, Any], name: str, **changes: Any) -> dict[str, Any]:
    variant = copy.deepcopy(config)
    for component in variant["pipeline"]:
        if component["name"] == name:
            component.update(changes)
    return variant


DIET_PIPELINE: list[dict[str, Any]] = [
    {"name": "SpacyTokenizer"},
    {"name": "CountVectorsFeaturizer"},
    {
        "name": "CountVectorsFeaturizer",
        "analyzer": "char_wb",
        "min_ngram": 2,
        "max_ngram": 4,
    },
    {
        "name": "DIETClassifier",
        "epochs": 60,
        "number_of_transformer_layers": 0,
        "entity_recognition": False,
        "constrain_similarities": True,
        "random_seed": 1,
    },
    *[
        {
            "name": "ResponseSelector",
            "retrieval_intent": intent,
            "epochs": 40,
            "constrain_similarities": True,
            "random_seed": 1,
        }
        for intent in ("faq", "out_of_scope")
    ],
]


def diet_config(config: dict[str, Any]) -> dict[str, Any]:
    """The pipeline until the linear classifier (issue 8): DIET and two response
    selectors on word and character 2-4-gram counts, with the fallback and
    close-call thresholds that suited DIET's confidences."""
    variant = copy.deepcopy(config)
    pipeline = []
    for component in variant["pipeline"]:
        if component["name"].endswith("LinearIntentClassifier"):
            pipeline.extend(copy.deepcopy(DIET_PIPELINE))
            continue
        if component["name"] == "FallbackClassifier":
            component.update(threshold=0.5, ambiguity_threshold=0.1)
        elif component["name"].endswith("CrisisDetector"):
            component.update(close_call_confidence=0.4)
        pipeline.append(component)
    variant["pipeline"] = pipeline
    return variant


def variants() -> list[tuple[str, str, dict[str, Any]]]:
    base = chosen_config()
    return [
        ("chosen", "config.yml as shipped: n-grams + MiniLM sentence embedding", base),
        (
            "ngrams",
            "the shipped pipeline without the sentence encoder (n-grams alone)",
            without(base, lambda c: c["name"].endswith("SentenceEncoder")),
        ),
        (
            "diet",
            "DIET and two response selectors (the pipeline before this change; "
            "fallback 0.5, close call 0.4)",
            diet_config(base),
        ),
    ] + (
        [
            (
                "lower_fallback",
                "the shipped pipeline with the fallback threshold at 0.3",
                with_changes(base, "FallbackClassifier", threshold=0.3),
            )
        ]
        if "--with-ablations" in sys.argv
        else []
    )


def train(config: dict[str, Any], workdir: Path) -> tuple[Path, float]:
    config_path = workdir / "config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(workdir / "cache")}
    started = time.monotonic()
    subprocess.run(
        [
            str(RASA),
            "train",
            "--domain",
            "domain",
            "--config",
            str(config_path),
            "--out",
            str(workdir),
            "--fixed-model-name",
            "model",
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return workdir / "model.tar.gz", time.monotonic() - started


@functools.lru_cache(maxsize=1)
def loaded(model: Path) -> Any:
    """One load per model: loading takes longer than labelling a set."""
    from rasa.core.agent import Agent

    return Agent.load(str(model))


async def labels(model: Path, texts: list[str]) -> list[str]:
    agent = loaded(model)
    return [label_from_parse(await agent.parse_message(text)) for text in texts]


def evaluate_variant(name: str, description: str, config: dict[str, Any]) -> Result:
    heldout = read_nlu_examples(HELDOUT)
    with tempfile.TemporaryDirectory() as tmp:
        model, seconds = train(config, Path(tmp))
        predicted = asyncio.run(labels(model, [e.text for e in heldout]))
        size = model.stat().st_size / 1e6
        crisis = crisis_rates(model)
        real = real_rates(model)
    result = Result(
        name, description, score_contract(heldout, predicted), seconds, size
    )
    result.crisis = crisis  # type: ignore[attr-defined]
    result.real = real  # type: ignore[attr-defined]
    print(
        f"{name}: accuracy {result.report.accuracy:.3f} in {seconds:.0f} s", flush=True
    )
    return result


CRISIS_SETS = ("", "fresh/", "unseen/")


def crisis_rates(model: Path) -> dict[str, tuple[int, int]]:
    """Messages labelled crisis / messages, for each crisis and non-crisis set."""
    rates = {}
    for folder in CRISIS_SETS:
        for name in ("crisis_messages", "non_crisis_messages"):
            path = ROOT / "tests" / "crisis" / f"{folder}{name}.yml"
            texts = [t for ts in read_message_sets(path).values() for t in ts]
            rates[f"{folder}{name}"] = crisis_count(model, texts)
    return rates


def crisis_count(model: Path, texts: list[str]) -> tuple[int, int]:
    """Messages labelled crisis / messages."""
    found = asyncio.run(labels(model, texts))
    return sum(label == "crisis" for label in found), len(texts)


def real_rates(model: Path) -> dict[str, tuple[int, int]]:
    """Right / asked on the held-out real questions and crisis posts
    (research/real_questions, split by site; never trained on), and on
    tests/crisis/past_and_present.yml."""
    held = questions(HELDOUT_SPLIT)
    got = asyncio.run(labels(model, [m.text for m in held]))
    pairs = list(zip(held, got, strict=True))
    faq = [(m, g) for m, g in pairs if m.label.startswith("faq/")]
    out = [(m, g) for m, g in pairs if m.label == "out_of_scope"]
    posts = crisis_posts(HELDOUT_SPLIT)
    crises = [m.text for m in posts if m.is_crisis]
    benign = [m.text for m in posts if not m.is_crisis]
    both = read_message_sets(ROOT / "tests" / "crisis" / "past_and_present.yml")
    return {
        "topic": (sum(contract_label(g) == m.label for m, g in pairs), len(pairs)),
        "answer": (sum(g == m.answer for m, g in faq), len(faq)),
        "out_of_scope": (
            sum(contract_label(g) == "out_of_scope" for _, g in out),
            len(out),
        ),
        "crisis_posts": crisis_count(model, crises),
        "benign_posts": crisis_count(model, benign),
        "risk_now": crisis_count(model, both["risk_now_after_a_past"]),
        "risk_over": crisis_count(model, both["risk_that_is_over"]),
        "loss_risk": crisis_count(model, both["risk_now_after_a_loss"]),
        "loss": crisis_count(model, both["a_loss"]),
    }


REAL_ROWS = (
    ("topic", "real questions held out by site: topic right", "≥ 0.92"),
    ("answer", "the same, FAQ questions given the right answer", "≥ 0.85"),
    ("out_of_scope", "the same, out-of-scope recall", "≥ 0.92"),
    ("crisis_posts", "real crisis posts held out: detected", "1.0"),
    ("benign_posts", "real benign look-alike posts held out: false alarms", "≤ 2%"),
    ("risk_now", "`past_and_present.yml`, risk now beside a past: detected", "1.0"),
    ("risk_over", "`past_and_present.yml`, risk that is over: false alarms", "0"),
    ("loss_risk", "`past_and_present.yml`, risk now beside a loss: detected", "1.0"),
    ("loss", "`past_and_present.yml`, someone else's death: false alarms", "0"),
)


def fraction(cell: tuple[int, int]) -> str:
    right, total = cell
    return f"{right}/{total} ({right / total:.3f})" if total else "0/0"


def real_lines(results: list[Result]) -> list[str]:
    held = questions(HELDOUT_SPLIT)
    sites = len({urlsplit(m.url).hostname for m in held})
    lines = [
        "## Real visitors' questions",
        "",
        f"`research/real_questions/`: questions and posts real people wrote on "
        f"public pages, split once by site; the held-out part ({len(held)} "
        f"questions from {sites} sites, and {len(crisis_posts(HELDOUT_SPLIT))} "
        "crisis and benign posts) is never trained on. Each variant is trained "
        "from scratch on the same data (the real training part included).",
        "",
        "| measure | " + " | ".join(r.name for r in results) + " | target |",
        "|---|" + "---|" * len(results) + "---|",
    ]
    for key, what, target in REAL_ROWS:
        cells = [fraction(r.real[key]) for r in results]  # type: ignore[attr-defined]
        lines.append(f"| {what} | " + " | ".join(cells) + f" | {target} |")
    lines += [
        "| written held-out set (`tests/nlu/test_nlu.yml`): accuracy | "
        + " | ".join(f"{r.report.accuracy:.3f}" for r in results)
        + " | ≥ 0.96 |",
        "",
    ]
    return lines


def crisis_lines(rates: dict[str, tuple[int, int]]) -> list[str]:
    lines = []
    for folder in CRISIS_SETS:
        found, total = rates[f"{folder}crisis_messages"]
        alarms, benign = rates[f"{folder}non_crisis_messages"]
        lines.append(
            f"- crisis set `tests/crisis/{folder or ''}`: recall {found}/{total} "
            f"({found / total:.0%}); false alarms on its non-crisis set "
            f"{alarms}/{benign} ({alarms / benign:.1%})"
        )
    return lines


def baselines() -> list[Result]:
    training = read_training_examples(ROOT / "data")
    heldout = read_nlu_examples(HELDOUT)
    results = []
    for name, (description, model) in baseline_models().items():
        started = time.monotonic()
        report = baseline_report(model, training, heldout)
        results.append(Result(name, description, report, time.monotonic() - started))
    return results


def confusion_png(report: Report, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = report.labels
    fig, ax = plt.subplots(figsize=(11, 10))
    ax.imshow(report.confusion, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    for i, row in enumerate(report.confusion):
        for j, count in enumerate(row):
            if count:
                ax.text(
                    j,
                    i,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if i == j else "black",
                )
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    ax.set_title("Held-out NLU set: confusion matrix (contract labels)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def markdown(results: list[Result], baseline_results: list[Result]) -> str:
    chosen = results[0]
    report = chosen.report
    crisis = chosen.crisis  # type: ignore[attr-defined]
    heldout = read_nlu_examples(HELDOUT)
    training = read_training_examples(ROOT / "data")
    lines = [
        "# NLU quality",
        "",
        "Regenerated by `make eval` (`scripts/nlu_report.py`); do not edit by hand.",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.",
        "",
        f"Training data: {len(training)} examples; held-out set "
        f"(`tests/nlu/test_nlu.yml`, written apart, none in the training data): "
        f"{len(heldout)} messages. Labels as the clinic's checks read them "
        "(`faq/<topic>`: the answer key after the dot is dropped except where a "
        "row says *answer*; `out_of_scope/*` counts as `out_of_scope`).",
        "",
        *real_lines(results),
        "## The shipped pipeline",
        "",
        f"- accuracy **{report.accuracy:.3f}**, macro F1 **{report.macro_f1:.3f}**, "
        f"lowest label F1 {report.worst_f1()[1]:.2f} ({report.worst_f1()[0]})",
        f"- training time {chosen.train_seconds:.0f} s (NLU and rules, empty cache, "
        f"{os.cpu_count()} cores); model size {chosen.model_mb:.1f} MB",
        f"- out-of-scope recall {report.per_label['out_of_scope'].recall:.2f} "
        f"(precision {report.per_label['out_of_scope'].precision:.2f})",
        *margins(report, baseline_results),
        *crisis_lines(crisis),
        "",
        "![confusion matrix](nlu_confusion.png)",
        "",
        "| label | precision | recall | F1 | n |",
        "|---|---|---|---|---|",
    ]
    for label, s in sorted(report.per_label.items()):
        lines.append(
            f"| {label} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.support} |"
        )
    lines += [
        "",
        "Misclassified held-out messages:",
        "",
        *[f"- `{want}` → `{got}`: {text}" for text, want, got in report.errors],
        "",
        "## Pipeline choices, measured",
        "",
        "Each row is trained from scratch on the same data and scored on the same "
        "held-out set.",
        "",
        "| variant | accuracy | macro F1 | lowest F1 | training s | model MB |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name}: {r.description} | {r.report.accuracy:.3f} | {r.report.macro_f1:.3f} "
            f"| {r.report.worst_f1()[1]:.2f} | {r.train_seconds:.0f} | {r.model_mb:.1f} |"
        )
    lines += [
        "",
        "Crisis sets, each variant (messages labelled `crisis` / messages):",
        "",
        "| variant | "
        + " | ".join(
            f"`tests/crisis/{folder}` crisis | non-crisis" for folder in CRISIS_SETS
        )
        + " |",
        "|---|" + "---|---|" * len(CRISIS_SETS),
    ]
    for r in results:
        rates = r.crisis  # type: ignore[attr-defined]
        cells = [
            f"{rates[folder + 'crisis_messages'][0]}/{rates[folder + 'crisis_messages'][1]}"
            f" | {rates[folder + 'non_crisis_messages'][0]}/"
            f"{rates[folder + 'non_crisis_messages'][1]}"
            for folder in CRISIS_SETS
        ]
        lines.append(f"| {r.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Why a linear model: intents here are short questions whose words decide "
        "the label; DIET and the response selectors learn the same from word and "
        "character counts, but need TensorFlow, minutes of training and tens of "
        "milliseconds per message. The shipped classifier "
        "(`clinic/components/linear_classifier.py`) adds to the character "
        "n-gram baseline the spaCy pipeline's normalised text (typos and "
        "stretched letters repaired, lemmas, figurative death words neutral) "
        "and word 1-2-grams, and calibrated probabilities for the "
        "fallback and the crisis close call. "
        "`python scripts/nlu_report.py --with-ablations` adds the shipped pipeline "
        "with the fallback at 0.3.",
    ]
    lines += [
        "",
        "Earlier, by hand (session 11, before the six new topics and the real "
        "training part, 505 real questions then unsplit): the sentence embedding "
        "beside the n-grams at weight 0.5, 0.7 and 1.0 scored 0.768, 0.790 and "
        "0.802 on the real questions against 0.723 for n-grams alone; 1.0 is "
        "shipped (`embedding_weight` of the classifier).",
        "",
        "Measured and not shipped (session 26): beside the features, each "
        "topic's nearest training example (cosine of the sentence embeddings, "
        "`scripts/real_cv.py --knn-weight 0 0.5 1`). Cross-validated on the real "
        "training part by site, weight 1.0 found 703 of 852 topics against 696, "
        "out of scope 200 of 239 against 191, real crisis posts by the classifier "
        "alone 114 of 138 against 110, with 57 of 342 benign posts raising an "
        "alarm against 62; but the held-out real questions went 149 → 147 of 182, "
        "the written set 0.937 → 0.944, and false alarms on the fresh and unseen "
        "non-crisis sets 2 → 3 and 6 → 7, for a model twice the size. "
        "Reading long messages by their question sentences only (mixed at 0.3 "
        "to 0.7 with the whole message) was worse at every weight by the same "
        "cross-validation (693 to 670 of 852 against 695).",
        "",
        "Session 28, by the same cross-validation (which now picks each "
        "message's answer within its predicted topic, as the parse result does): "
        "the 71 real training items added that session, scored on the 1,332 "
        "real items before them, raised topics 693 → 700 of 852, answers "
        "446 → 451 of 581 and out of scope 193 → 194 of 239, and cut the "
        "classifier's alarms on benign posts 60 → 57 of 342; the held-out "
        "figures above moved 2-3 items the other way (149 → 146 topics).",
        "",
        "### Real visitors' messages weighted",
        "",
        "Shipped in session 29: each example of `data/real/visitors.yml` (its "
        "intents carry `source: real_visitors`) counts twice in training "
        "(`source_weights` of the classifier in config.yml), and the sentence "
        "embedding counts 1.5 times beside the n-grams (`embedding_weight`). "
        "Chosen by the cross-validation by site on the real training part "
        "(`scripts/real_cv.py --real-weight 1 2 3 --embedding-weight 1 1.5`; "
        "the held-out part was not read), crisis here the classifier's alone:",
        "",
        "| real weight | embedding | topics of 876 | answers of 603 | out of scope of 241 | crisis posts of 152 | benign alarms of 375 |",
        "|---|---|---|---|---|---|---|",
        "| 1 | 1 (before) | 716 | 467 | 201 | 122 | 52 |",
        "| 1 | 1.5 | 725 | 475 | 199 | 124 | 60 |",
        "| 2 | 1 | 715 | 465 | 201 | 119 | 48 |",
        "| **2** | **1.5** | **730** | **474** | **204** | **122** | **52** |",
        "| 3 | 1 | 720 | 467 | 204 | 117 | 48 |",
        "| 3 | 1.5 | 726 | 470 | 204 | 118 | 51 |",
        "",
        "Through the shipped crisis detector as well (`--crisis-detector`), "
        "weight 2 with the embedding at 1.5 found 142 of 152 crisis posts "
        "against 144 before, with 94 benign alarms of 375 against 95; the two "
        "posts it lost (\"I've lost my motivation to breathe … Save me from "
        'myself", and a post on the effort of breathing that ends "what if I '
        'just stopped? Sometimes it is tempting") led to two phrases for the '
        "first one's general wording (`lose * will/motivation … to "
        "live/breathe`, `save me from myself`): 143 of 152, with no new alarm "
        "(94). The second stays missed when the classifier has not seen it "
        "(docs/safety.md). The embedding at 2 kept 144 crisis posts but found "
        "fewer topics (724) and raised alarms (97).",
        "",
        "Measured and not shipped (session 33), by the same cross-validation "
        "through the crisis detector (shipped: 729 topics, 474 answers, 202 out "
        "of scope, 143 crisis posts, 94 benign alarms): the embedding at 2.5 "
        "and 3 found 720 and 712 topics, 198 and 194 out of scope, with 99 "
        "benign alarms each; 58 more written examples for the thinnest topics "
        "(at_home, therapy, care_team) found 725 topics and 471 answers, with "
        "95 alarms.",
        "",
        "Session 34, by the same cross-validation (start: 729 topics, 474 "
        "answers, 202 out of scope, 145 crisis posts, 95 alarms; `--flat`): "
        "the topic read as the sum of a second classifier's probabilities over "
        "the answers (each answer a class), mixed with the topic classifier's "
        "at 0.3, 0.5 and 1.0, found 731, 733 and 725 topics, 204, 205 and 198 "
        "out of scope, but 143, 143 and 142 crisis posts: not shipped. "
        "Shipped: examples and fixes for wording seen while trying the "
        "assistant as a visitor (a personal age question, pain, walk-ins, "
        "cancelling an appointment, ketamine making depression worse, the "
        "horse-tranquilizer worry) and 47 words visitors ask about added to the "
        'words the spelling repair knows ("adictive", "perscription"): '
        "727 topics, 475 answers, 201 out of scope, 144 crisis posts, 93 "
        "alarms. The crisis post the classifier no longer finds when it has not "
        "seen it changes with any few examples (three such posts, each told "
        "indirectly, trade places between runs); the shipped model is trained "
        "on them and finds every crisis post of every set (tests/crisis). "
        "Relabelling the written Spravato-approval and take-home questions as "
        "the real questions are labelled moved no real item and cost the "
        "written set four: undone.",
        "",
        "Session 35, by the same cross-validation (start: 729 topics, 475 "
        "answers, 202 out of scope, 143 crisis posts, 93 alarms): three answers "
        "visitors asked for and did not get (needle fear, drug tests, how well "
        "Spravato works), examples for wording seen while trying the assistant "
        "(recovery time, 'the high', a relative's eligibility), and examples "
        "in their topics for everyday messages the classifier alone read as "
        "crisis ('i live about an hour away', 'tired of being on so many meds', "
        "'i can't make it to my infusion thursday'): 729 topics, 473 answers, "
        "203 out of scope, 142 crisis posts, 94 alarms. The crisis post lost is "
        "one of the indirectly told ones that trade places between runs (a wife "
        "who doubts her husband 'cleaning his gun'); the shipped model is "
        "trained on it. One held-out item's expected answer changed with the "
        "new Spravato answer ('CAN SPRAVATO HELP ME?': the response-rates "
        "answer gave IV figures only). Then 24 written out-of-scope examples "
        "of questions about other treatments in the words of ketamine topics "
        "('how long does lexapro take to kick in', 'how does zoloft work', TMS "
        "sessions and cost, psilocybin) and about causes of depression: 735 "
        "topics, 469 answers, 213 out of scope, 142 crisis posts, 95 alarms. "
        "They were written after reading the cross-validation's errors, so "
        "their gain on those items overstates; the held-out figures above, "
        "never read, are the honest measure.",
        "",
        "Session 36, by the same cross-validation (start, on this machine: 736 "
        "topics, 471 answers, 214 out of scope, 142 crisis posts, 92 alarms): "
        "someone else's death told as past no longer settles every crisis "
        "phrase in the message, only its own, and only with no word of now or "
        "urgency (docs/safety.md); two phrases that never matched split ('tired "
        "of life'); 'my own suicidal thoughts' a phrase; a new answer for "
        "helping a relative towards treatment and examples for street ketamine "
        "and 'how many people does it help': 736 topics, 472 answers, 213 out "
        "of scope, 143 crisis posts, 93 alarms. Two first versions that let a "
        "death settle its phrase whatever else the message said (86 and 90 "
        "alarms) missed emergencies told in the past tense ('my son overdosed "
        "and died, he won't wake up') and were withdrawn after review.",
        "Session 37, by the same cross-validation (start: 736 topics, 472 "
        "answers, 213 out of scope, 143 crisis posts, 93 alarms): nine written "
        "examples for questions a new visitor's trial got wrong (bringing a "
        "partner, the dose the clinic gives, high blood pressure, Suboxone and "
        "methadone): 737 topics, 475 answers, 213 out of scope, 143 crisis "
        "posts, 92 alarms.",
        "Session 38, by the same cross-validation (start: 737 topics, 475 "
        "answers, 213 out of scope, 143 crisis posts, 92 alarms): 17 written "
        "examples for a new visitor's trial (an appointment's length, which "
        "started the booking form; Tricare; bipolar and breastfeeding, which "
        "got the medical-advice refusal; a husband's PTSD; a cancellation "
        "policy, now a hand-off; a doctor in the room; an adult child's "
        "consultation) and the crisis phrase 'i will be dead': 737 topics, 474 "
        "answers, 212 out of scope, 143 crisis posts, 93 alarms. The phrase "
        "changed no verdict on any real item; the one-item moves are the "
        "retrained classifier's.",
    ]
    lines += [
        "",
        "## Baselines (scikit-learn, same training data)",
        "",
        "| baseline | accuracy | macro F1 | margin of the assistant (accuracy / macro F1) |",
        "|---|---|---|---|",
    ]
    for b in baseline_results:
        lines.append(
            f"| {b.description} | {b.report.accuracy:.3f} | {b.report.macro_f1:.3f} | "
            f"{report.accuracy - b.report.accuracy:+.3f} / {report.macro_f1 - b.report.macro_f1:+.3f} |"
        )
    return "\n".join(lines) + "\n"


def margins(report: Report, baseline_results: list[Result]) -> list[str]:
    return [
        f"- margin over {b.description}: accuracy "
        f"{report.accuracy - b.report.accuracy:+.3f}, macro F1 "
        f"{report.macro_f1 - b.report.macro_f1:+.3f}"
        for b in baseline_results
    ]


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    results = [evaluate_variant(*variant) for variant in variants()]
    baseline_results = baselines()
    confusion_png(results[0].report, DOCS / "nlu_confusion.png")
    (DOCS / "nlu.md").write_text(markdown(results, baseline_results), encoding="utf-8")
    print("wrote docs/nlu.md and docs/nlu_confusion.png")


if __name__ == "__main__":
    main()
