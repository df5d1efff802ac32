"""Every change the clinic makes to Rasa, in one table: what it does, which of
Rasa's code it relies on (checked by guard.py before anything is applied), and
whether it is a speed patch, left out when running stock Rasa."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from clinic.action_auth import guard_action_server
from clinic.rasa_patches.api_token import accept_the_token_in_a_header
from clinic.rasa_patches.guard import Touched, check
from clinic.rasa_patches.log_privacy import keep_visitor_text_out_of_logs
from clinic.rasa_patches.long_messages import keep_long_messages_short_in_the_tracker
from clinic.rasa_patches.off_the_loop import read_long_messages_off_the_loop
from clinic.rasa_patches.session_length import end_sessions_that_grow_too_long
from clinic.rasa_patches.spacy_renewal import renew_spacy_when_grown
from clinic.rasa_patches.speed import (
    compare_domains_with_one_empty_domain,
    copy_the_active_loop_shallowly,
    defer_tensorflow,
    encode_endpoint_requests_with_orjson,
    freeze_once_the_agent_is_loaded,
    read_training_graph_on_use,
    resolve_events_from_a_table,
    run_prediction_graph_in_order,
    validate_action_results_compiled,
)
from clinic.rasa_patches.store_outage import tell_visitors_when_the_store_is_away

#: Runs Rasa without the speed patches (the protections stay).
STOCK_VARIABLE = "CLINIC_STOCK_RASA"


Touch = Touched  # short names for the table below


@dataclass(frozen=True)
class Patch:
    """One change to Rasa: what it does, which of Rasa's code it relies on,
    and whether it is a speed-up (left out when running stock Rasa)."""

    name: str
    apply: Callable[[], None]
    touches: tuple[Touched, ...] = ()
    speed: bool = False
    only_for: str = ""  # "server" (rasa run) or "actions" (rasa run actions)

    def applies_to(self, command: str) -> bool:
        """The action server runs without Rasa, so Rasa's patches skip it."""
        if command == "actions":
            return self.only_for == "actions"
        return self.only_for in ("", command)


def every_patch() -> tuple[Patch, ...]:
    """In the order they are applied (``defer_tensorflow`` before anything
    imports ``rasa.server``; the freeze after what it wraps)."""
    return (
        Patch(
            "visitor text kept out of logs",
            keep_visitor_text_out_of_logs,
            (
                Touch("rasa.utils.log_utils", "_anonymizer", SHA["anonymizer"]),
                Touch("rasa.utils.log_utils", "configure_structlog", SHA["structlog"]),
            ),
        ),
        Patch("TensorFlow deferred", defer_tensorflow, speed=True),
        Patch(
            "training graph read on use",
            read_training_graph_on_use,
            (
                Touch(
                    "rasa.engine.storage.storage",
                    "ModelMetadata.from_dict",
                    SHA["metadata"],
                ),
            ),
            speed=True,
        ),
        Patch(
            "action results validated by a compiled schema",
            validate_action_results_compiled,
            (
                Touch(
                    "rasa.core.actions.action",
                    "RemoteAction._validate_action_result",
                    SHA["validate"],
                ),
            ),
            speed=True,
        ),
        Patch(
            "action server requests encoded by orjson",
            encode_endpoint_requests_with_orjson,
            (Touch("rasa.utils.endpoints", "EndpointConfig.session", SHA["session"]),),
            speed=True,
        ),
        Patch(
            "one empty domain to compare with",
            compare_domains_with_one_empty_domain,
            (Touch("rasa.shared.core.domain", "Domain.is_empty", SHA["is_empty"]),),
            speed=True,
        ),
        Patch(
            "event classes looked up in a table",
            resolve_events_from_a_table,
            (
                Touch(
                    "rasa.shared.core.events",
                    "Event.resolve_by_type",
                    SHA["resolve_by_type"],
                ),
                Touch(
                    "rasa.shared.utils.common", "all_subclasses", SHA["all_subclasses"]
                ),
            ),
            speed=True,
        ),
        Patch(
            "form state copied shallowly",
            copy_the_active_loop_shallowly,
            (
                Touch(
                    "rasa.shared.core.trackers",
                    "DialogueStateTracker.current_state",
                    SHA["current_state"],
                ),
            ),
            speed=True,
        ),
        Patch(
            "prediction graph run in order",
            run_prediction_graph_in_order,
            (Touch("rasa.engine.runner.dask", "DaskGraphRunner", SHA["runner"]),),
            speed=True,
        ),
        Patch(
            "long messages read off the event loop",
            read_long_messages_off_the_loop,
            (
                Touch(
                    "rasa.core.processor",
                    "MessageProcessor.parse_message",
                    SHA["parse_message"],
                ),
            ),
        ),
        Patch(
            "long messages kept short in the tracker",
            keep_long_messages_short_in_the_tracker,
            (
                Touch(
                    "rasa.core.processor",
                    "MessageProcessor._handle_message_with_tracker",
                    SHA["handle"],
                ),
            ),
        ),
        Patch(
            "visitors told when the conversation store is away",
            tell_visitors_when_the_store_is_away,
            (
                Touch(
                    "rasa.core.processor",
                    "MessageProcessor.handle_message",
                    SHA["handle_message"],
                ),
                Touch(
                    "rasa.core.processor",
                    "MessageProcessor._handle_message_with_tracker",
                    SHA["handle"],
                ),
                Touch(
                    "rasa.core.tracker_store",
                    "FailSafeTrackerStore.retrieve",
                    SHA["fail_safe_retrieve"],
                ),
            ),
            only_for="server",
        ),
        Patch(
            "a session that grows too long starts again",
            end_sessions_that_grow_too_long,
            (
                Touch(
                    "rasa.core.processor",
                    "MessageProcessor._has_session_expired",
                    SHA["expiry"],
                ),
            ),
            only_for="server",
        ),
        Patch(
            "spaCy pipeline renewed when grown",
            renew_spacy_when_grown,
            (Touch("rasa.nlu.utils.spacy_utils", "SpacyNLP.process", SHA["spacy"]),),
        ),
        Patch(
            # Not applied: the store (endpoints.yml) subclasses Rasa's and
            # writes rows and counts events as Rasa's own methods do.
            "tracker store",
            lambda: None,
            (
                Touch("rasa.core.tracker_store", "SQLTrackerStore.save", SHA["save"]),
                Touch(
                    "rasa.core.tracker_store",
                    "SQLTrackerStore._event_query",
                    SHA["event_query"],
                ),
                Touch(
                    "rasa.core.tracker_store",
                    "SQLTrackerStore.SQLEvent",
                    SHA["sql_event"],
                ),
                Touch(
                    "rasa.core.tracker_store",
                    "TrackerStore._stream_new_events",
                    SHA["stream"],
                ),
            ),
        ),
        Patch(
            "Rasa token read from a header",
            accept_the_token_in_a_header,
            (Touch("rasa.server", "requires_auth", SHA["requires_auth"]),),
            only_for="server",
        ),
        Patch(
            # The token check and the freeze are attached by rasa-sdk's plugin
            # hook (rasa_sdk_plugins/), which rasa_sdk.endpoint.run calls.
            "action server on loopback with a token",
            guard_action_server,
            (Touch("rasa_sdk.endpoint", "run", SHA["sdk_run"]),),
            only_for="actions",
        ),
        Patch(
            "loaded model frozen",
            freeze_once_the_agent_is_loaded,
            (Touch("rasa.core.agent", "load_agent", SHA["load_agent"]),),
            speed=True,
            only_for="server",
        ),
    )


#: sha256 of the source each patch was written against (Rasa 3.6.21,
#: rasa-sdk 3.6.2); ``python -m clinic.rasa_patches.guard`` prints the installed ones.
SHA: dict[str, str] = {
    "expiry": "26f6fe006a0a66f414ef3b45c4a4e988065ebed7d1573a3c77dcdc9fadfd5400",
    "anonymizer": "9e202278c624458c2cf58ef489ee1379de858bd784ff48cd76badfc427e6e0d5",
    "structlog": "adbf22a14c77a21e85c41529dbc64609adbaed266a51351007f3d81f26342cf5",
    "metadata": "974b17cd39422bd06b76ff4aa46906422ba037cab1b87af858296141f95abc10",
    "validate": "7714afb4250b7f8b24364418885b412b04d958f1bad3532a5207cdb41aa52d56",
    "session": "6ae219d9597a6178c650da177559aecdb5b0b6b478348918ded65cdfff68bff1",
    "is_empty": "f3fc99131bbda1f2021dcb88840cbbca61efc38db0b970d69a6fb93550b7c96f",
    "resolve_by_type": (
        "83e4b34b3e1a87e55ec457f9de7370b7ec578f5dade414d6d7efe662e27c2f96"
    ),
    "all_subclasses": (
        "55ff0c71e7e3e3de0f3beaecea692049171a3c43d6c37e606fdbc702cbc5f78b"
    ),
    "current_state": "4119150d676f2508436e6e740308b60d5c0290818caa95ddae4993172c629145",
    "runner": "baadaf6063fe4d225ff7ee6b1d6b5677f7886ceda48439acd5126115e3bda8a0",
    "handle": "e5c22d32136bae5920399d4e9243b6251c0578023152b720d93ee217cca4e723",
    "parse_message": (
        "16e3c3e89efe43c8f58fd00bb1163b68666266ff2e071bf2e08d80065b81be3f"
    ),
    "handle_message": (
        "5a34634928f391d78f35092cbe354d8d72d0a10c9077762eb34243ea79870c2a"
    ),
    "fail_safe_retrieve": (
        "b98273bbc004f72652812fc4f13fb38800fb829d43b0d347e7a0342033820991"
    ),
    "spacy": "197aca74d807781f8c030696289cfecdbd229fc2eb4bed4b121da80cf4239f89",
    "save": "ad2b5ed7174f78fb4fb6eeeaad23626337f688b2ede2d9c25b061ce136860827",
    "event_query": "e21b119189c267610ed4bb01477a7d136742028fbfb0bfedcc839e78fc330940",
    "sql_event": "b53d96b853109b3ad25bf2844fad9c725db73541964633429e52dc14dea073be",
    "stream": "82a1917874eac02429d016b8b006b2e1da58b75fd2bcfcf07e9d6d9c95a9198a",
    "requires_auth": "da5bc9dac0d1e5950b9f96244b78e2098da14353b54578de375442e50e59e536",
    "sdk_run": "c5dfaa172d966c1d700581a587b6923acb790400b4689d30fb1f819d7a2831ef",
    "load_agent": "f4f12a1775e8902c9bb5cad38f5ae0156c2d0a674360e2c6bd1b24c6587cdb1b",
}


def stock_rasa() -> bool:
    return os.environ.get(STOCK_VARIABLE, "").strip().lower() in {"1", "true", "yes"}


def patches_for(command: str, stock: bool) -> list[Patch]:
    return [
        patch
        for patch in every_patch()
        if patch.applies_to(command) and not (stock and patch.speed)
    ]


def apply_checked(command: str, stock: bool) -> list[Patch]:
    """Checks the installed Rasa against every patch for ``command``, then
    applies them; refuses to start (``RasaNotAsPatched``) on a difference."""
    patches = patches_for(command, stock)
    check(touched for patch in patches for touched in patch.touches)
    for patch in patches:
        patch.apply()
    return patches


def announce(patches: list[Patch], stock: bool) -> None:
    """Says at start which Rasa runs: stock or patched, and how."""
    kind = f"stock Rasa ({STOCK_VARIABLE}=1: no speed patches)" if stock else "Rasa"
    names = ", ".join(patch.name for patch in patches)
    print(f"clinic: {kind} checked, with: {names}", file=sys.stderr, flush=True)


def apply_fixes() -> None:
    """Every patch that any command gets (used by tests as a server would)."""
    for patch in every_patch():
        if not patch.only_for:
            patch.apply()
