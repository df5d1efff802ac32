"""Handoff tickets: visitors who asked for a person, and what staff do about them."""
