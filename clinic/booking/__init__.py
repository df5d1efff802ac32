"""Consultation booking requests: what staff do with them after the conversation."""
