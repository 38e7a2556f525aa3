"""The review as Markdown, for pull-request comments and wikis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalelint.report import wording as w
from scalelint.report.architecture import Named

if TYPE_CHECKING:
    from scalelint.report import Review
    from scalelint.report.bottlenecks import Bottleneck


def render_markdown(review: "Review") -> str:
    out: list[str] = [
        f"# Scaling review: {review.title}",
        "",
        f"Written by scalelint {review.version} from the repository alone ({review.files} files read, nothing run). "
        f"Every value below names the file and line it came from; what the repository does not state is *unknown*, "
        f"with the setting that would decide it.",
        "",
    ]
    _architecture(review, out)
    _capacity(review, out)
    _bottlenecks(review, out)
    _strengths(review, out)
    for message in review.internal_errors:
        out += [f"> scalelint could not finish one analysis: {message}", ""]
    for message in review.notes:
        out += [f"> Note: {message}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _architecture(review: "Review", out: list[str]) -> None:
    a = review.architecture
    out += ["## Architecture found", "", "### Web processes", ""]
    if not a.processes:
        out += ["No deployment file or script starts a web server that scalelint recognises.", ""]
    else:
        out += [
            "| Process | Server | Workers | Threads | Worker class | Instances | Requests at once per process |",
            "|---|---|---|---|---|---|---|",
        ]
        for p in a.processes:
            kind = "" if p.production else " (development)"
            out.append(
                f"| `{_cell(p.name)}` in {p.located}{kind} | {p.server} | {_cell(w.fact(p.workers, p.server))} | {_cell(w.fact(p.threads, p.server))} "
                f"| {_cell(w.fact(p.worker_class, p.server))} | {_cell(w.fact(p.instances))} | {p.concurrency if p.concurrency is not None else w.UNKNOWN} |"
            )
        out.append("")
    db = a.database
    out += ["### Database", "", f"- {db.value}: {db.source}" + (f" ({db.where})" if db.where else ""), ""]
    out += ["### Connection pools", ""]
    if not a.pools:
        out += ["No connection pool is created in the production code.", ""]
    else:
        out += ["| Pool | Library | Connections per process | Used by |", "|---|---|---|---|"]
        for pool in a.pools:
            capacity = f"{pool.capacity} ({pool.what})" if pool.capacity is not None else f"{w.UNKNOWN} ({pool.what})"
            used = ", ".join(p.where for p in pool.processes) or (f"none: {pool.one_off}" if pool.one_off else "no web process found")
            out.append(f"| {pool.where} | {pool.library} | {_cell(capacity)} | {used} |")
        out.append("")
    for title, items, empty in (
        ("Frameworks", a.frameworks, "No request handler found."),
        ("ORMs", a.orms, "No ORM model found."),
        ("Caches", a.caches, "No cache is configured in the production settings, and no cache client is imported by the production code."),
        ("Task workers", a.workers, "No deployment file starts a task-queue worker."),
    ):
        out += [f"### {title}", ""]
        out += [_named(n) for n in items] or [empty]
        out.append("")


def _named(n: Named) -> str:
    return f"- {n.name}: {n.detail} ({n.where})"


def _capacity(review: "Review", out: list[str]) -> None:
    c = review.capacity
    out += ["## Capacity", ""]
    limit = c.max_connections
    out += [f"Database max_connections: {w.number(limit)}" + (f"; {w.decided_by(limit)}" if not limit.known else ""), ""]
    if not c.processes:
        out += ["No production web process: nothing to add up.", ""]
    for entry in c.processes:
        out += [f"### {w.process_title(entry.process)}", ""]
        for label, n, why in w.capacity_rows(entry):
            out.append(f"- {label}: {w.number(n)}" + (f"; {why}" if why else ""))
        for d in entry.pools:
            out += [
                f"- Pool {d.pool.where}: {w.number(d.per_process)} connections per process, {w.number(d.per_instance)} per instance, "
                f"{w.number(d.fleet)} for the fleet",
                f"  - Binds first in one process: {d.binds}",
                f"  - Instances before the pools fill max_connections: {w.number(d.instances_to_max)}",
                "  - Traffic growth served by more instances: " + "; ".join(w.growth(g) for g in d.growth),
            ]
        out.append("")


def _bottlenecks(review: "Review", out: list[str]) -> None:
    out += ["## Bottlenecks, ranked", ""]
    if not review.bottlenecks:
        out += ["scalelint found nothing to report.", ""]
        return
    out += [f"{review.findings} finding{'s' if review.findings != 1 else ''}, the same as `scalelint` prints, grouped by where they run, worst first.", ""]
    out += ["| # | Where | Findings | Estimate (first finding that has one) |", "|---|---|---|---|"]
    for number, group in enumerate(review.bottlenecks, 1):
        out.append(f"| {number} | {_cell(group.heading(_code))} | {group.codes} | {_cell(group.estimate)} |")
    out.append("")
    for number, group in enumerate(review.bottlenecks, 1):
        out += [f"### {number}. {group.heading(_code)}", ""]
        for item in group.findings:
            out += _finding(item)


def _code(text: str) -> str:
    return f"`{text}`"


def _finding(item: "Bottleneck") -> list[str]:
    d = item.diagnostic
    lines = [
        f"**{d.code} {d.name}** ({d.severity}, {d.confidence} confidence) at {d.path}:{d.span.line}",
        "",
        d.message,
        "",
    ]
    if item.excerpt:
        lines += ["```", item.excerpt, "```", ""]
    for related in d.related:
        lines.append(f"- {related.path}:{related.line}: {related.message}")
    if d.fix is not None:
        lines.append(f"- Fix: {d.fix.title}")
    lines.append("")
    return lines


def _strengths(review: "Review", out: list[str]) -> None:
    out += ["## What is already right", ""]
    out += [f"- {s.what} ({s.where})" for s in review.strengths] or ["Nothing the model can vouch for yet."]
    out.append("")
