"""Flask-Login: `current_user` is whatever the app's user loader returns (the type inference of
the call graph follows it: `current_user.unread_count()` runs the project `User` method)."""

from __future__ import annotations

CURRENT_USER = frozenset({"flask_login.current_user", "flask_login.utils.current_user"})
# `@login_manager.user_loader` / `@login_manager.request_loader`: the method name
LOADER_DECORATORS = frozenset({"user_loader", "request_loader"})
