"""Visitor text made safe to read: markup, control characters, symbol runs and
overlong words removed. Plain Python, so the action server's forms clean their
answers as the NLU pipeline does without importing Rasa or spaCy."""

from __future__ import annotations

import html
import re
import unicodedata

# Every pattern here is linear in the text's length: each can start at a given
# place only once and scans a bounded stretch or up to the next "<" or boundary
# (tests/clinic/components/test_linear_patterns.py times them on adversarial
# input of the maximum size). The "[^<>]" keeps "<<<<..." from rescanning.
_TAG = re.compile(r"<[^<>]{0,500}>")
_CODE_OPENING = re.compile(r"<(script|style)\b[^<>]{0,500}>", re.IGNORECASE)
_CODE_CLOSING = {
    name: re.compile(rf"</{name}\s{{0,50}}>", re.IGNORECASE)
    for name in ("script", "style")
}
_WHITESPACE = re.compile(r"\s+")
# spaCy's tokenizer strips a word's prefixes and suffixes one at a time, copying
# the rest each time: quadratic in a word's length (64,000 "?" took over a
# minute). No real word is this long; longer runs are cut into pieces.
MAX_WORD_CHARS = 60
_OVERLONG_WORD_PIECE = re.compile(rf"\S{{{MAX_WORD_CHARS}}}(?=\S)")
# Every symbol becomes a token of its own: 64,000 "?!" would be 64,000 tokens for
# the crisis matcher. A run of symbols ("????", "!!!!!!") keeps its first three.
_SYMBOL_RUN = re.compile(r"[^\w\s]{4,}")
# Sentence punctuation at a word's end ("safe?" / "safe"): visitors on phones often
# leave it out, so it must not change the classification. "1.5" and URLs keep theirs.
# The look-behind starts a match only at the beginning of a run, so a long run
# not followed by a space is scanned once, not once per character.
_SENTENCE_PUNCTUATION = re.compile(r"(?<![?!.,;:…])[?!.,;:…]+(?=\s|$)")


def without_code_blocks(text: str) -> str:
    """Drops <script>…</script> and <style>…</style> blocks in one pass.

    An opening tag with no closing one is dropped alone and the words after it
    are kept (they may be what the visitor meant to say). Once a closing tag is
    known to be absent after some place, it is not searched for again, so many
    unclosed tags cost one scan, not one each.
    """
    kept: list[str] = []
    position = 0
    no_closing_after: dict[str, int] = {}
    for opening in _CODE_OPENING.finditer(text):
        if opening.start() < position:
            continue  # inside a block already dropped
        name = opening.group(1).lower()
        closing = None
        if opening.end() < no_closing_after.get(name, len(text) + 1):
            closing = _CODE_CLOSING[name].search(text, opening.end())
            if closing is None:
                no_closing_after[name] = opening.end()
        kept.append(text[position : opening.start()])
        kept.append(" ")
        position = closing.end() if closing else opening.end()
    kept.append(text[position:])
    return "".join(kept)


def strip_markup(text: str) -> str:
    """Remove HTML tags (and script/style bodies), keeping the visible words."""
    return html.unescape(_TAG.sub(" ", without_code_blocks(text)))


def remove_control_characters(text: str) -> str:
    """Drop control/format characters (NUL, escape codes, zero-width joiners)."""
    return "".join(
        char if char.isspace() or unicodedata.category(char)[0] != "C" else " "
        for char in text
    )


def clean_text(text: str) -> str:
    """NFKC-normalised, markup-free, single-spaced text."""
    normalised = unicodedata.normalize("NFKC", text)
    visible = remove_control_characters(strip_markup(normalised))
    visible = _SYMBOL_RUN.sub(lambda run: run.group()[:3], visible)
    spaced = _WHITESPACE.sub(" ", _SENTENCE_PUNCTUATION.sub(" ", visible)).strip()
    return _OVERLONG_WORD_PIECE.sub(r"\g<0> ", spaced)
