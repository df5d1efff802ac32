"""Crisis safety: phrase patterns and their compilation for spaCy's Matcher."""
