"""The patches start only on the Rasa they were written for (issue 22)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from clinic.rasa_patches import table
from clinic.rasa_patches.guard import (
    RasaNotAsPatched,
    Touched,
    check,
    definition_source,
    digest_of,
)
from harness.servers import PROJECT_ROOT, VENV_BIN, base_environment


def every_touched() -> list[Touched]:
    return [touched for patch in table.every_patch() for touched in patch.touches]


def test_the_installed_rasa_is_the_one_every_patch_was_written_for() -> None:
    check(every_touched())  # raises on any difference
    assert len(every_touched()) >= 15


def test_every_digest_is_of_code_that_is_there() -> None:
    for touched in every_touched():
        assert digest_of(touched) == touched.sha256, touched.name


def test_a_different_rasa_version_is_refused_by_name() -> None:
    with pytest.raises(RasaNotAsPatched) as refused:
        check([], {"rasa": "3.6.20", "rasa-sdk": "3.6.2"})
    assert "rasa 3.6.21, written for 3.6.20" in str(refused.value.code)


def test_a_changed_or_missing_function_is_refused_by_name() -> None:
    changed = Touched("rasa.shared.core.domain", "Domain.is_empty", "0" * 64)
    gone = Touched("rasa.shared.core.domain", "Domain.no_such_method", "0" * 64)
    with pytest.raises(RasaNotAsPatched) as refused:
        check([changed, gone])
    message = str(refused.value.code)
    assert "rasa.shared.core.domain.Domain.is_empty has changed" in message
    assert "rasa.shared.core.domain.Domain.no_such_method is no longer there" in message
    assert "CLINIC_STOCK_RASA=1" in message


MODULE = """
import functools

def helper():
    return 1

class Outer:
    @functools.cache
    @staticmethod
    def method():
        return "first"

    def method():  # the later definition is the one Python keeps
        return "second"

    class Inner:
        async def deep(self):
            return 3
"""


def test_a_definition_is_found_by_its_qualified_name() -> None:
    assert definition_source(MODULE, "helper") == "def helper():\n    return 1"
    method = definition_source(MODULE, "Outer.method")
    assert method is not None and "second" in method and "first" not in method
    deep = definition_source(MODULE, "Outer.Inner.deep")
    assert deep is not None and deep.strip().startswith("async def deep")
    assert definition_source(MODULE, "Outer.missing") is None
    assert definition_source(MODULE, "helper.inside") is None


def test_decorators_belong_to_the_definition() -> None:
    source = "class A:\n    @property\n    def b(self):\n        return 2\n"
    assert definition_source(source, "A.b") == (
        "    @property\n    def b(self):\n        return 2"
    )


def run_rasa_cli(
    script: str, tmp_path: Path, **env: str
) -> subprocess.CompletedProcess:
    environment = base_environment(f"sqlite:///{tmp_path / 'clinic.db'}")
    environment.update(env)
    return subprocess.run(
        [str(VENV_BIN / "python"), "-c", script],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


# The real entry point (scripts/rasa), with one digest as a changed Rasa would give.
START_WITH_A_CHANGED_FUNCTION = """
import sys
from clinic import rasa_cli
from clinic.rasa_patches import table
table.SHA["{key}"] = "0" * 64
sys.argv = ["rasa", "run", "--help"]
rasa_cli.main()
"""


def test_the_server_refuses_to_start_on_a_changed_function(tmp_path: Path) -> None:
    result = run_rasa_cli(
        START_WITH_A_CHANGED_FUNCTION.format(key="is_empty"), tmp_path
    )
    assert result.returncode != 0
    assert "rasa.shared.core.domain.Domain.is_empty has changed" in result.stderr
    assert "usage: rasa run" not in result.stdout  # Rasa never started


def test_the_server_says_at_start_that_it_runs_patched(tmp_path: Path) -> None:
    result = run_rasa_cli(START_WITH_A_CHANGED_FUNCTION.format(key="none"), tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage: rasa run" in result.stdout
    announced = [line for line in result.stderr.splitlines() if "clinic:" in line]
    assert announced and "stock" not in announced[0]
    assert "form state copied shallowly" in announced[0]
    assert "Rasa token read from a header" in announced[0]


def test_stock_rasa_runs_without_the_speed_patches_and_keeps_the_protections(
    tmp_path: Path,
) -> None:
    # A speed patch's function changed: stock Rasa does not need it.
    result = run_rasa_cli(
        START_WITH_A_CHANGED_FUNCTION.format(key="is_empty"),
        tmp_path,
        CLINIC_STOCK_RASA="1",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    announced = next(line for line in result.stderr.splitlines() if "clinic:" in line)
    assert "stock Rasa (CLINIC_STOCK_RASA=1" in announced
    assert "one empty domain" not in announced
    assert "prediction graph run in order" not in announced
    assert "visitor text kept out of logs" in announced
    assert "long messages kept short in the tracker" in announced
    assert "Rasa token read from a header" in announced


def test_a_protection_is_checked_even_for_stock_rasa(tmp_path: Path) -> None:
    result = run_rasa_cli(
        START_WITH_A_CHANGED_FUNCTION.format(key="handle"),
        tmp_path,
        CLINIC_STOCK_RASA="1",
    )
    assert result.returncode != 0
    assert "MessageProcessor._handle_message_with_tracker has changed" in result.stderr


CHECK_WITHOUT_IMPORTING = """
import json, sys
from clinic.rasa_patches import table
from clinic.rasa_patches.guard import check
check(t for p in table.every_patch() for t in p.touches)
print(json.dumps({
    "tensorflow": "tensorflow" in sys.modules,
    "rasa.server": "rasa.server" in sys.modules,
    "rasa.core.processor": "rasa.core.processor" in sys.modules,
}))
"""


def test_the_check_reads_rasas_files_without_importing_them(tmp_path: Path) -> None:
    """Importing rasa.server before the patches defer TensorFlow would load it."""
    result = run_rasa_cli(CHECK_WITHOUT_IMPORTING, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "tensorflow": False,
        "rasa.server": False,
        "rasa.core.processor": False,
    }
