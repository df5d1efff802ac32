"""The clauses of a message that asks several things, and which are offered."""

from __future__ import annotations

from clinic.components.other_questions import (
    MAX_OTHER_QUESTIONS,
    MIN_CONFIDENCE,
    other_questions,
    question_segments,
)

LONG = (
    "hi, I've been on zoloft for 3 years and my doctor wants me to try ketamine "
    "but im scared of the trip part and also my husband is worried about "
    "addiction because his brother had a drug problem, also how much does it "
    "cost and does insurance pay for any of it? sorry for the long message"
)


def test_a_long_message_is_split_at_sentences_and_also() -> None:
    assert question_segments(LONG) == [
        "hi I've been on zoloft for 3 years and my doctor wants me to try "
        "ketamine but im scared of the trip part",
        "my husband is worried about addiction because his brother had a drug problem",
        "how much does it cost and does insurance pay for any of it",
        "sorry for the long message",
    ]


def test_a_clause_does_not_open_with_also_or_and() -> None:
    text = "will I feel sick? also can my wife drive me home? And is it safe for me"
    assert question_segments(text) == [
        "will I feel sick",
        "can my wife drive me home",
        "is it safe for me",
    ]


def test_a_message_that_asks_one_thing_has_no_clauses() -> None:
    assert question_segments("how much does an infusion cost?") == []
    assert question_segments("Hi! How much is it?") == [], "'Hi!' is too short"


def test_clauses_are_split_at_semicolons_and_lines_and_kept_to_four() -> None:
    text = "is it safe; does it hurt at all\nhow long is a visit. who gives it to me?"
    text += " what should i eat before. can i drive after"
    assert question_segments(text) == [
        "is it safe",
        "does it hurt at all",
        "how long is a visit",
        "who gives it to me",
    ]


def test_other_answers_read_surely_are_offered_once_each_in_order() -> None:
    sure = MIN_CONFIDENCE + 0.1
    readings = [
        ("how much is it", "faq/cost.price", sure),
        ("is it addictive at all", "faq/safety.addiction", sure),
        ("is it addictive for real", "faq/safety.addiction", 0.99),
        ("sorry for the long message", "thank", 0.99),
        ("something vague", "faq/trd", MIN_CONFIDENCE - 0.1),
        ("im scared of the trip part", "faq/side_effects.during", sure),
    ]
    offered = other_questions(readings, answered="faq/cost.insurance")
    assert [o["answer"] for o in offered] == [
        "faq/cost.price",
        "faq/safety.addiction",
    ]
    assert offered[1]["text"] == "is it addictive at all"
    assert len(offered) == MAX_OTHER_QUESTIONS


def test_the_answer_given_is_not_offered_again() -> None:
    readings = [("how much is it", "faq/cost.price", 0.9)]
    assert other_questions(readings, answered="faq/cost.price") == []
