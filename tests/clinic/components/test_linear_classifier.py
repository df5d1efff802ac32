"""The intent and FAQ-answer classifier, trained on the project's own data."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language

from clinic.components.fast_scoring import MessageScorer, TfidfTerms, message_entries
from clinic.components.linear_classifier import (
    MODEL_FILE,
    VOCABULARIES_FILE,
    LinearIntentClassifier,
    normalised_text,
    source_of,
    training_weights,
)
from clinic.components.linear_model import build_model, vectorizers
from clinic.real_questions import SOURCE as REAL_SOURCE

ROOT = Path(__file__).resolve().parents[3]


def training_data() -> TrainingData:
    files = sorted((ROOT / "data" / "faq").glob("*.yml")) + sorted(
        (ROOT / "data" / "nlu").glob("*.yml")
    )
    return TrainingData().merge(*(load_data(str(path)) for path in files))


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture(scope="module")
def trained(
    nlp: Language, storage: LocalModelStorage, context: ExecutionContext
) -> LinearIntentClassifier:
    config = LinearIntentClassifier.get_default_config()
    resource = Resource("linear_classifier")
    classifier = LinearIntentClassifier.create(config, storage, resource, context)
    classifier.train(training_data(), SpacyModel(nlp, "clinic_en"))
    return LinearIntentClassifier.load(config, storage, resource, context)


def labelled(classifier: LinearIntentClassifier, nlp: Language, text: str) -> Message:
    [message] = classifier.process(
        [Message({TEXT: text})], SpacyModel(nlp, "clinic_en")
    )
    return message


def test_an_faq_question_names_its_answer_as_a_response_selector_does(
    trained: LinearIntentClassifier, nlp: Language
) -> None:
    message = labelled(trained, nlp, "how much does one infusion cost")
    assert message.get(INTENT)["name"] == "faq"
    selected = message.get("response_selector")["faq"]
    # the topic's answer for this question, keyed finer than the topic
    assert selected["response"]["intent_response_key"] == "faq/cost.price"
    assert selected["response"]["utter_action"] == "utter_faq/cost.price"
    assert selected["response"]["confidence"] == message.get(INTENT)["confidence"]
    keys = [entry["intent_response_key"] for entry in selected["ranking"]]
    assert keys[0] == "faq/cost.price" and all(key.startswith("faq/") for key in keys)
    # every topic's answers, best first, for follow-ups (clinic/follow_up.py)
    cost_answers = selected["answer_ranking"]["faq/cost"]
    assert cost_answers[0][0] == "faq/cost.price"
    assert abs(sum(p for _, p in cost_answers) - 1.0) < 0.01


def test_insurance_and_price_are_different_answers_of_one_topic(
    trained: LinearIntentClassifier, nlp: Language
) -> None:
    message = labelled(trained, nlp, "does my insurance pay for the infusions")
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/cost.insurance"
    assert message.get("response_selector")["all_retrieval_intents"] == [
        "faq",
        "out_of_scope",
    ]


def test_other_intents_rank_once_each_best_first(
    trained: LinearIntentClassifier, nlp: Language
) -> None:
    message = labelled(trained, nlp, "hello there")
    ranking = message.get(INTENT_RANKING_KEY)
    names = [entry["name"] for entry in ranking]
    confidences = [entry["confidence"] for entry in ranking]
    assert names[0] == "greet" == message.get(INTENT)["name"]
    assert len(names) == len(set(names))
    assert confidences == sorted(confidences, reverse=True)


def test_typos_are_read_through_the_normaliser(
    trained: LinearIntentClassifier, nlp: Language
) -> None:
    message = labelled(trained, nlp, "wat r the side efects of ketamene")
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"].startswith("faq/side_effects.")


def every_example_and_test_message(nlp: Language) -> list[str]:
    held_out = load_data(str(ROOT / "tests" / "nlu" / "test_nlu.yml"))
    examples = training_data().intent_examples + held_out.intent_examples
    texts = [normalised_text(nlp(m.get(TEXT))) for m in examples]
    return [*texts, "", "   ", "zzzz qqqq", "a", "ketamine ketamine ketamine"]


def test_features_are_scikit_learns_for_every_example_and_test_message(
    trained: LinearIntentClassifier, nlp: Language
) -> None:
    model = trained._model
    assert model is not None
    terms = [TfidfTerms.of(vectorizer) for vectorizer in vectorizers(model)]
    assert None not in terms
    texts = every_example_and_test_message(nlp)
    expected = model[0].transform(texts).toarray()
    for row, text in enumerate(texts):
        columns, values = message_entries(terms, text)  # type: ignore[arg-type]
        ours = np.zeros(expected.shape[1])
        ours[columns] = values
        assert np.allclose(ours, expected[row], atol=1e-12)
    assert len(texts) > 1000


def test_probabilities_are_scikit_learns_for_every_example_and_test_message(
    trained: LinearIntentClassifier, nlp: Language
) -> None:
    model = trained._model
    assert model is not None
    scorer = MessageScorer(model)
    assert scorer._linear is not None  # the fast path, not scikit-learn's
    terms = scorer._terms
    assert terms is not None
    # A text without one known n-gram is the next test's.
    texts = [
        text
        for text in every_example_and_test_message(nlp)
        if len(message_entries(terms, text)[0])
    ]
    assert len(texts) > 1000
    expected = model.predict_proba(texts)
    for row, text in enumerate(texts):
        assert np.allclose(scorer.probabilities(text), expected[row], atol=1e-12)


def test_a_message_without_one_known_n_gram_gets_no_label_preferred(
    trained: LinearIntentClassifier,
) -> None:
    model = trained._model
    assert model is not None
    probabilities = MessageScorer(model).probabilities("\u01c2\u01c2\u01c2")
    assert np.allclose(probabilities, 1 / len(model.classes_))


def test_a_model_of_another_kind_is_scored_by_scikit_learn(
    trained: LinearIntentClassifier, nlp: Language
) -> None:
    config = {**LinearIntentClassifier.get_default_config(), "model": "logistic"}
    logistic = build_model(config)
    examples = load_data(str(ROOT / "tests" / "nlu" / "test_nlu.yml")).intent_examples
    texts = [normalised_text(nlp(m.get(TEXT))) for m in examples]
    logistic.fit(texts, [m.get_full_intent() for m in examples])
    scorer = MessageScorer(logistic)
    assert scorer._linear is None
    text = normalised_text(nlp("how much does it cost"))
    assert np.allclose(scorer.probabilities(text), logistic.predict_proba([text])[0])


def test_an_untrained_classifier_leaves_messages_alone(
    nlp: Language, tmp_path: Path, context: ExecutionContext
) -> None:
    storage = LocalModelStorage(tmp_path)
    config = LinearIntentClassifier.get_default_config()
    classifier = LinearIntentClassifier.load(
        config, storage, Resource("missing"), context
    )
    message = labelled(classifier, nlp, "hello")
    assert message.get(INTENT) is None


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_message_still_gets_an_unsure_intent(
    trained: LinearIntentClassifier, nlp: Language, text: str
) -> None:
    message = labelled(trained, nlp, text)
    assert message.get(INTENT)["confidence"] < 0.1


def test_the_vocabularies_are_stored_beside_the_classifier_not_inside_it(
    trained: LinearIntentClassifier, storage: LocalModelStorage
) -> None:
    """skops would write each n-gram as a typed JSON object; reading 29,000 of
    them back was the largest memory peak of the server's start."""
    with storage.read_from(Resource("linear_classifier")) as directory:
        vocabularies = json.loads((directory / VOCABULARIES_FILE).read_text())
        with zipfile.ZipFile(directory / MODEL_FILE) as stored:
            schema = stored.read("schema.json").decode()
    characters, words = vocabularies
    assert "ketamine" in words
    assert len(characters) > 10_000
    assert '"ketamine"' not in schema


HELLOS = ["hello", "hi there", "good morning", "hey", "hiya", "howdy"]
BYES = ["goodbye", "bye now", "good night", "farewell", "take care", "ciao"]
OTHERS = ["how much is it", "what does it cost", "price please", "is it expensive"]
OTHERS += ["the fee", "cost of a session"]


def small_data(source: str | None, hello: str, bye: str) -> TrainingData:
    """Hellos and byes, and one text taught as both: once as a hello, from
    ``source`` (None: unmarked), once as a bye, unmarked. ``hello`` and ``bye``
    name two intents (the topic model) or two answers of one topic (the
    answer model)."""
    examples = [Message.build(text, hello) for text in HELLOS]
    examples += [Message.build(text, bye) for text in BYES]
    examples += [Message.build(text, "cost") for text in OTHERS]
    metadata = {"source": source} if source else None
    examples.append(Message.build("see you there", hello, None, metadata))
    examples.append(Message.build("see you there", bye))
    return TrainingData(examples)


def hello_probability(
    data: TrainingData,
    hello: str,
    nlp: Language,
    tmp_path: Path,
    context: ExecutionContext,
) -> float:
    config = {
        **LinearIntentClassifier.get_default_config(),
        "source_weights": {"real_visitors": 4.0},
    }
    tmp_path.mkdir()
    storage = LocalModelStorage(tmp_path)
    classifier = LinearIntentClassifier.create(
        config, storage, Resource("small"), context
    )
    classifier.train(data, SpacyModel(nlp, "clinic_en"))
    message = labelled(classifier, nlp, "see you there")
    if "/" not in hello:
        ranking = message.get(INTENT_RANKING_KEY)
        return next(e["confidence"] for e in ranking if e["name"] == hello)
    topic = hello.split(".")[0]
    selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME)["faq"]
    return dict(selector["answer_ranking"][topic])[hello]


@pytest.mark.parametrize(
    "hello,bye", [("greet", "goodbye"), ("faq/visit.hello", "faq/visit.bye")]
)
def test_an_example_counts_by_the_weight_of_its_source(
    nlp: Language, tmp_path: Path, context: ExecutionContext, hello: str, bye: str
) -> None:
    def probability(source: str | None, directory: str) -> float:
        data = small_data(source, hello, bye)
        return hello_probability(data, hello, nlp, tmp_path / directory, context)

    unmarked = probability(None, "a")
    assert probability("staff", "b") == pytest.approx(unmarked)
    assert probability("real_visitors", "c") > unmarked + 0.1


def test_every_real_visitors_example_in_data_is_marked_with_its_source() -> None:
    real = load_data(str(ROOT / "data" / "real" / "visitors.yml")).intent_examples
    written = training_data().intent_examples
    assert {source_of(example) for example in real} == {REAL_SOURCE}
    assert {source_of(example) for example in written} == {""}
    weights = {REAL_SOURCE: 2.0}
    assert set(training_weights(real, weights)) == {2.0}
    assert set(training_weights(written, weights)) == {1.0}


def test_the_shipped_pipeline_weighs_real_visitors_examples() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    [classifier] = [
        component
        for component in config["pipeline"]
        if component["name"].endswith("LinearIntentClassifier")
    ]
    assert classifier["source_weights"][REAL_SOURCE] > 1
