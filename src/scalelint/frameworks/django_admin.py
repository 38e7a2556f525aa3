"""The Django admin: `ModelAdmin` classes registered for a model, and what their changelist page
runs for each row it lists (`list_display`)."""

from __future__ import annotations

# `admin.site.register(Model, AdminClass)` and `@admin.register(Model)`; a project AdminSite's
# `register` is the same method
REGISTER_METHOD = "register"
REGISTER_DECORATORS = frozenset({"django.contrib.admin.register", "django.contrib.admin.decorators.register"})
# the site-wide registration record in the facts (RouteSite.via)
REGISTRATION = "django.contrib.admin.site.register"

# the framework classes a registered admin derives from are named so: Django's ModelAdmin,
# UserAdmin, GISModelAdmin, and packages' ImportExportModelAdmin, SimpleHistoryAdmin...
ADMIN_SUFFIX = "Admin"

# class attributes the changelist reads
ADMIN_ATTRIBUTES = ("list_display", "list_select_related", "list_per_page")
LIST_PER_PAGE = 100  # ModelAdmin.list_per_page's default
STR = "__str__"
