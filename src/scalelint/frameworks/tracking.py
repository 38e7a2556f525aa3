"""Rows a request writes for the record rather than for its response: audit trails, request and
activity logs, analytics events, page views, impressions. Which model is one is read from its
name, split into words (`AuditLog` -> audit, log; `page_view` -> page, view):

- the head noun (the last word, after generic tails such as `Entry`, `Raw`) is what counts:
  `EventPage` is a page, `AuditMixin` a mixin, `PageViewRestriction` a restriction;
- a `TRACKING_WORDS` head is enough (`Audit`, `Impression`, `TrackingRaw`, `PageView`);
- a `RECORD_WORDS` head needs a word before it from `RECORD_WORDS`, `QUALIFIERS` or
  `TRACKING_WORDS` (`RequestLog`, `LoginHistory`, `AuditLogEntry`, `EventLog`); alone it is too
  common a business noun (`Event` in a ticket shop, `WorkoutLog` in a fitness app, `Visit` in a clinic).

The rule also asks that nothing else points at the model (a tracking row is a leaf: no other
model has a foreign key to it).
"""

from __future__ import annotations

import re

TRACKING_WORDS = frozenset(
    {"audit", "audits", "auditlog", "audittrail", "analytics", "tracking", "pageview", "pageviews", "impression", "impressions", "telemetry", "clickstream"}
)
RECORD_WORDS = frozenset({"log", "logs", "logentry", "history", "event", "events", "view", "views", "visit", "visits", "hit", "hits", "click", "clicks"})
QUALIFIERS = frozenset(
    {
        "access", "request", "requests", "activity", "action", "login", "logins", "page", "api", "usage", "search",
        "download", "security", "error", "admin", "link", "ad", "track", "visitor", "session", "http", "webhook", "email",
    }
)

# Writes that insert a row: Django manager methods, SQLAlchemy session methods (`bulk_create` is
# already the batched form: one statement per request, whatever the number of rows)
DJANGO_INSERTS = frozenset({"create"})
DJANGO_SAVE = "save"
SESSION_INSERTS = frozenset({"add", "add_all"})
# methods that change the data a request is about (beside which one audit row is part of the change)
WRITES = frozenset({"create", "save", "delete", "update", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "add", "add_all", "merge"})

# words after the head noun that say nothing of what the row is: `AuditLogEntry`, `TrackingRaw`
GENERIC_TAILS = frozenset({"entry", "entries", "record", "records", "row", "rows", "raw", "item", "items", "data"})

_WORD_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def words(name: str) -> list[str]:
    """`AuditLogEntry` -> ["audit", "log", "entry"]; `page_view` -> ["page", "view"]."""
    return [w.lower() for part in name.split("_") for w in _WORD_RE.findall(part)]


def is_tracking_name(name: str) -> bool:
    """The model's head noun (its last word, after `GENERIC_TAILS`) says it records something:
    `AuditLogEntry`, `PageView`, `TrackingRaw`; not `EventPage`, `AuditMixin`, `PageViewRestriction`."""
    parts = words(name)
    tails: list[str] = []
    while len(parts) > 1 and parts[-1] in GENERIC_TAILS:
        tails.append(parts.pop())
    if not parts:
        return False
    if parts == ["log"] and tails and tails[-1] in ("entry", "entries"):
        return True  # `LogEntry`: an entry of a log (not `LogItem`, a food diary's line)
    head = parts[-1]
    if head in TRACKING_WORDS or (len(parts) > 1 and parts[-2] + head in TRACKING_WORDS):
        return True
    if head not in RECORD_WORDS:
        return False
    return any(w in QUALIFIERS or w in RECORD_WORDS or w in TRACKING_WORDS for w in parts[:-1])


# the verbs of a function that writes for the record on every call (`log_request`, `track_event`).
# Not `audit_...`: an audit of a configuration change is written when staff change something,
# rarely, which costs nothing worth moving off the request (fides' `_audit_system_changes`)
RECORDING_VERBS = frozenset({"log", "track"})
# the nouns of a class that does (`RecommendationLogger`, `EventTracker`)
RECORDER_NOUNS = frozenset({"logger", "tracker", "analytics", "telemetry"})


def is_recording_function(name: str, class_name: str | None) -> bool:
    """A function whose name says it writes a record (`log_request`, not `login` or `catalog`),
    or a method of a class whose name does (`RecommendationLogger.save`)."""
    parts = words(name)
    if parts and parts[0] in RECORDING_VERBS and len(parts) > 1:
        return True
    owner = words(class_name.rsplit(".", 1)[-1]) if class_name else []
    return bool(owner) and owner[-1] in RECORDER_NOUNS
