"""The request-path bottlenecks of seed 003 (SmartTrip), on its reproduction in
tests/fixtures/seeds/003-smarttrip: `get_total_trips_count()` on every recommendation request
(SCL401), on `trip_occurrences.start_date` with no index (SCL601, the review's 4.1), and the
synchronous `rec_logger.log_request(...)` (SCL501); then the proposal's own
fixes (a Redis `cache_result` decorator, logging off the request thread) silence them.
"""

from __future__ import annotations

from test_seeds_deploy import SMARTTRIP, copy_of, findings, line_of, replace_in

FILTERS = "backend/app/services/recommendation/filters.py"
LOGGING = "backend/app/services/recommendation/logging.py"
ROUTES = "backend/app/api/v2/routes.py"

CACHE = '''import functools
import hashlib
import json
import os

import redis

redis_client = redis.from_url(os.getenv("REDIS_URL", "redis://localhost:6379/0"))


def cache_result(ttl=300, key_prefix=""):
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            key = f"{key_prefix}:{func.__name__}:{hashlib.md5((str(args) + str(kwargs)).encode()).hexdigest()}"
            cached = redis_client.get(key)
            if cached:
                return json.loads(cached)
            result = func(*args, **kwargs)
            redis_client.setex(key, ttl, json.dumps(result))
            return result

        return wrapper

    return decorator
'''


def test_the_trip_count_runs_on_every_recommendation_request():
    found = findings(SMARTTRIP)
    line = line_of(SMARTTRIP, FILTERS, "return db_session.query(TripOccurrence).join(TripTemplate)")
    assert (FILTERS, line, "SCL401") in found


def test_the_recommendation_log_is_written_inside_the_request():
    found = findings(SMARTTRIP)
    line = line_of(SMARTTRIP, LOGGING, "db_session.add(RecommendationRequest(")
    assert (LOGGING, line, "SCL501") in found


def test_the_count_filters_on_start_date_with_no_index():
    # the review's 4.1: `CREATE INDEX idx_trip_occurrence_start_date`; the count's helper is
    # judged for the recommendation request that calls it
    found = findings(SMARTTRIP)
    line = line_of(SMARTTRIP, FILTERS, "return db_session.query(TripOccurrence).join(TripTemplate)")
    assert (FILTERS, line, "SCL601") in found


def test_nothing_else_on_the_request_side():
    """The eager-loaded recommendation query, the health check and the pool stay silent."""
    found = {f for f in findings(SMARTTRIP) if f[0].startswith("backend/")}
    assert {code for _, _, code in found} == {"SCL401", "SCL501", "SCL601"}, found


def test_the_proposals_cache_decorator_silences_the_count(tmp_path):
    root = copy_of(SMARTTRIP, tmp_path)
    (root / "backend/app/core/cache.py").write_text(CACHE)
    replace_in(root, FILTERS, "from app.core.database import Base, db_session", "from app.core.cache import cache_result\nfrom app.core.database import Base, db_session")
    replace_in(root, FILTERS, "def get_total_trips_count(", '@cache_result(ttl=300, key_prefix="trips")\ndef get_total_trips_count(')
    assert not {f for f in findings(root) if f[2] == "SCL401"}


def test_logging_off_the_request_thread_silences_the_write(tmp_path):
    root = copy_of(SMARTTRIP, tmp_path)
    replace_in(root, ROUTES, "from datetime import date\n", "import threading\nfrom datetime import date\n")
    replace_in(
        root,
        ROUTES,
        "rec_logger.log_request(request_id, prefs, len(trips))",
        "threading.Thread(target=rec_logger.log_request, args=(request_id, prefs, len(trips)), daemon=True).start()",
    )
    assert not {f for f in findings(root) if f[2] == "SCL501"}
