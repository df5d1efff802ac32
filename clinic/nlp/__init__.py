"""The project's own spaCy pipeline (no pretrained model is used)."""
