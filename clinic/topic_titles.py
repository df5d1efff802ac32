"""Each FAQ topic's short title and a question that asks it, shown as buttons
when the assistant asks "did you mean?" (actions/fallback.py). Kept in the
clinic package, beside the response generator, so either server can read it."""

from __future__ import annotations

from typing import NamedTuple


class Suggestion(NamedTuple):
    title: str
    payload: str


FAQ_SUGGESTIONS: dict[str, Suggestion] = {
    "faq/mechanism": Suggestion("How ketamine works", "How does ketamine work?"),
    "faq/side_effects": Suggestion(
        "Side effects", "What are the side effects of ketamine?"
    ),
    "faq/ketamine_vs_ssri": Suggestion(
        "Ketamine vs antidepressants", "How is ketamine different from SSRIs?"
    ),
    "faq/ssri_together": Suggestion(
        "Keeping my medication",
        "Can I keep taking my antidepressant during ketamine treatment?",
    ),
    "faq/session": Suggestion(
        "What a session is like", "What happens during a ketamine session?"
    ),
    "faq/schedule": Suggestion(
        "How many treatments", "How many ketamine treatments will I need?"
    ),
    "faq/effectiveness": Suggestion(
        "Does it work?", "How well does ketamine work for depression?"
    ),
    "faq/eligibility": Suggestion(
        "Who it is for", "Who is a good candidate for ketamine treatment?"
    ),
    "faq/trd": Suggestion(
        "Treatment-resistant depression", "What is treatment-resistant depression?"
    ),
    "faq/safety": Suggestion("Is it safe?", "Is ketamine treatment safe?"),
    "faq/consultation": Suggestion(
        "The first consultation", "What happens at the first consultation?"
    ),
    "faq/depression_symptoms": Suggestion(
        "Signs of depression", "What are the signs of depression?"
    ),
    "faq/cost": Suggestion(
        "Cost and insurance", "How much does ketamine treatment cost?"
    ),
    "faq/preparation": Suggestion(
        "Preparing for an infusion", "How do I prepare for an infusion?"
    ),
    "faq/spravato": Suggestion("Spravato nasal spray", "What is Spravato?"),
    "faq/other_conditions": Suggestion(
        "Other conditions", "Can ketamine help conditions other than depression?"
    ),
    "faq/aftercare": Suggestion(
        "After a session", "What should I do after a ketamine session?"
    ),
    "faq/therapy": Suggestion(
        "Therapy alongside", "Can I keep seeing my therapist during ketamine treatment?"
    ),
    "faq/at_home": Suggestion("Ketamine at home", "Can I take ketamine at home?"),
    "faq/care_team": Suggestion("Who treats me", "Who gives the ketamine treatment?"),
}
