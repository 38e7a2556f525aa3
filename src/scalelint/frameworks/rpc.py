"""Decorators that make a plain function a request handler with no route of its own in the
project: django-modernrpc's `@rpc_method` (its entry point view dispatches JSON-RPC and XML-RPC
calls to them) and Pyramid's `@view_config` (found by `config.scan()`)."""

from __future__ import annotations

# decorator -> framework (FRAMEWORK_NAMES key)
HANDLER_DECORATORS = {
    "modernrpc.core.rpc_method": "modernrpc",
    "modernrpc.rpc_method": "modernrpc",
    "pyramid.view.view_config": "pyramid",
}
NAMES = {"modernrpc": "django-modernrpc", "pyramid": "Pyramid"}
