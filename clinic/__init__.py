"""Rasa-side code of the clinic assistant: NLU components, spaCy pipeline, NLG."""
