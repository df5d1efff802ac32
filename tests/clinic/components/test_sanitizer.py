from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from clinic.components.sanitizer import FULL_TEXT, InputSanitizer, bounded, clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<b>how</b> does it <i>work</i>?", "how does it work"),
        ("is it safe?? really...", "is it safe really"),
        ("is 1.5 hours ok, see example.org/a.b", "is 1.5 hours ok see example.org/a.b"),
        ("<script>alert(1)</script>what does it cost", "what does it cost"),
        ("side\x00 effects\x1b[31m", "side effects [31m"),
        ("  lots   of\n\nspace ", "lots of space"),
        ("ｋｅｔａｍｉｎｅ", "ketamine"),
        ("&lt;3 thanks", "<3 thanks"),
    ],
)
def test_clean_text_keeps_only_visible_words(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_bounded_cuts_at_a_word_boundary() -> None:
    assert bounded("one two three", 9) == "one two"
    assert bounded("short", 100) == "short"


def test_long_message_is_bounded_but_kept_in_full() -> None:
    sanitizer = InputSanitizer({"max_classified_chars": 50})
    text = "word " * 2000 + "I want to end my life"
    [message] = sanitizer.process([Message({TEXT: text})])
    assert len(message.get(TEXT)) <= 50
    assert message.get(FULL_TEXT).endswith("I want to end my life")


def test_clean_message_is_left_untouched() -> None:
    sanitizer = InputSanitizer(InputSanitizer.get_default_config())
    [message] = sanitizer.process([Message({TEXT: "how much does it cost"})])
    assert message.get(TEXT) == "how much does it cost"
    assert message.get(FULL_TEXT) is None


def test_fingerprint_changes_with_the_feature_code(tmp_path, monkeypatch) -> None:
    """Rasa's training cache must not reuse features made by older code."""
    import clinic.components.sanitizer as sanitizer

    before = InputSanitizer.fingerprint_addon({})
    (tmp_path / "nlp").mkdir()
    cleaning = (sanitizer.CLINIC_PACKAGE / "text_cleaning.py").read_text()
    (tmp_path / "text_cleaning.py").write_text(cleaning)
    (tmp_path / "nlp" / "normalizer.py").write_text("CHANGED = True\n")
    monkeypatch.setattr(sanitizer, "CLINIC_PACKAGE", tmp_path)
    with_other_nlp = InputSanitizer.fingerprint_addon({})
    assert with_other_nlp != before
    (tmp_path / "text_cleaning.py").write_text(cleaning + "\nCHANGED = True\n")
    assert InputSanitizer.fingerprint_addon({}) != with_other_nlp
