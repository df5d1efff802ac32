"""Helpers that run the real assistant for tests: servers, clients, webhook sink."""
