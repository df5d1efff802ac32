"""Every pattern that touches visitor text runs in time linear in its length.

One visitor's message must never hold up the others: a pattern that backtracks
over the whole text once per character (160 KB of ``<script>`` once took 16.7 s)
stops the event loop for everyone. Each pattern below is run over adversarial
texts of the largest size a channel accepts (``MAX_MESSAGE_CHARS``); a linear
pattern takes milliseconds, a quadratic one seconds.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from actions import booking as booking_actions
from clinic.booking import validators
from clinic.components import sanitizer
from clinic.limits import MAX_MESSAGE_CHARS
from clinic.nlp import normalizer
from clinic.review import scrub
from clinic.text_cleaning import clean_text

# Every module of the booking validators, so a new one cannot be missed.
VALIDATOR_MODULES = tuple(
    importlib.import_module(f"{validators.__name__}.{info.name}")
    for info in pkgutil.iter_modules(validators.__path__)
)
MODULES = (sanitizer, *VALIDATOR_MODULES, scrub, normalizer, booking_actions)
# Runs that make a careless pattern start a match at every place and scan on.
SEEDS = (
    "<script>",
    "<style a='",
    "<",
    "<a",
    "</script",
    "?",
    "?a",
    ". ",
    "a",
    "a.",
    "a@",
    "a-",
    "1",
    "1 ",
    "1-",
    "(1",
    "+1",
    "00",
    "x@x.",
    "'a",
    "  ",
    "\t\n",
    "é",
    "😀",
    "kill ",
    "mr ",
    "&#",
    "am ",
)
# Generous: a linear pattern needs a few milliseconds on this much text, where
# a quadratic one needs seconds to minutes.
LIMIT_SECONDS = 0.5
# Each pattern is first tried on a quarter of the largest message, where a
# quadratic one already takes seconds, so a regression fails in seconds rather
# than hanging the suite for minutes; then on the largest.
SIZES = (MAX_MESSAGE_CHARS // 4, MAX_MESSAGE_CHARS)


def patterns_of(module: ModuleType) -> Iterator[tuple[str, re.Pattern[str]]]:
    for name, value in vars(module).items():
        if isinstance(value, re.Pattern):
            yield f"{module.__name__}.{name}", value
        elif isinstance(value, (list, tuple, dict)):
            items = value.values() if isinstance(value, dict) else value
            for index, item in enumerate(items):
                parts = item if isinstance(item, tuple) else (item,)
                for part in parts:
                    if isinstance(part, re.Pattern):
                        yield f"{module.__name__}.{name}[{index}]", part


PATTERNS = dict(pair for module in MODULES for pair in patterns_of(module))


def adversarial(seed: str, size: int = MAX_MESSAGE_CHARS, tail: str = "!x") -> str:
    """The seed repeated up to `size`, ended by what makes it not match."""
    return seed * ((size - len(tail)) // len(seed)) + tail


def seconds(function: Callable[[str], object], text: str) -> float:
    start = time.perf_counter()
    function(text)
    return time.perf_counter() - start


def test_the_patterns_were_found() -> None:
    assert len(PATTERNS) > 40, sorted(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_adversarial_input(name: str) -> None:
    pattern = PATTERNS[name]

    def every_match(text: str) -> int:
        return sum(1 for _ in pattern.finditer(text))

    for size in SIZES:
        slow = {
            seed: elapsed
            for seed in SEEDS
            if (elapsed := seconds(every_match, adversarial(seed, size)))
            > LIMIT_SECONDS
        }
        assert not slow, f"{name} ({pattern.pattern!r}) at {size} chars: {slow}"


@pytest.mark.parametrize("seed", SEEDS)
def test_cleaning_a_maximum_size_message_is_quick(seed: str) -> None:
    assert seconds(clean_text, adversarial(seed)) < LIMIT_SECONDS


def test_an_unclosed_script_keeps_the_words_after_it() -> None:
    assert clean_text("<script> i want to end my life") == "i want to end my life"
    assert clean_text("a <script>x</script> b <style>y</style> c") == "a b c"
    assert clean_text("<<<b>hi</b>") == "<< hi", "stray < are visible text"
    assert clean_text("<SCRIPT type='t'>x</script >help") == "help"


def test_overlong_words_are_cut_into_pieces_for_the_tokenizer() -> None:
    assert clean_text("a" * 130 + " is it safe?") == (
        "a" * 60 + " " + "a" * 60 + " " + "a" * 10 + " is it safe"
    )


def test_runs_of_symbols_keep_their_first_three() -> None:
    assert clean_text("is it safe?!?!?!?! really") == "is it safe really"
    assert clean_text("wow!!!!!!x") == "wow!!!x"
