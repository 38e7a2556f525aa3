"""Request handlers that each user calls rarely: a cost paid once per call is no load there.

A fixed cost per request (a new HTTP client and its TLS handshake, a COUNT of a table) matters
where requests are many: the pages and API calls people use all day.
Some endpoints are called once in a while by each user, whatever the traffic: changing or
resetting a password, signing up, confirming an address, an OAuth callback, logging in; or by
operators: health checks, install and debug pages, test sends; or to move data: imports and
exports. Readers who did not write the rules judged such findings not worth a change (a client
per OAuth callback, a COUNT on an install page), so SCL303 and SCL401 stay silent on code that
only such endpoints reach. Not SCL502: an email sent inline is a hang waiting to happen on the
sign-up itself, and teams do move those to a queue (flaskbb's sign-up and reset mails).

The evidence is the handler's own name (function, method and class) and its URL rule, split in
words: `ChangePasswordResource.post`, `proton_callback`, `/api/health`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalelint.project.cardinality import words

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.callgraph import Root

__all__ = ["rare_reason"]

_RARE = {
    # a user's account, once in a while
    "password": "a password change or reset", "passwd": "a password change or reset", "reset": "a reset",
    "forgot": "a password reset", "recover": "an account recovery", "recovery": "an account recovery",
    "register": "a sign-up", "registration": "a sign-up", "signup": "a sign-up", "activate": "an account activation",
    "activation": "an account activation", "verify": "a verification", "verification": "a verification",
    "confirm": "a confirmation", "confirmation": "a confirmation", "deactivate": "an account deactivation",
    "unsubscribe": "an unsubscribe", "oauth": "an OAuth flow", "oauth2": "an OAuth flow", "callback": "an OAuth or webhook callback",
    "sso": "a single sign-on", "saml": "a single sign-on", "oidc": "a single sign-on", "login": "a log-in",
    "logout": "a log-out", "signin": "a log-in", "signout": "a log-out", "otp": "a second-factor step",
    "totp": "a second-factor step", "mfa": "a second-factor step",
    # operators
    "health": "a health check", "healthcheck": "a health check", "healthz": "a health check",
    "readiness": "a health check", "liveness": "a health check", "ping": "a health check", "install": "an install page",
    "setup": "a set-up page", "debug": "a debug page", "test": "a test the operator runs", "telemetry": "a telemetry report",
    # moving data
    "import": "an import", "export": "an export", "backup": "a backup", "restore": "a restore",
}


def rare_reason(project: "Project", root: "Root") -> str | None:
    """Why users call the handler at `root` rarely ("a password change or reset"), or None."""
    qual = root.context or root.qualname
    names = [qual.rsplit(".", 1)[-1]]
    if root.context:
        names.append(root.qualname.rsplit(".", 1)[-1])  # the method: `ResetView.post`
    elif "." in root.qualname:
        owner = root.qualname.rsplit(".", 2)
        if len(owner) == 3 and owner[1][:1].isupper():
            names.append(owner[1])  # a method's class
    for h in project.handlers.of(root.qualname):
        if h.route:
            names.append(h.route)
    for name in names:
        for word in words(name):
            if word in _RARE:
                return f"{_RARE[word]}, which each user calls rarely"
    return None
