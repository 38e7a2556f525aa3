"""The language server: scalelint's findings in the editor, from the same engine as the CLI.

- On open and on save, every open document of a project is linted in one run of
  `scalelint.api.lint` over that project (so saving the Procfile refreshes the pool finding in
  `db.py`), with the editors' texts standing in for the files on disk. The runs happen on a
  worker thread, one at a time; a save during a run asks for one more run after it.
- Code actions: the fix of a finding (safe ones preferred; unsafe ones say so), a
  `scalelint: ignore[CODE]` suppression on the line, and `source.fixAll.scalelint` for every
  safe fix in the file.
- Hover on a finding, or on a code in a suppression comment, shows the rule's explanation.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import PositionCodec

from scalelint import __version__, reading
from scalelint.diagnostics import Diagnostic
from scalelint.lsp import convert

log = logging.getLogger("scalelint.lsp")

FIX_ALL = "source.fixAll.scalelint"
_CODE_IN_COMMENT = re.compile(r"(?:scalelint:\s*ignore(?:-file)?\[[^\]]*|noqa:[A-Za-z0-9_,\s-]*)", re.IGNORECASE)
_HOVER_END = re.compile(r"^## (Example|Look-alike|Use instead|Known)", re.MULTILINE)


@dataclass
class Linted:
    """What the last run found in one document, and the text it read."""

    version: int | None
    text: str
    findings: list[tuple[Diagnostic, types.Diagnostic]] = field(default_factory=list)


class ScalelintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("scalelint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.linted: dict[str, Linted] = {}
        self._lock = asyncio.Lock()
        self._again = False

    # --- documents --------------------------------------------------------------------

    def codec(self) -> PositionCodec:
        return PositionCodec(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def open_documents(self) -> dict[str, tuple[str, str, int | None]]:
        """path -> (uri, text, version) of every open file:// document."""
        found = {}
        for uri, document in self.workspace.text_documents.items():
            path = to_fs_path(uri) if uri.startswith("file:") else None
            if path:
                found[os.path.abspath(path)] = (uri, document.source, document.version)
        return found

    def positions_for(self, path: str) -> convert.Positions:
        """Positions in a file as the editor has it (open) or as it is on disk."""
        absolute = convert.absolute(path)
        text = self.open_documents().get(absolute, (None, None, None))[1]
        if text is None:
            try:
                text = reading.read_text(absolute, errors="replace")
            except OSError:
                text = ""
        return convert.Positions(text, self.codec())

    # --- linting ----------------------------------------------------------------------

    async def lint_open_documents(self) -> None:
        if self._lock.locked():
            self._again = True  # the running lint read older texts: one more run after it
            return
        async with self._lock:
            while True:
                self._again = False
                documents = self.open_documents()
                texts = {path: text for path, (_, text, _) in documents.items()}
                loop = asyncio.get_running_loop()
                results = await loop.run_in_executor(None, lint_documents, texts)
                self.publish(results, documents)
                if not self._again:
                    break

    def publish(self, results: dict[str, list[Diagnostic] | str], documents: dict[str, tuple[str, str, int | None]]) -> None:
        errors = set()
        for path, found in results.items():
            uri, text, version = documents[path]
            if isinstance(found, str):  # a configuration error: say it (once), show nothing stale
                if found not in errors:
                    self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"scalelint: {found}"))
                    errors.add(found)
                found = []
            positions = convert.Positions(text, self.codec())
            pairs = [(d, convert.to_lsp(d, positions, self.positions_for)) for d in found]
            self.linted[uri] = Linted(version, text, pairs)
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[lsp for _, lsp in pairs], version=version)
            )

    def current(self, uri: str) -> Linted | None:
        """The last results for `uri`, if they are for the text the editor has now."""
        linted = self.linted.get(uri)
        document = self.workspace.text_documents.get(uri)
        if linted is None or document is None or document.source != linted.text:
            return None
        return linted


def lint_documents(documents: dict[str, str]) -> dict[str, list[Diagnostic] | str]:
    """One `api.lint` per project over its open documents: path -> findings (or the error)."""
    from scalelint import api

    by_root: dict[Path, list[str]] = {}
    settings_for: dict[Path, object] = {}
    results: dict[str, list[Diagnostic] | str] = {}
    for path in documents:
        try:
            settings = api.load_settings([Path(path)])
        except api.ConfigError as error:
            results[path] = str(error)
            continue
        root = settings.root.resolve()
        by_root.setdefault(root, []).append(path)
        settings_for[root] = settings
    for root, paths in by_root.items():
        sources = {path: documents[path] for path in paths}
        try:
            report = api.lint(paths, settings_for[root], sources=sources)
        except api.ConfigError as error:
            results.update({path: str(error) for path in paths})
            continue
        except Exception as error:  # noqa: BLE001 - a scalelint bug must not take the editor's server down
            log.exception("scalelint failed on %s", root)
            results.update({path: f"internal error: {type(error).__name__}: {error} (please report this bug)" for path in paths})
            continue
        found: dict[str, list[Diagnostic]] = {path: [] for path in paths}
        for d in report.diagnostics:
            found.setdefault(convert.absolute(d.path), []).append(d)
        results.update({path: found.get(path, []) for path in paths})
    return results


server = ScalelintServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: ScalelintServer, params: types.DidOpenTextDocumentParams) -> None:
    await ls.lint_open_documents()


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: ScalelintServer, params: types.DidSaveTextDocumentParams) -> None:
    await ls.lint_open_documents()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ScalelintServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.linted.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
)
def code_action(ls: ScalelintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    from scalelint import noqa
    from scalelint.fixes import applicable, apply_edits

    uri = params.text_document.uri
    linted = ls.current(uri)
    if linted is None:
        return []
    only = params.context.only
    actions: list[types.CodeAction] = []
    positions = convert.Positions(linted.text, ls.codec())
    path = os.path.abspath(to_fs_path(uri) or "")
    kind = noqa.kind_of(path)
    if not only or any(k.startswith(types.CodeActionKind.QuickFix) for k in only):
        for d, lsp in linted.findings:
            if not convert.overlaps(lsp.range, params.range):
                continue
            if applicable(d, unsafe=True):
                unsafe = d.fix.applicability == "unsafe"  # type: ignore[union-attr]
                actions.append(
                    types.CodeAction(
                        title=f"Fix {d.code}: {d.fix.title}" + (" (unsafe: may change behaviour)" if unsafe else ""),  # type: ignore[union-attr]
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp],
                        is_preferred=not unsafe,
                        edit=types.WorkspaceEdit(changes=convert.text_edits(list(d.fix.edits), ls.positions_for)),  # type: ignore[union-attr]
                    )
                )
            if kind and d.code not in noqa.NOT_SUPPRESSED:
                suppressed = noqa.suppress(linted.text, kind, d.span.line, [d.code])
                if suppressed is not None:
                    actions.append(
                        types.CodeAction(
                            title=f"Suppress {d.code} ({d.name}) on this line",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[lsp],
                            edit=types.WorkspaceEdit(changes={uri: [convert.replacement(linted.text, suppressed, positions)]}),
                        )
                    )
    if not only or any(FIX_ALL.startswith(k) for k in only):
        safe = [e for d, _ in linted.findings if applicable(d, unsafe=False) for e in d.fix.edits if convert.absolute(e.path) == path]  # type: ignore[union-attr]
        fixed, count = apply_edits(linted.text, safe)
        if count:
            actions.append(
                types.CodeAction(
                    title="Fix all safe scalelint findings in this file",
                    kind=FIX_ALL,
                    edit=types.WorkspaceEdit(changes={uri: [convert.replacement(linted.text, fixed, positions)]}),
                )
            )
    return actions


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: ScalelintServer, params: types.HoverParams) -> types.Hover | None:
    from scalelint import registry

    uri = params.text_document.uri
    linted = ls.current(uri)
    rules = []
    if linted is not None:
        for d, lsp in linted.findings:
            if convert.contains(lsp.range, params.position):
                rules.append((registry.rule_for(d.code), d.message))
    if not rules:
        rule = _rule_in_comment(ls, uri, params.position)
        if rule is not None:
            rules.append((rule, None))
    if not rules:
        return None
    parts = []
    for rule, message in rules:
        if rule is None:
            continue
        parts.append(explain_for_hover(rule, message))
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts))) if parts else None


def explain_for_hover(rule, message: str | None) -> str:
    """What the rule finds, why it hurts and how to fix it, without the examples; a link to the rest."""
    from scalelint.docs import explanation, rule_url

    text = explanation(rule)
    cut = _HOVER_END.search(text)
    text = text[: cut.start()].rstrip() if cut else text.rstrip()
    head = f"**{rule.code}** `{rule.name}`" + (f": {message}" if message else "")
    url = rule_url(rule)
    tail = f"\n\n[Examples and the full page]({url})" if url else ""
    return f"{head}\n\n{text}{tail}"


def _rule_in_comment(ls: ScalelintServer, uri: str, position: types.Position):
    """The rule whose code or name the cursor is on, inside `scalelint: ignore[...]` or `noqa:`."""
    from scalelint import registry

    document = ls.workspace.text_documents.get(uri)
    if document is None or position.line >= len(document.lines):
        return None
    line = document.lines[position.line]
    column = document.position_codec.position_from_client_units(document.lines, position).character
    for match in _CODE_IN_COMMENT.finditer(line):
        for word in re.finditer(r"[A-Za-z0-9-]+", match.group(0)):
            start, end = match.start() + word.start(), match.start() + word.end()
            if start <= column <= end:
                return registry.rule_for(word.group(0))
    return None


def serve() -> None:
    """Speak the protocol on stdin/stdout. Anything printed by mistake goes to stderr, never
    into the protocol's stream."""
    import sys

    logging.basicConfig(level=os.environ.get("SCALELINT_LSP_LOG", "WARNING").upper(), stream=sys.stderr)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    server.start_io(stdin, stdout)
