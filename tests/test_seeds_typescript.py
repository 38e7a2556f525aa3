"""Seed 004 (shared/seeds/004, "Mundo Tango"): an Express + Drizzle + PostgreSQL platform on one
Replit VM, reproduced in tests/fixtures/seeds/004-mundotango. Every bottleneck its scaling
review names that code shows is flagged; the review's own "GOOD" patterns are not.

What the review names that the code cannot show: read replicas, Redis for sessions, a CDN.
The `pg` Pool of `max: 20` is named as a thing to watch, not a fault: one process cannot hold
more than 20 connections of it, so no rule reports it (the fleet check of SCL302 would, with
several instances and a small `max_connections`)."""

from __future__ import annotations

from pathlib import Path

from tests.test_seeds_deploy import copy_of, findings, line_of, replace_in

SEED = Path(__file__).parent / "fixtures" / "seeds" / "004-mundotango"
ROUTES = "server/routes.ts"


def test_every_bottleneck_the_review_names_is_flagged():
    found = findings(SEED)
    expected = {
        # "BAD: N+1 query problem": one awaited query per post
        (ROUTES, line_of(SEED, ROUTES, "post.user = await db.select()"), "SCL102"),
        # "Critical indexes": posts(user_id, created_at), events(city, start_time), users(city)
        (ROUTES, line_of(SEED, ROUTES, "where(eq(posts.userId, Number(req.params.id)))"), "SCL601"),
        (ROUTES, line_of(SEED, ROUTES, "where(and(eq(events.city, city)"), "SCL601"),
        (ROUTES, line_of(SEED, ROUTES, "where(eq(users.city"), "SCL601"),
        # posts.user_id has no index of its own either, but the (user_id, created_at) the first
        # SCL601 asks for serves the key too: one index, one finding (no SCL605 beside it)
        # "Port: 5000 (single server)" on one VM: `npm run start` is `node dist/index.js`, one process
        (".replit", line_of(SEED, ".replit", 'run = ["npm", "run", "start"]'), "SCL206"),
    }
    assert expected <= found
    assert found == expected, f"reported beyond the review: {sorted(found - expected)}"


def test_the_reviews_good_patterns_are_silent():
    found = findings(SEED)
    quiet = [
        (ROUTES, "leftJoin(users"),  # "GOOD: Join query"
        (ROUTES, "orderBy(desc(events.id))"),  # the public list behind Cache-Control
        ("server/cache.ts", "where(eq(users.id, userId))"),  # the cached profile, by key
        ("server/queue.ts", "db.update(posts)"),  # the BullMQ worker's loop is not a request
    ]
    for path, text in quiet:
        line = line_of(SEED, path, text)
        assert not [f for f in found if f[0] == path and f[1] == line], (path, text)


def test_the_index_the_review_adds_silences_the_finding(tmp_path):
    root = copy_of(SEED, tmp_path)
    replace_in(
        root, "shared/schema.ts", '}, (t) => [index("idx_events_organizer").on(t.organizerId)]);',
        '}, (t) => [index("idx_events_organizer").on(t.organizerId), index("idx_events_city_time").on(t.city, t.startTime)]);',
    )
    found = findings(root)
    assert (ROUTES, line_of(root, ROUTES, "where(and(eq(events.city, city)"), "SCL601") not in found
    assert (ROUTES, line_of(root, ROUTES, "post.user = await db.select()"), "SCL102") in found


def test_autoscale_or_pm2_is_more_than_one_process(tmp_path):
    root = copy_of(SEED, tmp_path)
    replace_in(root, ".replit", 'deploymentTarget = "gce"', 'deploymentTarget = "autoscale"')
    assert not [f for f in findings(root) if f[2] == "SCL206"]
    root = copy_of(SEED, tmp_path / "pm2")
    replace_in(root, "package.json", '"start": "NODE_ENV=production node dist/index.js"', '"start": "pm2-runtime start dist/index.js -i max"')
    assert not [f for f in findings(root) if f[2] == "SCL206"]
