"""`super().get_queryset(request)` in a registered Django admin: Django's ModelAdmin.get_queryset,
every row of the admin's model (`project.admin_sites`). The evaluator asks this before it
evaluates a call, so an admin's `get_queryset` override is read as the queryset it narrows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalelint.facts import SAttr, SCall, SName
from scalelint.project import libraries as libs
from scalelint.project.values import Instance, Query

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["super_queryset"]

_METHOD = "get_queryset"


def super_queryset(frame: "Frame", sym: SCall) -> Query | None:
    func = sym.func
    if type(func) is not SAttr or func.name != _METHOD or not frame.fn.class_name or not frame.a.handlers.admins:
        return None
    inner = func.obj
    if type(inner) is not SCall or type(inner.func) is not SName or inner.func.qual != "builtins.super":
        return None
    instance = frame.binds[0] if frame.binds else None
    admin = instance.cls if type(instance) is Instance else frame.fn.class_name
    if frame.a.project.callgraph.lookup(admin, _METHOD, after=frame.fn.class_name) is not None:
        return None  # a project base's: the evaluator follows it
    return libs.every_row(frame.orm, next((r.model for r in frame.a.handlers.admins if r.admin == admin), None))
