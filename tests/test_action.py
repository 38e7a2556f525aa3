"""The GitHub Action (action.yml), run locally: its shell steps exactly as written, with the
`${{ }}` expressions, `if:` conditions, `$GITHUB_OUTPUT` and `$GITHUB_PATH` of a runner
emulated here, on a checkout whose app lives in a subfolder. The one `uses:` step (the SARIF
upload) is not run; the test checks what it would be given.

Offline: the install step really creates a virtualenv and pip-installs scalelint from the
action's checkout (this repository); pip may not use the network (PIP_NO_INDEX), so the
dependencies come from this test's environment on PYTHONPATH, as if the runner had them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(?P<expr>.*?)\s*\}\}")
CONDITION = re.compile(r"^(?P<left>[\w.-]+)\s*==\s*'(?P<right>[^']*)'$")


class Runner:
    """Just enough of a GitHub runner for a composite action's shell steps."""

    def __init__(self, workspace: Path, temp: Path, inputs: dict[str, str]):
        self.workspace, self.temp = workspace, temp
        self.inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
        unknown = set(inputs) - set(self.inputs)
        assert not unknown, f"not inputs of the action: {unknown}"
        self.inputs.update(inputs)
        self.outputs: dict[str, dict[str, str]] = {}
        self.path: list[str] = []
        self.annotations: list[str] = []
        self.uses: list[dict] = []
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))},
            "NO_COLOR": "1",
            # pip stays offline; scalelint's dependencies (and hatchling, to build it) are this environment's
            "PIP_NO_INDEX": "1",
            "PIP_NO_BUILD_ISOLATION": "0",
            "PYTHONPATH": sysconfig.get_paths()["purelib"],
        }

    def value(self, expression: str) -> str:
        scope, _, name = expression.partition(".")
        if scope == "inputs":
            return self.inputs[name]
        if expression == "github.action_path":
            return str(REPO)
        if expression == "github.workspace":
            return str(self.workspace)
        if expression == "runner.temp":
            return str(self.temp)
        match = re.fullmatch(r"steps\.(?P<step>[\w-]+)\.outputs\.(?P<output>[\w-]+)", expression)
        if match:
            return self.outputs.get(match.group("step"), {}).get(match.group("output"), "")
        raise AssertionError(f"the test runner does not know the expression {expression!r}")

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group("expr")), text)

    def condition(self, text: str | None) -> bool:
        if text is None:
            return True
        result = True
        for term in text.split("&&"):
            match = CONDITION.match(term.strip())
            assert match, f"the test runner cannot evaluate `if: {text}`"
            result = result and self.value(match.group("left")) == match.group("right")
        return result

    def run(self, first: int = 0) -> int:
        """Run the steps from the `first` on (1: after the install, in a runner that did it)."""
        for step in ACTION["runs"]["steps"][first:]:
            if not self.condition(step.get("if")):
                continue
            if "uses" in step:
                self.uses.append({"uses": step["uses"], "with": {k: self.substitute(str(v)) for k, v in step.get("with", {}).items()}})
                continue
            code = self.shell(step)
            if code != 0:
                return code
        return 0

    def shell(self, step: dict) -> int:
        assert step["shell"] == "bash"
        output, path_file = self.temp / "output", self.temp / "path"
        output.write_text("")
        path_file.write_text("")
        env = {
            **self.env,
            **{k: self.substitute(str(v)) for k, v in step.get("env", {}).items()},
            "GITHUB_OUTPUT": str(output),
            "GITHUB_PATH": str(path_file),
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_WORKSPACE": str(self.workspace),
            "RUNNER_TEMP": str(self.temp),
            "PATH": os.pathsep.join([*self.path, self.env["PATH"]]),
        }
        cwd = self.workspace / self.substitute(step.get("working-directory", "."))
        script = self.temp / "step.sh"
        script.write_text(self.substitute(step["run"]))
        # as GitHub runs a bash step
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        self.annotations += [line for line in result.stdout.splitlines() if line.startswith("::")]
        self.log = getattr(self, "log", "") + result.stdout + result.stderr
        if "id" in step:
            pairs = [line.split("=", 1) for line in output.read_text().splitlines() if "=" in line]
            self.outputs[step["id"]] = dict(pairs)
        self.path = [line for line in path_file.read_text().splitlines() if line][::-1] + self.path
        return result.returncode


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    workspace = tmp_path_factory.mktemp("workspace")
    (workspace / ".git").mkdir()  # the root of a checkout
    shutil.copytree(REPO / "examples" / "flask-shop", workspace / "services" / "shop")
    return workspace


@pytest.fixture(scope="module")
def finished_run(checkout, tmp_path_factory):
    runner = Runner(checkout, tmp_path_factory.mktemp("runner"), {"working-directory": "services/shop", "python": sys.executable})
    code = runner.run()
    return runner, code


def test_the_action_is_a_composite_of_shell_steps_and_the_upload():
    assert ACTION["runs"]["using"] == "composite"
    uses = [step["uses"] for step in ACTION["runs"]["steps"] if "uses" in step]
    assert [u.split("@")[0] for u in uses] == ["github/codeql-action/upload-sarif"]
    for step in ACTION["runs"]["steps"]:
        for expression in EXPRESSION.findall(json.dumps(step)):
            if expression.startswith("inputs."):
                assert expression.removeprefix("inputs.") in ACTION["inputs"], expression


def test_the_action_installs_annotates_uploads_and_fails_on_findings(finished_run, checkout):
    runner, code = finished_run
    assert code == 1, runner.log  # the last step fails the job: the example has findings
    assert "scalelint, version" in runner.log  # installed from the checkout, in its own venv
    assert Path(runner.path[0]).parent.name == "scalelint-venv"
    outputs = runner.outputs["scan"]
    assert outputs["exit-code"] == "1" and outputs["findings"] == "7"
    # annotations on the diff, with paths from the repository's root though it ran in services/shop
    files = sorted({re.search(r"file=([^,]+)", a).group(1) for a in runner.annotations if a.startswith("::warning") or a.startswith("::error file")})
    assert files == ["services/shop/Dockerfile", "services/shop/Procfile", "services/shop/shop/db.py", "services/shop/shop/views.py"]
    assert any(a.startswith("::error title=scalelint::scalelint reported 7 finding(s)") for a in runner.annotations)
    # the upload would get the SARIF file the scan wrote, with the same root-relative paths
    (upload,) = runner.uses
    assert upload["with"]["category"] == "scalelint"
    sarif = Path(upload["with"]["sarif_file"])
    assert sarif == checkout / "services" / "shop" / "scalelint.sarif"
    log = json.loads(sarif.read_text(encoding="utf-8"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "services/shop/shop/db.py" in uris and all(uri.startswith("services/shop/") for uri in uris)


def test_the_action_passes_a_clean_project_and_stops_on_a_config_error(finished_run, checkout):
    installed, _ = finished_run

    def again(**inputs) -> Runner:
        runner = Runner(checkout, installed.temp, {"working-directory": "services/shop", **inputs})
        assert "Install" in ACTION["runs"]["steps"][0]["name"]
        runner.path = installed.path  # the same job: scalelint is installed, on PATH
        runner.code = runner.run(first=1)
        return runner

    clean = again(args=". --select SCL0", **{"upload-sarif": "false"})
    assert clean.code == 0, clean.log
    assert clean.outputs["scan"]["findings"] == "0" and clean.uses == []
    broken = again(args=". --select SCL999")
    assert broken.code == 2 and "unknown rule" in broken.log
    assert broken.uses == []  # nothing uploaded after a usage error
