from __future__ import annotations

import random
from pathlib import Path

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language

from clinic.components.crisis_detector import (
    CRISIS_DETECTION,
    MENTIONS_SUICIDE,
    RISK_IN_THE_PAST,
    CrisisDetector,
    Span,
    Spans,
    build_context_matcher,
    build_matcher,
)
from clinic.components.sanitizer import FULL_TEXT
from clinic.safety.phrases import (
    CONTEXT_KINDS,
    PhraseError,
    compile_phrase,
    read_context_phrases,
    read_phrases,
)

PHRASES = Path(__file__).resolve().parents[3] / "config" / "crisis_phrases.yml"


def parsed(nlp: Language, text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message({TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text))
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set(INTENT, entries[0])
    message.set(INTENT_RANKING_KEY, entries)
    return message


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector({"phrases_file": str(PHRASES), "close_call_confidence": 0.4})


def run(detector: CrisisDetector, nlp: Language, message: Message) -> Message:
    [result] = detector.process([message], SpacyModel(nlp, "clinic_en"))
    return result


def test_a_phrase_overrides_the_classifier(
    detector: CrisisDetector, nlp: Language
) -> None:
    message = parsed(
        nlp, "how much is it? i want to kil myslef", [("faq", 0.9), ("crisis", 0.05)]
    )
    result = run(detector, nlp, message)
    assert result.get(INTENT) == {"name": "crisis", "confidence": 1.0}
    assert result.get(INTENT_RANKING_KEY)[1]["name"] == "faq"
    assert result.get(CRISIS_DETECTION) == {
        "source": "phrase",
        "categories": ["direct"],
    }


def test_a_close_call_by_the_classifier_is_crisis(
    detector: CrisisDetector, nlp: Language
) -> None:
    message = parsed(nlp, "everything feels heavy", [("faq", 0.5), ("crisis", 0.45)])
    result = run(detector, nlp, message)
    assert result.get(INTENT)["name"] == "crisis"
    assert result.get(CRISIS_DETECTION)["source"] == "classifier"


def test_informational_question_is_left_alone(
    detector: CrisisDetector, nlp: Language
) -> None:
    message = parsed(
        nlp, "does ketamine help suicidal thoughts?", [("faq", 0.9), ("crisis", 0.1)]
    )
    result = run(detector, nlp, message)
    assert result.get(INTENT)["name"] == "faq"
    assert result.get(CRISIS_DETECTION) is None


def test_crisis_at_the_end_of_a_long_message_is_found(
    detector: CrisisDetector, nlp: Language
) -> None:
    message = parsed(nlp, "tell me about the cost " * 10, [("faq", 0.9)])
    message.set(
        FULL_TEXT,
        "tell me about the cost " * 500 + "and i am going to end my life tonight",
    )
    assert run(detector, nlp, message).get(INTENT)["name"] == "crisis"


def test_every_phrase_in_the_file_compiles(nlp: Language) -> None:
    matcher = build_matcher(nlp, PHRASES)
    assert len(matcher) == len({phrase.category for phrase in read_phrases(PHRASES)})


def test_each_phrase_matches_its_own_wording(nlp: Language) -> None:
    """A phrase written without notation must match a message saying exactly that."""
    plain = [p for p in read_phrases(PHRASES) if not set(p.text) & set("/()*=")]
    matcher = build_matcher(nlp, PHRASES)
    missed = [p.text for p in plain if not matcher(nlp(p.text))]
    assert missed == []


@pytest.mark.parametrize(
    "phrase",
    # "=a/=b" and "a/=b": '=' belongs once to the whole group
    [
        "can't/won't go on",
        "*",
        "(maybe)",
        "i =googled/=researched methods",
        "kill/=killed",
    ],
)
def test_malformed_phrases_are_refused_with_a_reason(
    phrase: str, nlp: Language
) -> None:
    with pytest.raises(PhraseError):
        compile_phrase(phrase, lambda word: [t.norm_ for t in nlp(word)])


def test_word_classes_stand_for_each_of_their_words(nlp: Language) -> None:
    def normalise(word: str) -> list[str]:
        return [t.norm_ for t in nlp(word)]

    pattern = compile_phrase("take <drug>", normalise, {"drug": ["xanax", "pills"]})
    assert pattern == [{"NORM": "take"}, {"NORM": {"IN": ["pill", "xanax"]}}]


def test_an_exact_word_in_brackets_is_optional(nlp: Language) -> None:
    """ "(=word)" had compiled to a required word, silently."""
    pattern = compile_phrase("=no (=quiero) =vivir", lambda word: [word])
    assert pattern == [
        {"LOWER": {"IN": ["no"]}},
        {"LOWER": {"IN": ["quiero"]}, "OP": "?"},
        {"LOWER": {"IN": ["vivir"]}},
    ]


def test_an_undefined_word_class_is_refused(nlp: Language) -> None:
    with pytest.raises(PhraseError, match="<poison>"):
        compile_phrase("take <poison>", lambda word: [word], {})


def test_an_impersonal_question_is_not_flagged_on_the_classifier_alone(
    detector: CrisisDetector, nlp: Language
) -> None:
    text = "is depression the main cause of suicide"
    result = run(detector, nlp, parsed(nlp, text, [("crisis", 0.6), ("faq", 0.4)]))
    assert result.get(CRISIS_DETECTION) is None
    assert result.get(INTENT)["name"] == "faq"
    assert result.get(MENTIONS_SUICIDE) is True, "the answer will carry the crisis line"


def test_a_personal_question_is_still_flagged(
    detector: CrisisDetector, nlp: Language
) -> None:
    message = parsed(
        nlp, "is it normal that i feel like disappearing", [("crisis", 0.6)]
    )
    assert run(detector, nlp, message).get(CRISIS_DETECTION)["source"] == "classifier"


def test_a_phrase_in_an_impersonal_question_still_counts(
    detector: CrisisDetector, nlp: Language
) -> None:
    message = parsed(nlp, "what is the most painless way to die", [("faq", 0.9)])
    assert run(detector, nlp, message).get(CRISIS_DETECTION)["source"] == "phrase"


def test_a_top_crisis_reading_counts_even_below_the_close_call_level(
    detector: CrisisDetector, nlp: Language
) -> None:
    message = parsed(
        nlp,
        "everything is grey",
        [("nlu_fallback", 0.5), ("crisis", 0.35), ("faq", 0.3)],
    )
    assert run(detector, nlp, message).get(INTENT)["name"] == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "The paperwork is going to be the death of me",
        "There's a dead zone in your parking garage so I couldn't call",
    ],
)
def test_a_crisis_reading_whose_only_risk_is_a_figure_of_speech_is_not_a_crisis(
    detector: CrisisDetector, nlp: Language, text: str
) -> None:
    message = parsed(nlp, text, [("crisis", 0.79), ("out_of_scope", 0.1)])
    assert run(detector, nlp, message).get(CRISIS_DETECTION) is None


@pytest.mark.parametrize(
    "text",
    [
        "I've picked a date. It's Friday.",
        "i think tonight is the night i finally do it",
        # no crisis phrase here: the classifier's reading is what counts
        "The paperwork is going to be the death of me. Death sounds peaceful",
    ],
)
def test_a_crisis_reading_counts_without_a_word_of_risk_or_with_one_said_plainly(
    detector: CrisisDetector, nlp: Language, text: str
) -> None:
    message = parsed(nlp, text, [("crisis", 0.39), ("out_of_scope", 0.3)])
    result = run(detector, nlp, message)
    assert result.get(INTENT)["name"] == "crisis"
    assert result.get(CRISIS_DETECTION)["source"] == "classifier"


def test_a_figure_of_speech_does_not_hide_a_phrase_said_plainly_beside_it(
    detector: CrisisDetector, nlp: Language
) -> None:
    text = "The paperwork is going to be the death of me. I want to die"
    message = parsed(nlp, text, [("faq", 0.7), ("out_of_scope", 0.2)])
    result = run(detector, nlp, message)
    assert result.get(INTENT)["name"] == "crisis"
    assert result.get(CRISIS_DETECTION)["source"] == "phrase"


def test_a_top_crisis_reading_below_the_floor_is_not_the_classifiers_word(
    nlp: Language,
) -> None:
    floored = CrisisDetector(
        {
            "phrases_file": str(PHRASES),
            "close_call_confidence": 0.5,
            "top_crisis_floor": 0.35,
        }
    )
    text = "when I wake up I am calm, and they give me diet pepsi"
    low = run(floored, nlp, parsed(nlp, text, [("crisis", 0.3), ("faq", 0.25)]))
    assert low.get(CRISIS_DETECTION) is None
    assert low.get(INTENT)["name"] == "faq", "the next reading, not crisis"
    high = parsed(nlp, text, [("crisis", 0.36), ("faq", 0.25)])
    assert run(floored, nlp, high).get(CRISIS_DETECTION)["source"] == "classifier"


@pytest.mark.parametrize("junk", ["i", "4\x1ci", "ñÛä ºàÛ", "\U000a0bb6\U00042a5e"])
def test_no_words_to_read_is_no_crisis_on_the_classifiers_word(
    nlp: Language, junk: str
) -> None:
    detector = CrisisDetector(
        {
            "phrases_file": str(PHRASES),
            "close_call_confidence": 0.5,
            "fallback_threshold": 0.2,
        }
    )
    message = parsed(nlp, junk, [("crisis", 0.9), ("inform", 0.1)])
    result = run(detector, nlp, message)
    assert result.get(CRISIS_DETECTION) is None
    assert result.get(INTENT)["name"] == "nlu_fallback", "inform at 0.1 is a guess"


@pytest.mark.parametrize(
    "misspelt",
    ["evryone wud be beter off wthout me", "cant do this any mroe. endign it"],
)
def test_misspelt_words_are_words_to_read(nlp: Language, misspelt: str) -> None:
    detector = CrisisDetector(
        {"phrases_file": str(PHRASES), "close_call_confidence": 0.5}
    )
    message = parsed(nlp, misspelt, [("crisis", 0.9), ("faq", 0.1)])
    assert run(detector, nlp, message).get(INTENT)["name"] == "crisis"


DENIED = [
    "I have never been suicidal, but I have been depressed. Is ketamine for me?",
    "I haven't ever felt suicidal but my depression is bad, would ketamine help",
    "I was never suicidal, just numb. Is ketamine for me?",
    "Effexor has lifted me, I don't get suicidal thoughts and I can get out of bed",
    "No, I wasn't trying to kill myself, I took too many by mistake years back",
]


@pytest.mark.parametrize("text", DENIED)
def test_a_denied_phrase_gets_the_answer_with_the_crisis_line(
    detector: CrisisDetector, nlp: Language, text: str
) -> None:
    result = run(detector, nlp, parsed(nlp, text, [("faq", 0.8), ("crisis", 0.1)]))
    assert result.get(CRISIS_DETECTION) is None
    assert result.get(MENTIONS_SUICIDE) is True


@pytest.mark.parametrize(
    "text",
    [
        # Another phrase beside the denied one still counts.
        "I'm not suicidal, I just want to die",
        "I wasn't trying to kill myself then, but I am going to tonight",
        # A denial of risk now is not trusted alone.
        "im not suicidal right now",
        "I've never been more suicidal than I am today",
    ],
)
def test_a_denial_does_not_cover_risk_said_beside_it(
    detector: CrisisDetector, nlp: Language, text: str
) -> None:
    message = parsed(nlp, text, [("faq", 0.9), ("crisis", 0.05)])
    assert run(detector, nlp, message).get(INTENT)["name"] == "crisis"


def test_a_denial_is_crisis_when_the_classifier_reads_crisis(
    detector: CrisisDetector, nlp: Language
) -> None:
    message = parsed(nlp, DENIED[0], [("crisis", 0.6), ("faq", 0.3)])
    assert run(detector, nlp, message).get(INTENT)["name"] == "crisis"


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("my husband took all his pills and he's not breathing", True),
        ("my son can't breathe and he won't wake up", True),
        ("halfway through I couldn't breathe for a second, is that normal", False),
    ],
)
def test_not_breathing_is_an_emergency_for_someone_else(
    detector: CrisisDetector, nlp: Language, text: str, crisis: bool
) -> None:
    message = parsed(nlp, text, [("faq", 0.9), ("crisis", 0.05)])
    assert (run(detector, nlp, message).get(INTENT)["name"] == "crisis") is crisis


PAST = "I attempted suicide back in 2015 and have been stable for years, can I apply"


def test_risk_that_is_over_gets_the_answer_with_the_crisis_line(
    detector: CrisisDetector, nlp: Language
) -> None:
    result = run(detector, nlp, parsed(nlp, PAST, [("faq", 0.8), ("crisis", 0.1)]))
    assert result.get(INTENT)["name"] == "faq"
    assert result.get(CRISIS_DETECTION) is None
    assert result.get(MENTIONS_SUICIDE) is True
    assert result.get(RISK_IN_THE_PAST) == ["direct"]


def test_risk_that_is_over_is_crisis_when_the_classifier_reads_crisis(
    detector: CrisisDetector, nlp: Language
) -> None:
    result = run(detector, nlp, parsed(nlp, PAST, [("faq", 0.55), ("crisis", 0.45)]))
    assert result.get(CRISIS_DETECTION)["source"] == "phrase"


@pytest.mark.parametrize(
    "now",
    ["and tonight I feel it again", "but I want to die", "the urges are back"],
)
def test_anything_about_now_keeps_a_past_phrase_a_crisis(
    detector: CrisisDetector, nlp: Language, now: str
) -> None:
    message = parsed(nlp, f"{PAST} {now}", [("faq", 0.9), ("crisis", 0.05)])
    assert run(detector, nlp, message).get(INTENT)["name"] == "crisis"


def test_a_figure_of_speech_is_not_a_crisis_phrase(
    detector: CrisisDetector, nlp: Language
) -> None:
    text = "would I be shooting myself in the foot by stopping my ssri first"
    result = run(detector, nlp, parsed(nlp, text, [("faq", 0.9), ("crisis", 0.05)]))
    assert result.get(CRISIS_DETECTION) is None
    assert result.get(INTENT)["name"] == "faq"


def test_every_context_phrase_compiles(nlp: Language) -> None:
    kinds = {phrase.category for phrase in read_context_phrases(PHRASES)}
    assert kinds == set(CONTEXT_KINDS)  # every kind has phrases
    assert len(build_context_matcher(nlp, PHRASES)) == len(kinds)


def test_an_unknown_context_kind_is_refused(tmp_path: Path) -> None:
    phrases = tmp_path / "phrases.yml"
    phrases.write_text("context:\n  maybe:\n  - years ago\n", encoding="utf-8")
    with pytest.raises(PhraseError, match="maybe"):
        read_context_phrases(phrases)


# Real posts (research/real_questions/crisis.yml, training part) that the intent
# classifier of the time read as something else and no phrase caught.
RISK_SAID_IN_REAL_POSTS = [
    "it works so quickly which is absolutely crucial at this point because my"
    " passive suicidal ideation can take over if I’m not on top of it.",
    "How much I am going to be able to stand, before it is easier to just let go"
    " and die?",
    "Depression is going over the many different ways you could kill yourself"
    " without causing any alarm to the other people in the house",
    "my family and friends that are constantly checking in on me the last few days,"
    " making sure that I don’t decide to do something stupid.",
    "It’s strange feeling to think that there’s a 50/50 change my death will be at"
    " my own hand.",
    # held out (crisis.yml, split: heldout): missed once the training part grew
    # in session 21; the phrase for it was added then, so it is no longer unseen
    "Those closest to me, even my loved ones, have made me feel like they’d all be"
    " happy if I simply disappeared.",
    # training part, added in session 24: read only by the classifier until then
    "There are still so many days, (too many days), where I wish my life would end.",
    "Please just let this all be over with, already. Let life just end.",
    "I think my life sucks right now and I would be better off not here.",
    "within 90 minutes the tears, hopelessness, and intrusive suicidal thoughts had"
    " reemerged.",
]


# Real posts (crisis.yml, training part) that a cross-validation over the
# training part's sites found missed when the classifier had not seen them
# (session 28): phrases added for the general wording of each.
RISK_MISSED_IN_CROSS_VALIDATION = [
    "There is no trauma that caused this, no single reason that can be fixed, not"
    " even really a desire to die. It’s just nothingness. My loved one has serious"
    " depression, and being in this world feels like a burden. They would prefer"
    " not to exist.",
    "When confronted with hard issues he tells me he routinely hopes he’ll get hit"
    " and killed by a semi on his way to/from work.",
    "There are so many other issues right now, with our marriage and with him, but"
    " I’m afraid that one day I will wake up to find he actually went through with"
    " it.",
    "My roommate recently informed me that on multiple occasions, I threatened to"
    " “take Tylenol next time and wait to die so I don’t have to deal with any of"
    " you.”",
    "For a person who thinks about death and dying every single day, it's probably"
    " not the right drug.",
    "he even told her that it would be better if he killed himself.",
    # written with them: a decision to die said as an aside
    "can ketamine help when you've already decided to die? because I have",
    # session 29: missed once real items weighed more in training
    "I’ve lost my motivation to breathe, to move, to try anymore. I don’t know what"
    " to do I’ve become lost in my hole of depression, I can’t seem to find the way"
    " out; help me.. Save me from myself.",
    "I have lost the will to live",
]


# Present risk beside a date, an age, a dose or a death of someone else: a review
# of session 24 found each read as "over" by a wider context rule, since withdrawn.
RISK_BESIDE_A_PAST = [
    "I am suicidal. My last attempt was in 2019.",
    "My wife left me in 2019 and I should just kill myself",
    "My mom died by suicide and I should just kill myself too",
    "I had tried every med there is. I should just end my life",
    "Everyone would be better off without me. My mother felt the same way in 2015.",
    "I was 19 when I first cut myself and I still do it",
    "I just took 2000mg of seroquel",
    "at 11 i took 20 xanax",
    "Three years since my husband died, I should just kill myself",
    # "for a year now" was read as over ("stable for a year now") until session 28
    "So I'm suicidal. I have been for almost a year now. However, it's passive.",
    "I have wanted to kill myself for years now",
    "When I was 15 I tried to kill myself. I should have finished the job",
    "Years later and nothing has changed, I might as well kill myself",
    # missed until session 25 (found by session 24's review): a death and the
    # wish to follow, an attempt told by its date, a time set in stop words only
    "My son died by suicide two years ago. I'm going to join him.",
    "I attempted in 2019. I have a plan this time too.",
    "At 3 I'm going to do it",
]


# Written in session 25 to look for misses: read as a question until then.
RISK_ASKED_OR_DECIDED = [
    "how many of my sertraline would be fatal",
    "how much tylenol is deadly",
    "does ketamine work fast? i dont have much time left, ive decided",
    "i've been researching methods",
    "if ketamine doesnt work this is my last try",
    "this is my last shot, if it fails im out",
    "what's the most painless way",
]

# One's own death foretold: missed by every phrase until session 38 (the
# classifier alone read "soon I will be dead" as a question about speed).
DEATH_FORETOLD = [
    "soon I will be dead",
    "i'll be dead before my appointment",
    "I won't make it to the 3pm appointment because I'll be dead",
    "i will be dead. broke and alone",
]
# Risk a figure of speech for a visit at a clock time or for "dead tired" would
# have hidden (session 38's review, which withdrew both): the sanitiser drops
# sentence punctuation, so a figure reaches across sentences.
RISK_BESIDE_A_CLOCK_TIME_OR_TIREDNESS = [
    "I'd rather be dead. Tired of everything.",
    "i wish i was dead. broke and nothing works",
    "I want to be dead, serious",
    "i am dead tired of life",
    "I won't make it to the 4pm appointment, I won't make it at all",
    "I can't make it to the 3 o'clock appointment, I've decided",
    "I won't make it to the 3pm appointment. I'm not going to make it",
]


# Clinic questions that a phrase matched through a lemma or a word too many
# (session 36's audit of the notation): "gone" is "go", "done" is "do", "best"
# is "well", "could" is "can".
CLINIC_WORDS_NEAR_PHRASES = [
    "If I'm going to be late, should I call the front desk?",
    "What do I do with everything they gave me after the infusion?",
    "If this doesn't work I'm doing ECT next",
    "What's the best way to go about booking?",
    "I don't get enough sleep to not feel tired",
    "Can I end it early if the infusion is too intense?",
    "Can I pick a date for my first infusion?",
    "Let me know how I can do it online",
    "How can I save on my medication costs?",
    "Is my dose high enough?",
]


@pytest.mark.parametrize("text", CLINIC_WORDS_NEAR_PHRASES)
def test_clinic_words_near_a_phrase_are_no_phrase_match(
    detector: CrisisDetector, nlp: Language, text: str
) -> None:
    message = parsed(nlp, text, [("faq", 0.7), ("crisis", 0.01)])
    result = run(detector, nlp, message)
    assert result.get(INTENT)["name"] != "crisis"


# Someone else's death is a loss (context: loss), not the visitor's risk; these
# are not: found by session 36's review of that rule (an emergency told in the
# past tense, the visitor's own intent beside a loss, one's own death).
RISK_BESIDE_A_LOSS = [
    "my son just shot himself and he is bleeding right now please help",
    "my husband shot himself tonight",
    "my wife hanged herself just now, i cut her down, what do i do",
    "my son overdosed and passed out on the bathroom floor",
    "i think she overdosed and passed out, her lips are blue",
    "my son overdosed and nearly died, he's barely breathing",
    "my son nearly killed himself last night and he's talking about doing it again",
    "he killed himself and I'm going to do it too",
    "my dad killed himself and I want to do the same thing",
    "my brother killed himself and I want to be with him",
    "my best friend killed himself and I keep thinking I should have gone with him",
    "my mom killed herself and now I understand why, I'm ready to follow her",
    "I finally understand why my dad killed himself, I feel the same way now",
    "my father shot himself with the gun I keep in my nightstand, now I think about it",
    "my son overdosed and died in front of me just now",
    "they said I overdosed and nearly died",
    "would my wife care if i overdosed and died",
    "my sister killed herself and honestly I'd be better off if I killed myself too",
    "Having Sucidal thoughts again",
    "Honestly Sucidal again, i have the pills here",
    # found by the second review: a death beside an emergency or the visitor's
    # own risk in words of now that are not "urgent"
    "My son overdosed and died, he won't wake up",
    "My son overdosed and died, I'm doing CPR, the EMTs are coming",
    "My brother killed himself in the garage, what should I do now",
    "My son killed himself and now I can't stop thinking about doing it",
    "We had a suicide pact and she killed herself last week. It's my turn",
    "My brother killed himself last year and the urges are back",
    "Since my brother killed himself I've been having the same thoughts",
    "My husband overdosed and died last year. I still have all his pills.",
    "Me and my wife overdosed, she died",
    "My sister killed herself and I'm considering it now",
    "My brother killed himself yesterday",
    # a choice that ended in two words read as one ("be alive"), and "fail/not
    # work" as "fail work": neither phrase matched until session 36
    "i'm so tired of life",
    "honestly just tired of living",
    "if ketamine doesn't work i'm out",
    # found by session 36's audit of the notation: exact words with "=" once
    # per group, choices that swallowed the next word, "wanna" before "to",
    # the phone's curly apostrophe
    "I've googled methods",
    "I've decided to end it.",
    "I might not be here tomorrow",
    "I just want to not exist",
    "i dont wanna go on anymore",
    "i wanna od",
    "my son OD’d last night",
    "I'm not going to make it through tonight",
    # risk beside the clinic senses the audit made figures of speech
    "is there a painless way to go about ending it",
    "is my dose high enough to kill me",
    "i'm thinking of ending my treatment and my life",
    "which bridge in the city is tall enough. asking for real",
]


@pytest.mark.parametrize(
    "text",
    RISK_SAID_IN_REAL_POSTS
    + RISK_MISSED_IN_CROSS_VALIDATION
    + RISK_BESIDE_A_PAST
    + RISK_ASKED_OR_DECIDED
    + RISK_BESIDE_A_LOSS
    + DEATH_FORETOLD
    + RISK_BESIDE_A_CLOCK_TIME_OR_TIREDNESS,
)
def test_risk_said_in_real_posts_or_beside_a_past_is_caught_by_a_phrase(
    detector: CrisisDetector, nlp: Language, text: str
) -> None:
    message = parsed(nlp, text, [("out_of_scope", 0.7), ("crisis", 0.1)])
    result = run(detector, nlp, message)
    assert result.get(INTENT)["name"] == "crisis"
    assert result.get(CRISIS_DETECTION)["source"] == "phrase"


@pytest.mark.parametrize(
    "text",
    [
        "My wife is starting ketamine, I want to join her for the first session",
        "can my husband come? i want to join him at his appointment",
        "At 3 I'm going to do the intake form",
        "i don't have much time left in my lunch break, how much is it?",
        "how much lithium can i take with ketamine",
        "what is the most painless way to get the iv in",
        "this is my last chance to book before my trip",
        "if the payment fails i'm going to call you",
        "which research methods were used in the ketamine studies",
        "Why does one decide to die by suicide?",
        "I went through with the infusion in the end",
        "I lost my motivation to go to the gym, will ketamine help?",
    ],
)
def test_joining_someone_or_a_time_for_a_task_is_not_a_crisis_phrase(
    detector: CrisisDetector, nlp: Language, text: str
) -> None:
    result = run(detector, nlp, parsed(nlp, text, [("faq", 0.9), ("crisis", 0.05)]))
    assert result.get(CRISIS_DETECTION) is None
    assert result.get(INTENT)["name"] == "faq"


def brute_force_cover(span: Span, spans: list[Span]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def brute_force_overlap(span: Span, spans: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def test_span_lookups_agree_with_comparing_each_with_each() -> None:
    spans_of = random.Random(25)
    for _ in range(300):
        spans = [random_span(spans_of) for _ in range(spans_of.randint(0, 8))]
        lookup = Spans(spans)
        for start in range(0, 22):
            for end in range(start + 1, 23):
                assert lookup.cover((start, end)) == brute_force_cover(
                    (start, end), spans
                ), (spans, start, end)
                assert lookup.overlap((start, end)) == brute_force_overlap(
                    (start, end), spans
                ), (spans, start, end)


def random_span(spans_of: random.Random) -> Span:
    start = spans_of.randint(0, 20)
    return start, start + spans_of.randint(1, 5)
