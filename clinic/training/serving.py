"""The running Rasa server's model: which one is serving, and swapping it.

``PUT /model`` loads the new model inside the running server and swaps it in
when it is ready: conversations carry on, nothing restarts. A clinic group
runs several replicas (``RASA_REPLICA_URLS``): a model is put live on each,
or on none.
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

    @property
    def url(self) -> str:
        return self._base_url

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


def replica_urls_from(setting: str) -> tuple[str, ...]:
    """RASA_REPLICA_URLS: comma-separated base URLs."""
    return tuple(url.strip() for url in setting.split(",") if url.strip())


class Replicas:
    """Every replica of the assistant, as one server: the model served is the
    first replica's; a model is put live on each in turn, and if one refuses
    it, those already switched go back to ``restore_to``."""

    def __init__(self, base_urls: list[str], token: str) -> None:
        self.servers = [RasaServer(url, token) for url in base_urls]

    def serving_model(self) -> str:
        return self.servers[0].serving_model()

    def load(self, model_path: Path, restore_to: Path | None = None) -> None:
        switched: list[RasaServer] = []
        for server in self.servers:
            try:
                _load_or_see_it_loaded(server, model_path)
            except ServingError as error:
                put_back = _put_back(switched, restore_to)
                raise ServingError(
                    f"replica {server.url}: {error}"
                    + ("; the others serve the earlier model again" if put_back else "")
                ) from error
            switched.append(server)


def _put_back(servers: list[RasaServer], model_path: Path | None) -> bool:
    if model_path is None or not servers:
        return False
    for server in servers:
        _load_or_see_it_loaded(server, model_path)
    return True


def _load_or_see_it_loaded(server: RasaServer, model_path: Path) -> None:
    try:
        server.load(model_path)
    except ServingError:
        # A slow swap can time out here and still finish in the server.
        if Path(server.serving_model()).name != model_path.name:
            raise
