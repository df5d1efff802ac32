"""Intent names that code acts on, spelled once (shared/contract/topics.md).

Plain strings with no imports, so the action server and the console can use them
without loading Rasa.
"""

CRISIS = "crisis"
END_HANDOFF = "end_handoff"
INFORM = "inform"  # an answer to a form's question: a name, a phone number, ...
