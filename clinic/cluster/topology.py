"""The scaled topology of a clinic group on one machine (issue 21, item 1):
nginx in front of two Rasa replicas and two action servers, on PostgreSQL and
Redis, with the staff console and the demo site. ``make cluster`` runs it
(``python -m clinic.cluster``); the cluster tests start the same thing.

Routing, in nginx (Debian's package):

- ``/socket.io/`` is sticky by client address (``hash $remote_addr
  consistent``): a long-polling socket.io session lives in one replica's
  memory, so its requests must keep to that replica. What another replica
  says to a visitor reaches them through Redis (SOCKETIO_REDIS_URL,
  clinic/channels/shared_rooms.py), so stickiness per socket is all that is
  needed; visitors behind one address share a replica, nothing more.
- everything else (REST, the HTTP API the console uses) goes to either
  replica: the conversation is in PostgreSQL and one replica at a time holds
  its lock in Redis (clinic/cluster/lock_store.py).
- the replicas call the action servers through nginx too, on a port of its
  own, so a stopped action server is passed over;
- the staff console and the demo site are behind nginx as well, each on its
  public port (5080, 8080), the processes themselves on ports of their own
  (``CLUSTER_CONSOLE_BACKEND_PORT``, ``CLUSTER_SITE_BACKEND_PORT``): one front
  door, where a clinic puts TLS. The console's live views are server-sent
  events, so nginx passes them on unbuffered and keeps them open.

A replica or action server that refuses connections is passed over at once
(``proxy_next_upstream error``: nothing was sent, so even a POST is retried).
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from clinic.cluster.endpoints import replica_endpoints
from clinic.training.live_model import SWITCH as LIVE_MODEL_SWITCH

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
NGINX = "nginx"
STARTUP_SECONDS = 180.0
STOP_SECONDS = 20.0
# Each kind of service: its default port (scripts/env.sh) and the path that
# answers once it is ready. deploy/ (compose, Kubernetes) names the same:
# tests/clinic/cluster/test_deploy_files.py.
DEFAULT_PORTS = {"rasa": 5005, "actions": 5055, "console": 5080, "site": 8080}
# The console's is public: its "/" redirects a probe, never signed in, to /login.
HEALTH_PATHS = {
    "rasa": "/",
    "actions": "/health",
    "console": "/healthz",
    "site": "/health",
}
# What every service takes from the environment it is started with, beside
# shared_environment's: the secrets (scripts/env.sh keeps them in var/).
SECRETS = (
    "RASA_AUTH_TOKEN",
    "ACTION_SERVER_TOKEN",
    "CONVERSATION_SECRET",
    "STAFF_WEBHOOK_SECRET",
)


@dataclass(frozen=True)
class Topology:
    """Where everything listens and what it shares."""

    database_url: str
    redis_url: str
    run_dir: Path
    front_port: int
    actions_front_port: int
    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    console_port: int  # nginx, in front of the console
    site_port: int  # nginx, in front of the demo site
    console_backend_port: int  # the console process
    site_backend_port: int  # the demo site's process

    @property
    def front_url(self) -> str:
        return f"http://127.0.0.1:{self.front_port}"

    @property
    def site_url(self) -> str:
        return f"http://127.0.0.1:{self.site_port}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    @property
    def console_backend_url(self) -> str:
        return f"http://127.0.0.1:{self.console_backend_port}"

    @property
    def site_backend_url(self) -> str:
        return f"http://127.0.0.1:{self.site_backend_port}"


def upstream(name: str, ports: tuple[int, ...], balance: str = "") -> str:
    servers = "".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in ports
    )
    return f"  upstream {name} {{\n{balance}{servers}  }}\n"


# A socket.io session (long-polling) lives in one replica: keep its requests there.
STICKY = "    hash $remote_addr consistent;\n"


def nginx_conf(topology: Topology) -> str:
    run = topology.run_dir
    proxied = """      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout;
      proxy_read_timeout 90s;
"""
    # The console's live queue and chat are server-sent events: each passed on
    # at once, the stream kept open while a staff member watches.
    streamed = proxied.replace("proxy_read_timeout 90s;", "proxy_read_timeout 1h;")
    streamed += "      proxy_buffering off;\n"
    return f"""# Written by clinic/cluster/topology.py; rewritten on every start.
user {getpass.getuser()};
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/log/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  # Which replica answered each request: $upstream_addr.
  log_format routed '$remote_addr [$time_local] "$request" $status $upstream_addr';
  access_log {run}/log/nginx-access.log routed;
  client_body_temp_path {run}/nginx/body;
  proxy_temp_path {run}/nginx/proxy;
  fastcgi_temp_path {run}/nginx/fastcgi;
  uwsgi_temp_path {run}/nginx/uwsgi;
  scgi_temp_path {run}/nginx/scgi;
  # The channels refuse more (clinic/limits.py); nginx need not read it.
  client_max_body_size 1m;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
{upstream("rasa_sticky", topology.rasa_ports, STICKY)}\
{upstream("rasa_any", topology.rasa_ports)}\
{upstream("actions", topology.action_ports)}\
  server {{
    listen 127.0.0.1:{topology.front_port};
    location /socket.io/ {{
      proxy_pass http://rasa_sticky;
{proxied}\
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
    }}
    location / {{
      proxy_pass http://rasa_any;
{proxied}\
    }}
  }}
  server {{
    listen 127.0.0.1:{topology.actions_front_port};
    location / {{
      proxy_pass http://actions;
{proxied}\
    }}
  }}
  server {{
    listen 127.0.0.1:{topology.console_port};
    location / {{
      proxy_pass http://127.0.0.1:{topology.console_backend_port};
{streamed}\
    }}
  }}
  server {{
    listen 127.0.0.1:{topology.site_port};
    location / {{
      proxy_pass http://127.0.0.1:{topology.site_backend_port};
{proxied}\
    }}
  }}
}}
"""


@dataclass
class Service:
    name: str
    command: list[str]
    health: str  # URL answering 200 once it is ready
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None


def shared_environment(topology: Topology, base: Mapping[str, str]) -> dict[str, str]:
    return {
        **base,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_URL": topology.database_url,
        "DATABASE_DIALECT": topology.database_url.split(":")[0].split("+")[0],
        "LOCK_STORE_REDIS_URL": topology.redis_url,  # written into endpoints.yml
        "RATE_LIMIT_REDIS_URL": topology.redis_url,
        "SOCKETIO_REDIS_URL": topology.redis_url,
        # nginx on this machine is the proxy whose X-Forwarded-For counts.
        "TRUSTED_PROXIES": "127.0.0.1",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{topology.actions_front_port}/webhook",
        "RASA_URL": topology.front_url,
        # A model is put live on each replica, not on the one nginx picks.
        "RASA_REPLICA_URLS": ",".join(
            f"http://127.0.0.1:{port}" for port in topology.rasa_ports
        ),
        "RASA_PUBLIC_URL": topology.front_url,
        "WIDGET_ORIGINS": topology.site_url,
        "SITE_PORT": str(topology.site_port),
        "CONSOLE_PORT": str(topology.console_port),
        # Where staff open the console (the crisis alert's link): nginx.
        "CONSOLE_PUBLIC_URL": topology.console_url,
        # nginx's X-Forwarded-For names who signs in (sign-in limits per address).
        "CONSOLE_TRUSTED_PROXIES": "127.0.0.1",
    }


def action_server_command(port: int) -> list[str]:
    """``rasa run actions`` with the clinic's fixes, as make run does."""
    return [
        *(str(PYTHON), "-m", "clinic.rasa_cli", "run", "actions"),
        *("--port", str(port), "--actions", "actions"),
    ]


def rasa_server_command(
    model: Path, port: int, token: str, endpoints: Path | str = "endpoints.yml"
) -> list[str]:
    """``rasa run`` with the clinic's fixes (clinic/rasa_cli.py), as make run does."""
    return [
        *(str(PYTHON), "-m", "clinic.rasa_cli", "run", "--model", str(model)),
        # "=": a token may start with "-" (token_urlsafe), which argparse would
        # take for an option after a space ("expected one argument").
        *("--enable-api", f"--auth-token={token}", "--port", str(port)),
        *("--endpoints", str(endpoints), "--credentials", "credentials.yml"),
        *("--interface", "127.0.0.1"),
    ]


def services(topology: Topology, model: Path, token: str) -> list[Service]:
    endpoints = topology.run_dir / "endpoints.yml"
    found: list[Service] = []
    for n, port in enumerate(topology.action_ports, 1):
        found.append(
            Service(
                f"actions-{n}",
                action_server_command(port),
                f"http://127.0.0.1:{port}{HEALTH_PATHS['actions']}",
            )
        )
    for n, port in enumerate(topology.rasa_ports, 1):
        found.append(
            Service(
                f"rasa-{n}",
                rasa_server_command(model, port, token, endpoints),
                f"http://127.0.0.1:{port}{HEALTH_PATHS['rasa']}",
                # Restarted, a replica serves the model last put live.
                {LIVE_MODEL_SWITCH: "1"},
            )
        )
    found.append(
        Service(
            "console",
            [str(PYTHON), "-m", "clinic.console"],
            f"{topology.console_backend_url}{HEALTH_PATHS['console']}",
            {"CONSOLE_PORT": str(topology.console_backend_port)},
        )
    )
    found.append(
        Service(
            "site",
            [str(PYTHON), "-m", "clinic.site"],
            f"{topology.site_backend_url}{HEALTH_PATHS['site']}",
            {"SITE_HOST": "127.0.0.1", "SITE_PORT": str(topology.site_backend_port)},
        )
    )
    conf = topology.run_dir / "nginx.conf"
    found.append(
        Service(
            "nginx",
            [
                *(NGINX, "-e", str(topology.run_dir / "log" / "nginx-error.log")),
                *("-p", str(topology.run_dir), "-c", str(conf)),
            ],
            f"{topology.front_url}/",
        )
    )
    return found


def prepare(topology: Topology) -> None:
    """The run directory: nginx's configuration and temp dirs, the replicas'
    endpoints (the Redis lock store), the logs."""
    run = topology.run_dir
    for sub in ("log", "nginx"):
        (run / sub).mkdir(parents=True, exist_ok=True)
    (run / "nginx.conf").write_text(nginx_conf(topology), encoding="utf-8")
    (run / "endpoints.yml").write_text(
        replica_endpoints(topology.redis_url), encoding="utf-8"
    )


def wait_until_ready(service: Service, log: Path, deadline: float) -> None:
    assert service.process is not None
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{service.name} exited; {log}:\n{tail}")
        try:
            with urllib.request.urlopen(service.health, timeout=5):
                return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{service.name} not ready in {STARTUP_SECONDS:.0f} s")


class Cluster:
    """The running topology: each service by name, and how to stop one."""

    def __init__(self, topology: Topology, running: dict[str, Service]) -> None:
        self.topology = topology
        self.services = running

    def log(self, name: str) -> Path:
        return self.topology.run_dir / "log" / f"{name}.log"

    def stop(self, name: str) -> None:
        """Stops one service as a crash would (SIGKILL)."""
        process = self.services[name].process
        assert process is not None
        process.kill()
        process.wait()


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def private_log(path: Path) -> BinaryIO:
    """A service's log, the service user's only: logs may name visitors."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # one an earlier version left wider
    return os.fdopen(descriptor, "wb")


@contextmanager
def running_cluster(
    topology: Topology, model: Path, token: str, base: Mapping[str, str]
) -> Iterator[Cluster]:
    """Starts every service (in order: action servers, replicas, console,
    site, nginx), waits until each answers, and stops them all at the end."""
    if shutil.which(NGINX) is None and not Path("/usr/sbin/nginx").exists():
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    prepare(topology)
    # The console calls the replicas' HTTP API with the token they were started with.
    env = {**shared_environment(topology, base), "RASA_AUTH_TOKEN": token}
    running: dict[str, Service] = {}
    with ExitStack() as stack:
        for service in services(topology, model, token):
            log = topology.run_dir / "log" / f"{service.name}.log"
            output = stack.enter_context(private_log(log))
            service.process = subprocess.Popen(
                nginx_command(service.command),
                cwd=PROJECT_ROOT,
                env={**env, **service.env},
                stdout=output,
                stderr=subprocess.STDOUT,
                umask=0o077,  # what the services write (nginx's logs): 0600
            )
            stack.callback(stop_process, service.process)
            running[service.name] = service
        deadline = time.monotonic() + STARTUP_SECONDS
        for service in running.values():
            wait_until_ready(
                service, topology.run_dir / "log" / f"{service.name}.log", deadline
            )
        yield Cluster(topology, running)


def nginx_command(command: list[str]) -> list[str]:
    """Debian puts nginx in /usr/sbin, outside a non-root user's PATH."""
    if command[0] == NGINX and shutil.which(NGINX) is None:
        return ["/usr/sbin/nginx", *command[1:]]
    return command


def default_topology(environ: Mapping[str, str] = os.environ) -> Topology:
    """Ports and services for ``make cluster``, each overridable."""

    def port(name: str, default: int) -> int:
        return int(environ.get(name, default))

    rasa = port("RASA_PORT", DEFAULT_PORTS["rasa"])
    actions = port("ACTION_PORT", DEFAULT_PORTS["actions"])
    console = port("CONSOLE_PORT", DEFAULT_PORTS["console"])
    site = port("SITE_PORT", DEFAULT_PORTS["site"])
    return Topology(
        database_url=environ.get(
            "CLUSTER_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/clinic"
        ),
        redis_url=environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/1"),
        run_dir=PROJECT_ROOT / "var" / "cluster",
        front_port=port("CLUSTER_PORT", 8000),
        actions_front_port=port("CLUSTER_ACTIONS_PORT", 8001),
        rasa_ports=(rasa + 1, rasa + 2),
        action_ports=(actions + 1, actions + 2),
        console_port=console,
        site_port=site,
        console_backend_port=port("CLUSTER_CONSOLE_BACKEND_PORT", console + 1),
        site_backend_port=port("CLUSTER_SITE_BACKEND_PORT", site + 1),
    )
