"""Replies only an administrator may change (issue 24, item 3).

What a visitor at risk reads, and the refusal of personal medical advice, must
not be rewritten by any signed-in account: a staff edit to them is refused, and
only an administrator can put any edit live (training is theirs too).
FAQ answers stay editable by staff; the content rules keep the crisis help
they show (``crisis_resources_removed``).
"""

from __future__ import annotations

from clinic.content.crisis_rules import crisis_markers, is_crisis_response
from clinic.content.topics import RESPONSE_PREFIX, Response

# The decline of personal medical advice: a wrong word there can cause harm.
ADMIN_ONLY_RESPONSES = frozenset({f"{RESPONSE_PREFIX}out_of_scope/medical_advice"})
FAQ_PREFIX = f"{RESPONSE_PREFIX}faq/"
REASON = (
    "Only an administrator can change this reply: visitors at risk, or asking "
    "for medical advice, rely on its wording."
)


def shows_crisis_help(response: Response) -> bool:
    return any(
        crisis_markers(answer.text, answer.buttons) for answer in response.variants
    )


def admin_only(response: Response) -> bool:
    """Crisis replies, the medical-advice decline, and other replies that show
    crisis help (greeting, English-only, no words, ...)."""
    if is_crisis_response(response) or response.name in ADMIN_ONLY_RESPONSES:
        return True
    return not response.name.startswith(FAQ_PREFIX) and shows_crisis_help(response)
