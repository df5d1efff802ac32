"""Every change the clinic makes to Rasa 3.6, in one package.

``table.py`` lists them (what each does, which Rasa code it relies on, whether it
is a speed patch); ``guard.py`` checks the installed Rasa against them before any
is applied and refuses to start on a difference; ``clinic/rasa_cli.py`` applies
them and starts Rasa. The speed patches (``speed.py``, ``graph_runner.py``,
``deferred_imports.py``, ``action_results.py``) are left out under
``CLINIC_STOCK_RASA=1``; the protections (``log_privacy.py``, ``api_token.py``,
``long_messages.py``, ``off_the_loop.py``, ``spacy_renewal.py``) always apply.
"""
