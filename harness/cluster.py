"""The scaled topology (clinic/cluster/topology.py, what `make cluster` runs)
on a fresh PostgreSQL database, with its PostgreSQL and Redis reached through
TCP proxies that a test can cut."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from clinic.cluster.topology import Cluster, Topology, running_cluster
from harness.servers import Assistant, base_environment, free_port, migrate
from harness.services import POSTGRES_ADMIN_URL, fresh_postgres_database, redis_url
from harness.tcp_proxy import TcpProxy, tcp_proxy

TOKEN = "test-token"
REST_TOKEN = "test-rest-token"


@dataclass
class RunningCluster:
    cluster: Cluster
    front: Assistant  # nginx, as a visitor or the console reaches it
    postgres: TcpProxy
    redis: TcpProxy

    def replica(self, n: int) -> Assistant:
        """One replica directly, not through nginx."""
        port = self.cluster.topology.rasa_ports[n - 1]
        return Assistant(
            f"http://127.0.0.1:{port}",
            TOKEN,
            self.front.action_url,
            self.front.database_url,
            self.front.log_dir,
            self.pid(f"rasa-{n}"),
            REST_TOKEN,
        )

    def pid(self, name: str) -> int:
        process = self.cluster.services[name].process
        assert process is not None
        return process.pid


def proxied(url: str, proxy: TcpProxy) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    where = f"127.0.0.1:{proxy.port}"
    return parts._replace(
        netloc=f"{netloc[0]}@{where}" if len(netloc) == 2 else where
    ).geturl()


@contextmanager
def cluster_on_fresh_databases(
    model: Path, run_dir: Path, replicas: int = 2, env: Mapping[str, str] | None = None
) -> Iterator[RunningCluster]:
    """``replicas`` Rasa servers and as many action servers behind nginx;
    ``env`` is added to every service's environment."""
    redis = urlsplit(redis_url())
    postgres = urlsplit(POSTGRES_ADMIN_URL)
    with (
        fresh_postgres_database() as direct_url,
        tcp_proxy(postgres.hostname or "127.0.0.1", postgres.port or 5432) as pg,
        tcp_proxy(redis.hostname or "127.0.0.1", redis.port or 6379) as rd,
    ):
        migrate(direct_url)
        topology = Topology(
            database_url=proxied(direct_url, pg),
            redis_url=f"redis://127.0.0.1:{rd.port}{redis.path}",
            run_dir=run_dir,
            front_port=free_port(),
            actions_front_port=free_port(),
            rasa_ports=tuple(free_port() for _ in range(replicas)),
            action_ports=tuple(free_port() for _ in range(replicas)),
            console_port=free_port(),
            site_port=free_port(),
            console_backend_port=free_port(),
            site_backend_port=free_port(),
        )
        base = {
            **base_environment(topology.database_url),
            "REST_TOKEN": REST_TOKEN,
            **(env or {}),
        }
        base.pop("ACTION_ENDPOINT_URL", None)
        with running_cluster(topology, model, TOKEN, base) as cluster:
            front = Assistant(
                topology.front_url,
                TOKEN,
                f"http://127.0.0.1:{topology.actions_front_port}/webhook",
                direct_url,
                run_dir / "log",
                cluster.services["rasa-1"].process.pid,  # type: ignore[union-attr]
                REST_TOKEN,
            )
            yield RunningCluster(cluster, front, pg, rd)
