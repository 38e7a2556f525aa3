"""The pinned apps and their code: read apps.toml, find each app's git directory, and write the
pinned commit's files into a folder outside this repository.

The files are written from `git ls-tree` + `git cat-file --batch` rather than `git archive`:
the snapshots that the search tool's `fetch` brings lack every blob of 4 MiB and more, and
`git archive` stops at the first missing blob. Blobs of 4 MiB and more are skipped everywhere
(a full clone too), so a run from a clone and a run from a snapshot read the same files.
Symbolic links and submodules are not written: a link may point outside the folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # scalelint depends on tomli below 3.11
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
APPS_FILE = HERE / "apps.toml"
DEFAULT_MIRROR = Path("/work/.mirror")
MAX_BLOB = 4 * 1024 * 1024  # the snapshots have no blob this big; skip it in a clone too
MARKER = ".scalelint-ecosystem"  # written into each folder this script materialised: the commit
FRAMEWORKS = ("django", "flask", "fastapi")
SETS = ("dev", "holdout")


class CorpusError(Exception):
    """An app that cannot be read (no mirror, no such commit): the run says so and goes on."""


@dataclass(frozen=True)
class App:
    name: str
    repo: str  # owner/name on GitHub
    commit: str
    framework: str
    set: str
    note: str
    subdir: str = ""  # where scalelint is run, relative to the repository root

    @property
    def target(self) -> str:
        return self.subdir or "."


def load_apps(path: Path = APPS_FILE) -> list[App]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    apps = []
    for name, table in data.get("app", {}).items():
        unknown = set(table) - {"repo", "commit", "subdir", "framework", "set", "note"}
        if unknown:
            raise CorpusError(f"{path}: [app.{name}] has unknown keys {sorted(unknown)}")
        app = App(name=name, **table)
        if app.set not in SETS or app.framework not in FRAMEWORKS or len(app.commit) != 40:
            raise CorpusError(f"{path}: [app.{name}] needs set in {SETS}, framework in {FRAMEWORKS}, a 40-hex commit")
        apps.append(app)
    return apps


# Never ask for a password: GitHub answers a missing repository with a credentials prompt.
GIT_ENV = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}


def _git(git_dir: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], stdin=subprocess.DEVNULL, capture_output=True, env=GIT_ENV, **kwargs)


def _has_commit(git_dir: Path, commit: str) -> bool:
    return _git(git_dir, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0


def git_dir(app: App, mirror: Path, clone: bool) -> Path:
    """The git directory holding the app's pinned commit: `<mirror>/<owner>+<name>/repo` (or its
    `.git` when the snapshot is a clone with a work tree); cloned there from GitHub with `clone`."""
    base = mirror / app.repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            if _has_commit(candidate, app.commit):
                return candidate
            if not clone:
                raise CorpusError(f"{candidate} has no commit {app.commit[:12]} (an older snapshot?); try --clone")
            _fetch_commit(candidate, app)
            return candidate
    if not clone:
        raise CorpusError(
            f"no git directory for {app.repo} at {base} (get it with the search tool's fetch, "
            f"pass --mirror DIR, or --clone to clone it from GitHub)"
        )
    base.parent.mkdir(parents=True, exist_ok=True)
    url = f"https://github.com/{app.repo}.git"
    print(f"{app.name}: cloning {url} into {base}", file=sys.stderr)
    result = subprocess.run(
        ["git", "clone", "--bare", "--quiet", url, str(base)], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=GIT_ENV
    )
    if result.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        raise CorpusError(f"git clone {url} failed: {result.stderr.strip()}")
    if not _has_commit(base, app.commit):
        _fetch_commit(base, app)
    return base


def _fetch_commit(git_dir: Path, app: App) -> None:
    result = _git(git_dir, "fetch", "--quiet", f"https://github.com/{app.repo}.git", app.commit, text=True)
    if result.returncode != 0 or not _has_commit(git_dir, app.commit):
        raise CorpusError(f"cannot fetch commit {app.commit[:12]} of {app.repo}: {result.stderr.strip()}")


@dataclass
class Materialised:
    root: Path
    written: int = 0
    skipped: int = 0  # blobs of MAX_BLOB and more, missing blobs, links, submodules
    reused: bool = False


def materialise(app: App, source: Path, dest: Path) -> Materialised:
    """The pinned commit's files in `dest` (emptied first), with an empty `.git` so that
    scalelint finds the project root there as it would in a checkout. A folder this script
    wrote for the same commit is reused as it is."""
    marker = dest / MARKER
    if marker.is_file() and marker.read_text().strip() == app.commit:
        return Materialised(dest, reused=True)
    if dest.exists():
        if not marker.is_file() and any(dest.iterdir()):
            raise CorpusError(f"{dest} exists and was not made by this script; not touching it")
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    listing = _git(source, "ls-tree", "-r", "-z", "-l", "--full-tree", app.commit)
    if listing.returncode != 0:
        raise CorpusError(f"git ls-tree {app.commit[:12]} failed: {listing.stderr.decode(errors='replace').strip()}")
    wanted: list[tuple[str, str, bool]] = []  # (sha, path, executable)
    done = Materialised(dest)
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha, size = meta.split()
        # A blob the snapshot lacks is listed with the size "BAD".
        if kind != b"blob" or mode not in (b"100644", b"100755") or not size.isdigit() or int(size) >= MAX_BLOB:
            done.skipped += 1
            continue
        wanted.append((sha.decode(), os.fsdecode(raw_path), mode == b"100755"))
    _write_blobs(source, dest, wanted, done)
    (dest / ".git").mkdir(exist_ok=True)
    marker.write_text(app.commit + "\n")
    return done


def _write_blobs(source: Path, dest: Path, wanted: list[tuple[str, str, bool]], done: Materialised) -> None:
    root = dest.resolve()
    with subprocess.Popen(
        ["git", f"--git-dir={source}", "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as batch:
        assert batch.stdin is not None and batch.stdout is not None
        for sha, rel, executable in wanted:
            batch.stdin.write(sha.encode() + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if len(header) != 3:  # "<sha> missing": the snapshot lacks this blob
                done.skipped += 1
                continue
            data = batch.stdout.read(int(header[2]))
            batch.stdout.read(1)  # the newline after each object
            target = (root / rel).resolve()
            if root not in target.parents:
                done.skipped += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            if executable:
                target.chmod(0o755)
            done.written += 1
        batch.stdin.close()


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
