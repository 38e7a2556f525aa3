"""Django admin registrations: which `ModelAdmin` class serves which model.

`admin.site.register(Book, BookAdmin)` (or a project AdminSite's `register`) and
`@admin.register(Book)` make a changelist page, a change form and the admin's own views for the
model. Django calls the admin class's methods (`get_queryset`, `changelist_view`, `save_model`,
the `list_display` callables...) on those staff-only requests, so each method the class (or a
project base) defines is a handler of kind "admin"; what its changelist runs per listed row is
evaluated in `project.admin_views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.facts import Span
from scalelint.frameworks import django_admin as dja

if TYPE_CHECKING:
    from scalelint.project.handlers import _Builder

__all__ = ["KIND", "Registration", "registrations", "wire"]

KIND = "admin"  # the handler kind of a registered admin's methods


@dataclass(frozen=True)
class Registration:
    admin: str  # the ModelAdmin subclass (project qualname)
    model: str  # the model, as the registration names it (qualified where imports allow)
    path: str  # the file that registers it
    span: Span  # the register call or decorator (the class name for a decorator)


def registrations(b: "_Builder") -> list[Registration]:
    """Every admin registration of a project class that is a ModelAdmin."""
    out: list[Registration] = []
    for path, site in b.sites:
        if site.via != dja.REGISTRATION:
            continue
        admin = b._class(site.target)
        if admin is not None and _is_model_admin(b, admin):
            out.extend(Registration(admin, model, path, site.span) for model in site.args)
    for admin, (path, cls) in b.classes.items():
        for d in cls.decorators:
            head, _, rest = d.partition("(")
            if head in dja.REGISTER_DECORATORS and rest.endswith(")") and _is_model_admin(b, admin):
                out.append(Registration(admin, rest[:-1], path, cls.span))
    return out


def _is_model_admin(b: "_Builder", admin: str) -> bool:
    """A registered class derives from a ModelAdmin: Django's (`ModelAdmin`, `UserAdmin`,
    `GISModelAdmin`), or a package's (`ImportExportModelAdmin`, `SimpleHistoryAdmin`), which
    `register` requires of it; their names all end in "Admin"."""
    return any(r.rsplit(".", 1)[-1].endswith(dja.ADMIN_SUFFIX) for r in b.roots(admin))


def wire(b: "_Builder", regs: list[Registration]) -> None:
    """Each method a registered admin defines (or a project base does) answers staff requests."""
    from scalelint.project.handlers import Handler

    done: set[str] = set()
    for reg in regs:
        if reg.admin in done:
            continue
        done.add(reg.admin)
        for name, mq in sorted(b._defined(reg.admin).items()):
            found = b.functions.get(mq)
            if found is None or name.startswith("__"):
                continue
            path, fn = found
            b._add(Handler(mq, path, "django", KIND, fn.is_async, reg.span, None, (), False, reg.admin, reg.path))
