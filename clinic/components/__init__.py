"""Rasa graph components of the clinic assistant (listed in config.yml).

Importing this package registers the project's spaCy factories, so that Rasa's
SpacyNLP can load .spacy/clinic_en: Rasa imports every component class of the
pipeline before it loads any model.
"""

from clinic.nlp import figurative, normalizer  # noqa: F401
