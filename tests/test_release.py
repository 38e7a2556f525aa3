"""Release-ready: the sdist and the wheel build (offline) and pass `twine check --strict`; the
wheel carries the LICENSE, the rule specs, the config schema and py.typed; the metadata has the
project URLs and classifiers that match `requires-python`; no snippet names a placeholder
owner or another repository than `[project.urls]`; the version has its changelog section and
any tag on the current commit is `v<version>` (docs/releasing.md)."""

from __future__ import annotations

import email
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from scalelint import __version__, registry

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
REPOSITORY = PYPROJECT["project"]["urls"]["Repository"]
SNIPPET_FILES = sorted([REPO / "README.md", REPO / "CHANGELOG.md", REPO / "action.yml", REPO / ".pre-commit-hooks.yaml", *(REPO / "docs").glob("*.md"), *(REPO / "examples").rglob("*.md")])


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: hatchling is a test dependency, and the build must not need the network
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def wheel(dist: Path) -> zipfile.ZipFile:
    (path,) = dist.glob("scalelint-*.whl")
    return zipfile.ZipFile(path)


def test_twine_check_is_clean(dist):
    files = sorted(str(p) for p in dist.iterdir())
    assert len(files) == 2
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_wheel_has_what_the_package_reads_at_run_time(dist):
    names = set(wheel(dist).namelist())
    for rule in registry.all_rules():
        assert f"scalelint/specs/{rule.name}.md" in names, rule.code
    assert "scalelint/schemas/scalelint.schema.json" in names
    assert "scalelint/py.typed" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert "scalelint/lsp/server.py" in names


def test_the_metadata_has_license_urls_and_classifiers(dist):
    archive = wheel(dist)
    (metadata_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    metadata = email.message_from_bytes(archive.read(metadata_name))
    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "MIT"
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL"))
    assert urls["Repository"] == REPOSITORY and all(url.startswith(REPOSITORY) for url in urls.values())
    classifiers = metadata.get_all("Classifier")
    minimum = tuple(int(x) for x in re.search(r">=\s*(\d+)\.(\d+)", metadata["Requires-Python"]).groups())
    versions = sorted(tuple(int(x) for x in c.rsplit(" ", 1)[1].split(".")) for c in classifiers if re.match(r"Programming Language :: Python :: 3\.\d+$", c))
    assert versions and versions[0] == minimum, "the oldest Python classifier is requires-python's"
    assert "lsp" in metadata.get_all("Provides-Extra")
    assert "Typing :: Typed" in classifiers


def test_the_sdist_carries_the_action_license_and_changelog(dist):
    (path,) = dist.glob("scalelint-*.tar.gz")
    with tarfile.open(path) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"action.yml", "LICENSE", "CHANGELOG.md", "pyproject.toml", "README.md"} <= names


def test_no_placeholder_owner_and_one_repository_url():
    """Every snippet that names scalelint's repository names the one in [project.urls]."""
    owner, name = REPOSITORY.removeprefix("https://github.com/").split("/")[:2]
    for path in SNIPPET_FILES:
        text = path.read_text(encoding="utf-8")
        assert "OWNER/" not in text and "REV" not in re.findall(r"@(\w+)", text), path
        for found in re.findall(r"github\.com/([\w.-]+)/scalelint\b", text):
            assert found == owner, f"{path.relative_to(REPO)} names github.com/{found}/scalelint"
        for found in re.findall(r"^\s*-?\s*uses:\s*([\w.-]+)/scalelint@", text, re.MULTILINE):
            assert found == owner, f"{path.relative_to(REPO)}: uses {found}/scalelint"


def test_the_version_has_its_changelog_section_and_tag():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\]", changelog, re.MULTILINE), f"CHANGELOG.md has no ## [{__version__}]"
    try:
        tags = subprocess.run(["git", "tag", "--points-at", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("no git")
    if tags.returncode != 0:
        pytest.skip("not a git checkout (an sdist)")
    for tag in tags.stdout.split():
        if tag.startswith("v") and tag[1:2].isdigit():
            assert tag == f"v{__version__}", f"the commit is tagged {tag} but __version__ is {__version__}"


def test_snippets_pin_a_release_tag():
    """`rev:` in pre-commit snippets and `@` in Action and pip snippets name a vX.Y.Z tag."""
    for path in SNIPPET_FILES:
        text = path.read_text(encoding="utf-8")
        for ref in re.findall(r"scalelint/scalelint@([\w.-]+)", text) + re.findall(r"^\s*rev:\s*(\S+)", text, re.MULTILINE):
            assert re.fullmatch(r"v\d+\.\d+\.\d+", ref), f"{path.relative_to(REPO)}: {ref}"
