"""Intent names that code acts on, spelled once (shared/contract/topics.md).

Plain strings with no imports, so the action server and the console can use them
without loading Rasa.
"""

CRISIS = "crisis"
END_HANDOFF = "end_handoff"
INFORM = "inform"  # an answer to a form's question: a name, a phone number, ...
OUT_OF_SCOPE = "out_of_scope"  # and out_of_scope/<kind>, its answers
HUMAN_HANDOFF = "human_handoff"
BOOK_APPOINTMENT = "book_appointment"
CLINIC_INFO = "clinic_info"  # where the clinic is, when it is open
# Rasa's DEFAULT_NLU_FALLBACK_INTENT_NAME, spelled here for the code that does not
# load Rasa (tests/clinic/test_intent_names.py holds them equal).
NLU_FALLBACK = "nlu_fallback"

# A topic may hold several answers, keyed finer: faq/safety.addiction is an
# answer of the topic faq/safety (the label the clinic's checks read).
ANSWER_SEPARATOR = "."


def topic_of(label: str) -> str:
    """``faq/safety.addiction`` → ``faq/safety``; other labels unchanged."""
    if "/" not in label:
        return label
    intent, key = label.split("/", 1)
    return f"{intent}/{key.split(ANSWER_SEPARATOR, 1)[0]}"
