"""The review as one self-contained HTML file: inline CSS, an inline SVG of processes -> pools
-> database, no script, nothing fetched from the network. The text is the Markdown review's,
so both say the same thing; every string from the repository is escaped."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from scalelint.report import wording as w

if TYPE_CHECKING:
    from scalelint.report import Review
    from scalelint.report.architecture import Architecture

_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
h1, h2, h3 { line-height: 1.25; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; } th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } code, pre { font: 13px ui-monospace, monospace; } pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; }
.unknown { color: #9a6700; font-style: italic; } .finding { border-left: 4px solid #d0d7de; padding-left: .8rem; margin: 1rem 0; }
.error { border-color: #cf222e; } .warning { border-color: #bf8700; } .info { border-color: #0969da; } .where { color: #57606a; }
svg text { font: 12px system-ui, sans-serif; }
"""

_BOX_W, _BOX_H, _GAP = 250, 44, 16
_COLUMNS = (10, 340, 670)
_BOX_CHARS = 36  # what fits in a box at the diagram's 12px font (seen in headless Chromium)


def render_html(review: "Review") -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Scaling review: {escape(review.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Scaling review: {escape(review.title)}</h1>",
        f"<p>Written by scalelint {escape(review.version)} from the repository alone ({review.files} files read, nothing run). "
        "Every value names the file and line it came from; what the repository does not state is "
        '<span class="unknown">unknown</span>, with the setting that would decide it.</p>',
    ]
    parts += _architecture(review)
    parts += _capacity(review)
    parts += _bottlenecks(review)
    parts.append("<h2>What is already right</h2>")
    if review.strengths:
        parts.append("<ul>" + "".join(f'<li>{_inline(s.what)} <span class="where">({escape(s.where)})</span></li>' for s in review.strengths) + "</ul>")
    else:
        parts.append("<p>Nothing the model can vouch for yet.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _value(text: str) -> str:
    """Escaped, with an unknown shown as one."""
    if text.startswith(w.UNKNOWN):
        return f'<span class="unknown">{_inline(text)}</span>'
    return _inline(text)


def _inline(text: str) -> str:
    """Escaped, with the `code` spans the shared wording writes (for Markdown) set as code."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", escape(text))


def _fit(text: str, room: int = _BOX_CHARS) -> str:
    """`text` cut to what a diagram box holds, from the left: a path keeps its file and line."""
    return text if len(text) <= room else "\u2026" + text[-(room - 1) :]


def _architecture(review: "Review") -> list[str]:
    a = review.architecture
    out = ["<h2>Architecture found</h2>", diagram(a), "<h3>Web processes</h3>"]
    if a.processes:
        out.append("<table><tr><th>Process</th><th>Server</th><th>Workers</th><th>Threads</th><th>Worker class</th><th>Instances</th><th>Requests at once per process</th></tr>")
        for p in a.processes:
            kind = "" if p.production else " (development)"
            concurrency = str(p.concurrency) if p.concurrency is not None else w.UNKNOWN
            cells = [f"<code>{escape(p.name)}</code> in {escape(p.located)}{kind}", escape(p.server)]
            cells += [_value(w.fact(f, p.server)) for f in (p.workers, p.threads, p.worker_class)]
            cells += [_value(w.fact(p.instances)), _value(concurrency)]
            out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        out.append("</table>")
    else:
        out.append("<p>No deployment file or script starts a web server that scalelint recognises.</p>")
    db = a.database
    out.append(f"<h3>Database</h3><p>{escape(str(db.value))}: {_inline(db.source)}" + (f' <span class="where">({escape(db.where)})</span>' if db.where else "") + "</p>")
    out.append("<h3>Connection pools</h3>")
    if a.pools:
        out.append("<table><tr><th>Pool</th><th>Library</th><th>Connections per process</th><th>Used by</th></tr>")
        for pool in a.pools:
            capacity = f"{pool.capacity} ({pool.what})" if pool.capacity is not None else f"{w.UNKNOWN} ({pool.what})"
            used = ", ".join(p.where for p in pool.processes) or (f"none: {pool.one_off}" if pool.one_off else "no web process found")
            out.append(f"<tr><td>{escape(pool.where)}</td><td>{escape(pool.library)}</td><td>{_value(capacity)}</td><td>{escape(used)}</td></tr>")
        out.append("</table>")
    else:
        out.append("<p>No connection pool is created in the production code.</p>")
    for title, items in (("Frameworks", a.frameworks), ("ORMs", a.orms), ("Caches", a.caches), ("Task workers", a.workers)):
        out.append(f"<h3>{title}</h3>")
        if items:
            out.append("<ul>" + "".join(f"<li>{escape(n.name)}: {_inline(n.detail)} <span class=\"where\">({escape(n.where)})</span></li>" for n in items) + "</ul>")
        else:
            out.append("<p>None found.</p>")
    return out


def diagram(a: "Architecture") -> str:
    """Processes (left) -> the pools they use (middle) -> the database (right), as inline SVG."""
    processes = [p for p in a.processes if p.production]
    rows = max(len(processes), len(a.pools), 1)
    height = rows * (_BOX_H + _GAP) + _GAP
    width = _COLUMNS[2] + _BOX_W + 10
    shapes: list[str] = []
    where: dict[int, tuple[int, int]] = {}

    def box(x: int, index: int, title: str, detail: str, key: int) -> None:
        y = _GAP + index * (_BOX_H + _GAP)
        where[key] = (x, y)
        shapes.append(
            f"<g><title>{escape(title)}: {escape(detail)}</title>"  # the whole text, on hover
            f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="6" fill="#f6f8fa" stroke="#57606a"/>'
            f'<text x="{x + 8}" y="{y + 18}">{escape(_fit(title))}</text>'
            f'<text x="{x + 8}" y="{y + 35}" fill="#57606a">{escape(_fit(detail))}</text></g>'
        )

    def line(start: int, end: int) -> None:
        (x1, y1), (x2, y2) = where[start], where[end]
        shapes.insert(0, f'<line x1="{x1 + _BOX_W}" y1="{y1 + _BOX_H // 2}" x2="{x2}" y2="{y2 + _BOX_H // 2}" stroke="#8c959f" marker-end="url(#arrow)"/>')

    for index, p in enumerate(processes):
        workers = f"{p.workers.value} worker{'' if p.workers.value == 1 else 's'}" if p.workers.known else "? workers"
        box(_COLUMNS[0], index, f"{p.name} ({p.server})", f"{workers} x {p.concurrency if p.concurrency is not None else '?'} at once", id(p))
    for index, pool in enumerate(a.pools):
        box(_COLUMNS[1], index, f"pool {pool.where}", f"{pool.capacity if pool.capacity is not None else '?'} connections / process", id(pool))
    box(_COLUMNS[2], (rows - 1) // 2, str(a.database.value), a.database.where or a.database.source, id(a))
    linked = set()
    for pool in a.pools:
        for p in pool.processes:
            if id(p) in where:
                line(id(p), id(pool))
                linked.add(id(p))
        line(id(pool), id(a))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="processes, pools and database">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#8c959f"/></marker></defs>' + "".join(shapes) + "</svg>"
    )


def _capacity(review: "Review") -> list[str]:
    c = review.capacity
    limit = c.max_connections
    out = ["<h2>Capacity</h2>", f"<p>Database max_connections: {_value(w.number(limit))}" + (f" ({_inline(w.decided_by(limit))})" if not limit.known else "") + "</p>"]
    if not c.processes:
        out.append("<p>No production web process: nothing to add up.</p>")
    for entry in c.processes:
        out.append(f"<h3>{_inline(w.process_title(entry.process))}</h3><table>")
        for label, n, why in w.capacity_rows(entry):
            out.append(f"<tr><th>{label}</th><td>{_value(w.number(n))}{f' ({_inline(why)})' if why else ''}</td></tr>")
        for d in entry.pools:
            out.append(
                f"<tr><th>Pool {escape(d.pool.where)}</th><td>{_value(w.number(d.per_process))} per process; {_value(w.number(d.per_instance))} per instance; "
                f"{_value(w.number(d.fleet))} for the fleet<br>Binds first in one process: {_inline(d.binds)}<br>"
                f"Instances before the pools fill max_connections: {_value(w.number(d.instances_to_max))}<br>"
                "Traffic growth served by more instances: " + _inline("; ".join(w.growth(g) for g in d.growth)) + "</td></tr>"
            )
        out.append("</table>")
    return out


def _bottlenecks(review: "Review") -> list[str]:
    out = ["<h2>Bottlenecks, ranked</h2>"]
    if not review.bottlenecks:
        return out + ["<p>scalelint found nothing to report.</p>"]
    out.append("<table><tr><th>#</th><th>Where</th><th>Findings</th><th>Estimate (first finding that has one)</th></tr>")
    for number, g in enumerate(review.bottlenecks, 1):
        out.append(f'<tr><td><a href="#group-{number}">{number}</a></td><td>{_inline(g.heading())}</td><td>{escape(g.codes)}</td><td>{_inline(g.estimate)}</td></tr>')
    out.append("</table>")
    for number, g in enumerate(review.bottlenecks, 1):
        out.append(f'<h3 id="group-{number}">{number}. {_inline(g.heading())}</h3>')
        for item in g.findings:
            d = item.diagnostic
            out.append(f'<div class="finding {escape(d.severity)}"><p><strong>{escape(d.code)} {escape(d.name)}</strong> ({escape(d.severity)}, {escape(d.confidence)} confidence) '
                       f'<span class="where">at {escape(d.path)}:{d.span.line}</span></p><p>{_inline(d.message)}</p>')
            if item.excerpt:
                out.append(f"<pre>{escape(item.excerpt)}</pre>")
            notes = [f"{escape(r.path)}:{r.line}: {_inline(r.message)}" for r in d.related]
            if d.fix is not None:
                notes.append(f"<strong>Fix:</strong> {_inline(d.fix.title)}")
            if notes:
                out.append("<ul>" + "".join(f"<li>{n}</li>" for n in notes) + "</ul>")
            out.append("</div>")
    return out
