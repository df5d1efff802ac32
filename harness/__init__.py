"""Helpers that run the real assistant, shared by tests, benchmarks and
scripts: servers, clients, a webhook sink, a browser chat."""
