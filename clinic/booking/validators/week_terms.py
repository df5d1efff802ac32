"""The reading shared by the days and the time-of-day answers: "X or Y", "X-Y",
"not X", "any but X", misspelt names matched fuzzily ("thrusday")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from clinic.booking.validators.parsed import DASHES

FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 80  # rapidfuzz ratio: "firday" scores 83, "today" v "monday" 73


@dataclass(frozen=True)
class Item:
    """One token of an answer: a day or time (``members``) or a word's role."""

    kind: str  # set | any | anyword | neg | no | but | postneg | range | soft | word
    text: str = ""
    members: frozenset[int] = frozenset()


_TOKEN = re.compile(r"_[a-z0-9]+_|[^\W_]+(?:'[^\W_]+)*|[-\u2013\u2014/,&+]")
_RANGE_WORDS = frozenset({*DASHES, "to", "through", "thru", "till", "til", "until"})
_SOFT_WORDS = frozenset(
    {
        ",", "/", "&", "+", "or", "and", "nor", "n", "on", "the", "a", "an", "day",
        "days", "s", "for", "me", "us", "is", "are", "be", "i", "i'm", "im", "at",
        "in", "of", "every", "each", "only", "just", "also", "both", "either",
        "please", "pls", "really", "mostly", "usually", "generally", "normally",
        "works", "fine", "good", "ok", "okay", "great", "will", "would", "do",
        "honestly", "around", "about", "from",
    }
)  # fmt: skip
_ANY_WORDS = frozenset({"any", "anything", "all", "everything"})
_NEGATION = (
    re.compile(
        r"\b(?:(?:does|do|did|will|would|is|are|wo|ca)(?:n'?t| not) "
        r"(?:work|suit|good|great|ideal|possible|ok|okay)"
        r"|(?:not|no) (?:good|great|ideal|possible|ok|okay)"
        r"|bad|busy|impossible|difficult|tricky|out)\b"
    ),
    re.compile(
        r"\b(?:except(?: for| on)?|excluding|exclude|apart from|other than|but not"
        r"|not on|not|never|without|nor"
        r"|(?:can't|cant|cannot|can not|couldn't|won't|wont)"
        r"(?: do| make| manage| come)?"
        r"|(?:don't|dont|do not)(?: do| want| like)?)\b"
    ),
)
Replacement = str | Callable[[re.Match[str]], str]
_MARKERS = {"_any_": "any", "_neg_": "neg", "_postneg_": "postneg"}


def set_marker(members: Iterable[int]) -> str:
    return f" _set{sum(1 << member for member in set(members))}_ "


def _marker_item(token: str) -> Item | None:
    if token in _MARKERS:
        return Item(_MARKERS[token], token)
    if token.startswith("_set"):
        mask = int(token[4:-1])
        members = frozenset(bit for bit in range(mask.bit_length()) if mask >> bit & 1)
        return Item("set", token, members)
    return None


def lex(
    text: str,
    replacements: Sequence[tuple[re.Pattern[str], Replacement]],
    word_item: Callable[[str], Item | None],
) -> list[Item]:
    """Tokens of a folded answer, after phrases became markers ("_any_", "_neg_")."""
    for pattern, replacement in replacements:
        text = pattern.sub(replacement, text)
    text = _NEGATION[0].sub(" _postneg_ ", text)
    text = _NEGATION[1].sub(" _neg_ ", text)
    items = []
    for token in _TOKEN.findall(text):
        item = _marker_item(token) or word_item(token)
        if item is None:
            item = Item(_word_kind(token), token)
        items.append(item)
    return items


def _word_kind(token: str) -> str:
    if token in ("but", "no"):
        return token
    if token in _ANY_WORDS:
        return "anyword"
    if token in _RANGE_WORDS:
        return "range"
    return "soft" if token in _SOFT_WORDS else "word"


def _single(items: Sequence[Item], index: int) -> bool:
    return (
        0 <= index < len(items)
        and items[index].kind == "set"
        and len(items[index].members) == 1
    )


def join_ranges(items: list[Item], size: int) -> list[Item]:
    """ "mon-wed", "monday to thursday", "between mon and wed": every member between."""
    joined: list[Item] = []
    index = 0
    while index < len(items):
        first = index + 1 if items[index].text == "between" else index
        link = items[first + 1].text if first + 1 < len(items) else ""
        linked = link in _RANGE_WORDS or (first > index and link == "and")
        if linked and _single(items, first) and _single(items, first + 2):
            (start,), (end,) = items[first].members, items[first + 2].members
            span = {(start + step) % size for step in range((end - start) % size + 1)}
            joined.append(Item("set", "range", frozenset(span)))
            index = first + 3
        else:
            joined.append(items[index])
            index += 1
    return joined


def _is_broad(item: Item | None) -> bool:
    """ "any day but", "weekdays but": a "but" that excludes."""
    if item is None:
        return False
    return item.kind == "any" or (item.kind == "set" and len(item.members) > 1)


def _kind_in_context(item: Item, previous: Item | None, following: Item | None) -> str:
    if item.kind == "but":
        return "neg" if _is_broad(previous) else "word"
    if item.kind == "no":  # "no mondays", but not "no, mondays are best"
        return "neg" if following is not None and following.kind == "set" else "word"
    if item.kind == "anyword":  # "any is fine", but not "any monday"
        plain = following is None or following.kind not in ("set", "word")
        return "any" if plain else "soft"
    return item.kind


def resolve(items: Sequence[Item], universe: frozenset[int]) -> frozenset[int] | None:
    """The members chosen, or None when the answer names none and excludes none.

    A negation ("not", "except", "any but") excludes what follows it, through
    "or", "and" and commas, until another word; "mondays are bad" excludes the
    days named since the last comma. Exclusions alone mean "everything else".
    """
    wanted: set[int] = set()
    unwanted: set[int] = set()
    recent: set[int] = set()  # named since the last ordinary word
    everything = negating = False
    previous: Item | None = None
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        kind = _kind_in_context(item, previous, following)
        if kind == "postneg" and not recent:
            kind = "neg"  # "busy on mondays"
        if kind == "set" and negating:
            unwanted |= item.members
        elif kind == "set":
            wanted |= item.members
            recent |= item.members
        elif kind == "neg":
            negating = True
        elif kind == "any" and previous is not None and previous.kind == "neg":
            unwanted |= universe  # "I can't do any day"
        elif kind == "any":
            everything, negating = True, False
        elif kind == "postneg":
            unwanted |= recent
            wanted -= recent
        if kind in ("postneg", "word"):
            recent, negating = set(), False
        elif item.text == ",":
            recent = set()  # "weekdays, fridays are bad"
        if kind not in ("soft", "range"):
            previous = Item(kind, item.text, item.members)
    if not (wanted or unwanted or everything):
        return None
    chosen = wanted | (universe if everything else set())
    return frozenset((chosen or universe) - unwanted)


def join_names(names: Sequence[str]) -> str:
    """ "Monday", "Monday or Friday", "Monday, Wednesday or Friday"."""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def fuzzy_item(token: str, choices: dict[str, frozenset[int]]) -> Item | None:
    """A misspelt key word ("wendesday", "afternon"); short words are never guessed."""
    if len(token) < FUZZY_MIN_LENGTH or not token.isalpha():
        return None
    match = process.extractOne(
        token, list(choices), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
    )
    return Item("set", token, choices[match[0]]) if match else None
