"""Plain language, measured: every visitor-facing answer at or below US grade 8.

Patient material aims at grades 6 to 8. The grade is the Flesch-Kincaid grade
level computed by ``textstat`` (0.7.3: syllables from Pyphen's dictionaries,
nothing downloaded). Placeholders (``{clinic_name}``) count as one short word,
so a clinic's own name or phone number neither helps nor hurts, and links
count by their visible words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_GRADE = 8.0
# Grade formulas are unreliable on fragments ("What is your name?"): answers
# shorter than this are not graded.
MIN_GRADED_WORDS = 12
PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")
MARKDOWN_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
URL = re.compile(r"\bhttps?://\S+", re.IGNORECASE)
EMPHASIS = re.compile(r"[*_`#>]+")
PLACEHOLDER_STAND_IN = "this"


@dataclass(frozen=True)
class Grade:
    response: str
    variant: int
    grade: float
    words: int

    @property
    def graded(self) -> bool:
        return self.words >= MIN_GRADED_WORDS

    @property
    def too_hard(self) -> bool:
        return self.graded and self.grade > MAX_GRADE


def readable_words(text: str) -> str:
    """The text as a visitor reads it, for measuring."""
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = URL.sub(PLACEHOLDER_STAND_IN, text)
    text = PLACEHOLDER.sub(PLACEHOLDER_STAND_IN, text)
    return " ".join(EMPHASIS.sub(" ", text).split())


def grade_level(text: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(readable_words(text)))


def word_count(text: str) -> int:
    return len(readable_words(text).split())


def grade_of(response: str, variant: int, text: str) -> Grade:
    return Grade(response, variant, grade_level(text), word_count(text))


GRADES_START = "<!-- answer grades: python -m clinic.content grades --write -->"
GRADES_END = "<!-- end of answer grades -->"


def grades_table(grades: list[Grade]) -> str:
    """Markdown: every visitor-facing answer (each variant) and its grade."""
    rows = [
        "| answer | variant | grade | words |",
        "|---|---|---|---|",
    ]
    for grade in sorted(grades, key=lambda g: (g.response, g.variant)):
        shown = f"{grade.grade:.1f}" if grade.graded else "(too short to grade)"
        rows.append(
            f"| `{grade.response}` | {grade.variant + 1} | {shown} | {grade.words} |"
        )
    return "\n".join(rows)


def with_grades(document: str, table: str) -> str:
    """``document`` with the text between the grade markers replaced."""
    start = document.index(GRADES_START) + len(GRADES_START)
    end = document.index(GRADES_END)
    return f"{document[:start]}\n{table}\n{document[end:]}"
