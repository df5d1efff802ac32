"""The deployment files (deploy/: Dockerfile, entrypoint, compose, Kubernetes)
cannot be built or applied on these machines; this keeps them naming the same
commands, flags, ports, variables and health paths as `make cluster`
(clinic/cluster/topology.py), so they cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinic.cluster.topology import (
    DEFAULT_PORTS,
    HEALTH_PATHS,
    SECRETS,
    action_server_command,
    default_topology,
    nginx_conf,
    rasa_server_command,
    shared_environment,
)

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
ROLES = ("rasa", "actions", "console", "site")


def entrypoint_arms() -> dict[str, str]:
    """The commands of deploy/entrypoint.sh, by role."""
    text = (DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")
    arms = re.findall(r"^\s+(\w+)\)(.*?);;", text, flags=re.MULTILINE | re.DOTALL)
    return {role: " ".join(body.split()) for role, body in arms}


def kubernetes() -> list[dict[str, Any]]:
    text = (DEPLOY / "k8s" / "clinic.yml").read_text(encoding="utf-8")
    return [doc for doc in yaml.safe_load_all(text) if doc]


def pod_spec(role: str) -> dict[str, Any]:
    [found] = [
        doc
        for doc in kubernetes()
        if doc["kind"] == "Deployment" and doc["metadata"]["name"] == role
    ]
    return found["spec"]["template"]["spec"]


def deployment(role: str) -> dict[str, Any]:
    [container] = pod_spec(role)["containers"]
    return container


def flags(command: list[str]) -> set[str]:
    """The options named (``--auth-token=x`` names ``--auth-token``)."""
    return {part.split("=", 1)[0] for part in command if part.startswith("--")}


def module_call(command: list[str]) -> str:
    """``-m clinic.rasa_cli run actions`` …: the module and its subcommands."""
    start = command.index("-m")
    words = [part for part in command[start:] if not part.startswith("--")]
    return " ".join(words[: 4 if "actions" in words else 3])


@pytest.mark.parametrize(
    "role, command",
    [
        ("rasa", rasa_server_command(Path("model.tar.gz"), 5005, "token")),
        ("actions", action_server_command(5055)),
    ],
)
def test_the_image_runs_what_make_cluster_runs(role: str, command: list[str]) -> None:
    arm = entrypoint_arms()[role]
    assert module_call(command) in arm
    assert flags(command) == set(re.findall(r"--[\w-]+", arm))
    assert f"--port {DEFAULT_PORTS[role]}" in arm


def test_every_role_has_a_command_and_the_image_runs_the_entrypoint() -> None:
    assert set(ROLES) | {"migrate"} <= set(entrypoint_arms())
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in dockerfile
    for port in DEFAULT_PORTS.values():
        assert str(port) in dockerfile.split("EXPOSE", 1)[1].splitlines()[0]


# Compose and Kubernetes scale the replicas at run time: no list of their
# addresses can be given in advance (docs/deploy.md, "Putting a model live").
NOT_FOR_SCALED_REPLICAS = {"RASA_REPLICA_URLS"}


def required_variables() -> set[str]:
    env = shared_environment(default_topology(), {})
    return (set(env) - {"PYTHONPATH"} - NOT_FOR_SCALED_REPLICAS) | set(SECRETS)


def test_compose_and_kubernetes_set_every_variable_make_cluster_sets() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
    assert required_variables() <= set(compose["x-clinic"]["environment"])
    given: set[str] = set()
    for doc in kubernetes():
        if doc["kind"] in ("Secret", "ConfigMap"):
            given |= set(doc.get("stringData") or doc.get("data") or {})
    assert required_variables() <= given


@pytest.mark.parametrize("role", ROLES)
def test_kubernetes_probes_and_ports_are_make_clusters(role: str) -> None:
    container = deployment(role)
    assert container["args"] == [role]
    assert container["ports"] == [{"containerPort": DEFAULT_PORTS[role]}]
    for probe in ("readinessProbe", "livenessProbe"):
        check = container[probe]["httpGet"]
        assert (check["path"], check["port"]) == (
            HEALTH_PATHS[role],
            DEFAULT_PORTS[role],
        )


@pytest.mark.parametrize("role", ["rasa", "actions"])
def test_compose_health_checks_are_make_clusters(role: str) -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
    service = compose["services"][role]
    assert service["command"] == [role]
    url = f"http://127.0.0.1:{DEFAULT_PORTS[role]}{HEALTH_PATHS[role]}'"
    assert url in " ".join(service["healthcheck"]["test"])


def test_the_horizontal_autoscaler_scales_the_rasa_replicas() -> None:
    [hpa] = [doc for doc in kubernetes() if doc["kind"] == "HorizontalPodAutoscaler"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "rasa"
    assert hpa["spec"]["minReplicas"] >= 2


def test_a_token_starting_with_a_dash_reaches_rasa_whole() -> None:
    """token_urlsafe starts one token in 32 with "-": after a space, Rasa's
    argparse took it for an option and `make run` stopped on a fresh clone."""
    from rasa.__main__ import create_argument_parser

    command = rasa_server_command(Path("model.tar.gz"), 5005, "-p1xyz")
    arguments = create_argument_parser().parse_args(command[command.index("run") :])
    assert arguments.auth_token == "-p1xyz"


def test_compose_keeps_the_crisis_spool_on_a_volume_rasa_and_console_share() -> None:
    # Flags kept aside while the database is down must outlive a recreated
    # container, and the console's crisis page must see every replica's.
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
    spool = Path(compose["x-clinic"]["environment"]["CRISIS_SPOOL_PATH"])
    for role in ("rasa", "console"):
        mounts = (v.split(":", 1) for v in compose["services"][role]["volumes"])
        by_target = {target: source for source, target in mounts}
        assert by_target.get(str(spool.parent)) in compose["volumes"], role
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert f"mkdir -p {spool.parent}" in dockerfile


def test_each_kubernetes_rasa_pod_keeps_its_crisis_spool_across_restarts() -> None:
    [config] = [doc for doc in kubernetes() if doc["kind"] == "ConfigMap"]
    spool = Path(config["data"]["CRISIS_SPOOL_PATH"])
    mounts = {m["mountPath"]: m["name"] for m in deployment("rasa")["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec("rasa")["volumes"]}
    assert "emptyDir" in volumes[mounts[str(spool.parent)]]


def test_the_image_leaves_out_the_machines_secrets_database_and_build_output() -> None:
    """`COPY . .` would otherwise bake var/ (tokens, clinic.db, logs) into the
    image; every directory git ignores is rebuilt inside the image or private."""
    root = DEPLOY.parent
    ignored = {
        line.strip()
        for line in (root / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    git_ignored = {
        line.strip()
        for line in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
        if line.strip().endswith("/") and not line.startswith("#")
    }
    assert "var/" in ignored
    assert git_ignored - {"__pycache__/", "node_modules/"} <= ignored
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    # models/ is left out (and not in a fresh clone): made before train.sh's
    # output is written into it
    assert re.search(
        r"mkdir -p models && bash scripts/train.sh > models/LIVE", dockerfile
    )


def test_the_console_and_the_site_are_behind_the_proxy_everywhere() -> None:
    """make cluster puts them behind nginx; compose's nginx publishes their
    ports (they publish none) and Kubernetes routes them through an Ingress."""
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    for role in ("console", "site"):
        assert "ports" not in services[role]
        port = DEFAULT_PORTS[role]
        assert f"{port}:{port}" in services["nginx"]["ports"]
        assert f"listen {port};" in (DEPLOY / "nginx.conf").read_text()
    routed = {
        path["backend"]["service"]["name"]
        for doc in kubernetes()
        if doc["kind"] == "Ingress"
        for rule in doc["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert {"rasa", "console", "site"} <= routed
    conf = nginx_conf(default_topology())
    assert "proxy_buffering off;" in conf.split(f":{DEFAULT_PORTS['console']};")[1]
