"""A replica's endpoints: endpoints.yml plus the Redis lock store."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from clinic.cluster.endpoints import SOURCE, replica_endpoints


def test_the_lock_store_is_added_and_the_rest_kept() -> None:
    text = replica_endpoints("redis://10.0.0.5:6380/2")
    assert text.startswith(SOURCE.read_text()), "endpoints.yml as it is, comments too"
    assert YAML(typ="safe").load(text)["lock_store"] == {
        "type": "clinic.cluster.lock_store.RedisConversationLockStore",
        "url": "redis://10.0.0.5:6380/2",
    }


@pytest.mark.parametrize("url", ["", "127.0.0.1:6379", "http://127.0.0.1:6379"])
def test_anything_but_a_redis_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="not a Redis URL"):
        replica_endpoints(url)
