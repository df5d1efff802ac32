"""Long messages that ask several things: the other questions, offered by button.

A visitor's long message often asks two or three things ("I'm scared of the
trip part and also my husband is worried about addiction, also how much does
it cost?"). The classifier labels the message as a whole, which stays the
contract's label and chooses the answer; the other questions went unanswered.
Here the typed text is split into its sentences and clauses, the classifier
reads each on its own, and each clause it reads as another FAQ answer, with
confidence, is kept in the parse result (``other_questions``). The response
generator (clinic/nlg.py) offers them under the answer as buttons that ask the
clause again on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from clinic.text_cleaning import clean_text

# Message property: the cleaned clauses of a message that has two or more.
QUESTION_SEGMENTS = "question_segments"
# Message property: their sentence embeddings, one row each.
SEGMENT_EMBEDDINGS = "segment_embeddings"
# Parse result: [{"answer": "faq/safety.addiction", "confidence": 0.64, "text": ...}]
OTHER_QUESTIONS = "other_questions"

FAQ_PREFIX = "faq/"
# Only the start of a long message is read this way; the classifier reads the
# first 1,000 characters too.
SCANNED_CHARS = 1000
MAX_SEGMENTS = 4
MIN_WORDS = 3
# A clause read this surely as a topic is worth a button. On the clauses of the
# long message in tests/integration/test_faq_answers.py the right readings were
# 0.53-0.9, and a clause's reading shifts by a few hundredths with any retraining;
# greetings and apologies ("sorry for the long message") go to thank or greet at
# 0.8 and over, and a remark ("my therapist suggested i look into this") reads
# about 0.5 as the topic it is near.
MIN_CONFIDENCE = 0.5
MAX_OTHER_QUESTIONS = 2

# Sentence ends, semicolons, line breaks, and "also" joining two questions.
_BOUNDARY = re.compile(
    r"(?<=[?!.])\s+|\s*[;\n]+\s*|,?\s+(?:and\s+)?also\b,?\s*", re.IGNORECASE
)


# "also" or "and" opening a clause ("... sick? also can my wife drive me?"):
# left on, the clause would read as a follow-up of the answer (clinic/follow_up.py).
_OPENING_CONNECTIVE = re.compile(
    r"^(?:(?:and\s+)?also|and|plus)\b[,\s]*", re.IGNORECASE
)


def question_segments(text: str) -> list[str]:
    """The message's clauses of three or more words, cleaned, when it has two
    or more; otherwise none (a message that asks one thing)."""
    parts = (
        _OPENING_CONNECTIVE.sub("", clean_text(part))
        for part in _BOUNDARY.split(text[:SCANNED_CHARS])
    )
    kept = [part for part in parts if len(part.split()) >= MIN_WORDS]
    return kept[:MAX_SEGMENTS] if len(kept) >= 2 else []


def other_questions(
    readings: Iterable[tuple[str, str, float]], answered: str
) -> list[dict[str, Any]]:
    """From (clause, answer, confidence) readings, the clauses read surely as
    FAQ answers other than the one given, one per answer, in message order.
    Another answer of the same topic counts ("how long does it take? can I
    drive home after?" are both about the session)."""
    chosen: list[dict[str, Any]] = []
    seen = {answered}
    for text, answer, confidence in readings:
        if not answer.startswith(FAQ_PREFIX) or confidence < MIN_CONFIDENCE:
            continue
        if answer in seen:
            continue
        seen.add(answer)
        chosen.append({"answer": answer, "confidence": confidence, "text": text})
    return chosen[:MAX_OTHER_QUESTIONS]
