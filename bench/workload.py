"""The simulated visitors' conversations, one script per assistant.

Both scripts have the same number of turns and similar message lengths, so the
two assistants answer the same amount of text; each uses its own assistant's
intents. The clinic's covers an FAQ question and its follow-up, a fallback, the
whole booking form and a goodbye.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Workload:
    name: str
    turns: tuple[str, ...]


CLINIC = Workload(
    "clinic",
    (
        "hi there",
        "how does ketamine work for depression?",
        "and what are the side effects afterwards?",
        "blorf the wimble quandary",
        "I'd like to book a consultation",
        "my name is sam",
        "you can call me on (202) 555-0143",
        "tuesdays or thursdays",
        "mornings",
        "my mood, nothing else has worked",
        "yes",
        "yes, send it",
        "thanks, bye",
    ),
)

# rasa init's intents: greet, mood_great/mood_unhappy, affirm/deny, bot_challenge,
# goodbye; its stories ask "how are you" and "did that help".
STOCK = Workload(
    "stock",
    (
        "hi there",
        "i am feeling really sad and unhappy today",
        "yes that helped a little bit, thanks",
        "are you a bot or a real human?",
        "hello again",
        "not good at all to be honest",
        "no it did not",
        "good morning",
        "i am great, feeling wonderful",
        "am I talking to a bot",
        "hey",
        "very sad",
        "goodbye",
    ),
)
