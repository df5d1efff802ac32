"""The endpoints of a Rasa replica that shares its conversations with others.

``endpoints.yml`` is the embedded default (`make run`): one process, Rasa's
in-memory lock store. Replicas on one database need a Redis lock store
(clinic/cluster/lock_store.py: Rasa's own RedisLockStore races), so
that one conversation's messages are handled one at a time whichever replica
receives them (two replicas reading the same conversation at once would each
append to what they read). This writes endpoints.yml plus that lock store, from
a Redis URL, so the rest of the endpoints stays in one file.

    python -m clinic.cluster.endpoints redis://127.0.0.1:6379/1 endpoints-replica.yml
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ruamel.yaml import YAML

SOURCE = Path(__file__).resolve().parents[2] / "endpoints.yml"


def redis_lock_store(url: str) -> dict[str, Any]:
    """The `lock_store:` section for a redis:// or rediss:// URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError(f"not a Redis URL: {url!r} (redis://host:port/db)")
    return {"type": "clinic.cluster.lock_store.RedisConversationLockStore", "url": url}


def replica_endpoints(redis_url: str, source: Path = SOURCE) -> str:
    """endpoints.yml's text with the Redis lock store added."""
    yaml = YAML()  # round trip: the comments of endpoints.yml stay
    endpoints = yaml.load(source.read_text(encoding="utf-8"))
    endpoints["lock_store"] = redis_lock_store(redis_url)
    endpoints.yaml_set_comment_before_after_key(
        "lock_store",
        before="\nWritten by clinic/cluster/endpoints.py: one conversation's "
        "messages one at a time\nacross replicas.",
    )
    text = io.StringIO()
    yaml.dump(endpoints, text)
    return text.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("redis_url")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(replica_endpoints(args.redis_url), encoding="utf-8")


if __name__ == "__main__":
    main()
