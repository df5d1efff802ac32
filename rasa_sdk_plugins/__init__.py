"""rasa-sdk's plugin hook: ``rasa_sdk.endpoint.run`` imports this package and
calls ``attach_sanic_app_extensions`` on the app it made, actions registered.

The action server writes bookings and tickets and can end a live chat, so
every request but the health check must carry the token Rasa sends
(clinic/action_auth.py), whichever command started it; then what the server
holds is moved out of the garbage collector's full passes.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class ClinicActionServer:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Any) -> None:
        from clinic.action_auth import action_token, require_token
        from clinic.rasa_patches.speed import freeze_live_objects

        require_token(app, action_token())
        freeze_live_objects()


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ClinicActionServer())
