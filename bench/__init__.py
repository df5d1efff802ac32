"""Serving benchmark: the clinic assistant against a stock ``rasa init`` assistant.

``make bench`` (``python -m bench``) starts both for real, drives them with
simulated visitors over REST and socket.io at several concurrency levels, and
writes ``docs/performance.md`` with its plots. See that file for how to rerun it.
"""
