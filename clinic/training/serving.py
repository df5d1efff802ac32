"""The running Rasa server's model: which one is serving, and swapping it.

``PUT /model`` loads the new model inside the running server and swaps it in
when it is ready: conversations carry on, nothing restarts.
"""

from __future__ import annotations

from pathlib import Path

import requests

from clinic.rasa_patches.api_token import token_header

TIMEOUT_SECONDS = 120  # loading a model takes seconds; a busy server longer
STATUS_TIMEOUT_SECONDS = 5  # the console asks often: it must not wait long


class ServingError(RuntimeError):
    """The Rasa server could not be reached or refused the model."""


class RasaServer:
    def __init__(self, base_url: str, token: str) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token

    def _call(
        self, method: str, path: str, timeout: float = TIMEOUT_SECONDS, **kwargs: object
    ) -> requests.Response:
        try:
            response = requests.request(
                method,
                f"{self._base_url}{path}",
                headers=token_header(self._token),
                timeout=timeout,
                **kwargs,  # type: ignore[arg-type]
            )
        except requests.RequestException as error:
            raise ServingError(
                f"the assistant's server is not reachable: {error}"
            ) from error
        if response.status_code >= 400:
            raise ServingError(
                f"the assistant's server refused {method} {path}: "
                f"HTTP {response.status_code} {response.text[:300]}"
            )
        return response

    def serving_model(self) -> str:
        """The file name of the model the server is using."""
        return str(
            self._call("GET", "/status", STATUS_TIMEOUT_SECONDS)
            .json()
            .get("model_file")
            or ""
        )

    def load(self, model_path: Path) -> None:
        """Puts the model live; the server reads it from this path."""
        self._call("PUT", "/model", json={"model_file": str(model_path.resolve())})
        serving = self.serving_model()
        if Path(serving).name != model_path.name:
            raise ServingError(
                f"asked for {model_path.name}, the server serves {serving}"
            )
