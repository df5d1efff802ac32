"""``make cluster``: the scaled topology on this machine (clinic/cluster/topology.py).

    python -m clinic.cluster --model models/model-….tar.gz

PostgreSQL and Redis are the ones these machines run; point at others with
CLUSTER_DATABASE_URL and CLUSTER_REDIS_URL. The database is created when
missing and migrated. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from clinic.cluster.topology import (
    PROJECT_ROOT,
    PYTHON,
    Cluster,
    default_topology,
    running_cluster,
)


def create_database_if_missing(url: str) -> None:
    """PostgreSQL's CREATE DATABASE, from its maintenance database."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql") or not target.database:
        return
    admin = create_engine(
        target.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def migrate(url: str) -> None:
    subprocess.run(
        [str(PYTHON), "-m", "clinic.store.migrate", url],
        cwd=PROJECT_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def announce(cluster: Cluster) -> None:
    t = cluster.topology
    print(
        f"""
  The clinic group's topology is running (logs: {t.run_dir / "log"}):
  - website chat, the demo clinic page:  {t.site_url}
  - nginx in front of the replicas:     {t.front_url}  (socket.io, REST, HTTP API)
  - Rasa replicas:                      {", ".join(map(str, t.rasa_ports))}
  - action servers (behind nginx :{t.actions_front_port}): \
{", ".join(map(str, t.action_ports))}
  - staff console:                      {t.console_url}
  - PostgreSQL {t.database_url}, Redis {t.redis_url}
  Stop with Ctrl-C.
""",
        flush=True,
    )


def wait_for_a_stop(cluster: Cluster) -> int:
    """Until Ctrl-C or SIGTERM (0), or until a service dies (1)."""
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(0))
    try:
        while not stopping:
            for service in cluster.services.values():
                assert service.process is not None
                if service.process.poll() is not None:
                    print(f"{service.name} stopped; see {cluster.log(service.name)}")
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    args = parser.parse_args(argv)
    topology = default_topology()
    create_database_if_missing(topology.database_url)
    migrate(topology.database_url)
    token = os.environ.get("RASA_AUTH_TOKEN", "")
    if not token:
        print("RASA_AUTH_TOKEN is not set (scripts/env.sh sets it)", file=sys.stderr)
        return 2
    with running_cluster(topology, args.model.resolve(), token, os.environ) as cluster:
        announce(cluster)
        return wait_for_a_stop(cluster)


if __name__ == "__main__":
    raise SystemExit(main())
