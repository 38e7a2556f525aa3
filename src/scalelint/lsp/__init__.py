"""scalelint's language server (`scalelint server`, or `python -m scalelint.lsp`): findings,
fixes, suppressions and rule explanations in any editor that speaks the Language Server
Protocol. Needs the `lsp` extra (`pip install 'scalelint[lsp]'`): pygls and lsprotocol."""

from __future__ import annotations


def serve() -> None:
    from scalelint.lsp.server import serve as _serve

    _serve()


__all__ = ["serve"]
