"""pluggy (FlaskBB, datasette, pytest-style plugin systems): `pm.hook.NAME(...)` on a
`PluginManager` runs every function named NAME that a `HookimplMarker` decorates. Dispatch is by
name, so the call graph follows it, but only from a receiver known to be a plugin manager."""

from __future__ import annotations

PLUGIN_MANAGERS = frozenset({"pluggy.PluginManager", "pluggy._manager.PluginManager", "pluggy.manager.PluginManager"})
HOOKIMPL_MARKERS = frozenset({"pluggy.HookimplMarker", "pluggy._hooks.HookimplMarker", "pluggy.hooks.HookimplMarker"})
HOOK_ATTRIBUTE = "hook"
