"""The clinic's demo website: a landing page with the chat widget on it.

``python -m clinic.site`` (started by ``make run``) serves, on ``SITE_PORT``:
``/`` the landing page of the clinic in config/clinic.yml, ``/widget/clinic-chat.js``
the widget bundle built from web/widget, and ``/static/`` the page's styles.
"""
