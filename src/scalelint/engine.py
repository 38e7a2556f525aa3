"""discover → read → extract facts (parallel, cached) → Project → rules → filter → sort."""

from __future__ import annotations

import os
import sys
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
from scalelint.filenames import printable
from scalelint.filtering import filter_diagnostics
from scalelint.project import Project
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


def _pool_context():
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


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
    pending: list[tuple[str, int, int, tuple[str, str, bytes, str]]] = []
    total = len(files)
    for file in files:
        stat = _stat(file)
        if sources is not None and file.rel in sources:
            if not isinstance(stat, OSError):
                cache.by_stat(file.rel, *stat)  # keeps the file's on-disk entry for the next run
            result[file.rel] = extract_file(file.rel, file.kind, sources[file.rel].encode("utf-8", "surrogatepass"), sql_dialect)
            continue
        if isinstance(stat, OSError):
            data, problem = None, ParseProblem(f"cannot read: {reading.describe(stat)}", Span(1, 1, 1, 2))
        else:
            cached = cache.by_stat(file.rel, *stat)
            if cached is not None:
                result[file.rel] = cached
                continue
            data, problem = _read(file)
        if data is None:
            facts = FileFacts(path=file.rel, kind=file.kind)
            facts.problems.append(problem)
            result[file.rel] = facts
            continue
        key = content_key(data, printable(file.rel), file.kind)  # a name that is not UTF-8 cannot be hashed as it is
        cached = cache.by_key(file.rel, key, *stat)
        if cached is not None:
            result[file.rel] = cached
        else:
            pending.append((key, stat[0], stat[1], (file.rel, file.kind, data, sql_dialect)))
    done = total - len(pending)
    progress("read", done, total)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    jobs_list = [job for *_, job in pending]
    computed: list[FileFacts] = []

    def record(facts: FileFacts) -> None:
        computed.append(facts)
        progress("read", done + len(computed), total)

    if len(pending) >= PARALLEL_THRESHOLD and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
                for facts in pool.map(_extract_job, jobs_list, chunksize=8):
                    record(facts)
        except BrokenProcessPool:
            # A worker died (a native crash in a parser): redo the work here, where a Python
            # exception becomes an SCL001 for the one file instead of losing every result.
            computed.clear()
            for job in jobs_list:
                record(_extract_job(job))
    else:
        for job in jobs_list:
            record(_extract_job(job))
    for (key, size, mtime_ns, job), facts in zip(pending, computed):
        result[job[0]] = facts
        if not any(problem.message.startswith(TOOK_TOO_LONG) for problem in facts.problems):
            cache.put(job[0], key, size, mtime_ns, facts)  # a slow run is no reason to skip the file next time
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


def lint(
    targets: list[Path],
    settings: Settings,
    *,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    sources: Mapping[Path, str] | None = None,
) -> Report:
    """`sources`: text standing in for files on disk, by path (see collect_facts); a path
    that does not exist yet is linted as a new file of the project."""
    progress = progress or _no_progress
    root = settings.root.resolve()
    unreadable: list[tuple[str, ParseProblem]] = []
    files = walk(root, settings.exclude + settings.extend_exclude, settings.respect_gitignore, unreadable)
    overrides = _overrides(root, files, sources) if sources else None
    cache = FactsCache(cache_dir, root, settings.fingerprint())
    facts = collect_facts(files, cache, jobs, settings.sql_dialect, progress=progress, sources=overrides)
    for rel, problem in unreadable:  # directories, .gitignore lines, paths too long: SCL001 too
        facts.setdefault(rel, FileFacts(path=rel, kind="unreadable")).problems.append(problem)
    report = Report(root=root)
    progress("model", 0, 1)
    project = Project.build(root, facts, settings)
    if overrides:
        # rules that quote the user's code (messages, fix edits) read it through Project.source:
        # the text standing in for a file must be what they read, not the file on disk
        project._sources.update(overrides)
    progress("model", 1, 1)
    enabled = settings.enabled_codes()
    raw = run_rules(project, settings, enabled, report.internal_errors, progress)
    wanted = _selected_paths(root, targets, facts)
    report.files = len(wanted)
    report.diagnostics = filter_diagnostics(raw, project, settings, enabled, wanted)
    return report


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
