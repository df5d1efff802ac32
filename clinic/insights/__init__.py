"""Staff insights (issue 23): what visitors ask, where the assistant fails them,
and what it brings the clinic.

``refresh`` folds Rasa's events into per-day and per-conversation rows as they
arrive; ``report`` sums those rows for a period, so the page stays fast on a
year of conversations; ``charts`` draws them as SVG on the server.
"""
