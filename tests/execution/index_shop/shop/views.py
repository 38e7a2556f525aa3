"""One route per way of filtering. tests/execution/test_index_plans.py runs each `case_*`
against SQLite, reads the plan of every query it sends, and checks that missing-index (SCL601)
or non-sargable-predicate (SCL603) reports exactly the routes whose plan scans a whole table."""

from datetime import datetime

from flask import Blueprint, jsonify
from sqlalchemy import func, select

from .db import Session
from .models import Event, Organizer, Signup, Trip

bp = Blueprint("shop", __name__)
SINCE = datetime(2026, 1, 1)


@bp.get("/events/lyon")
def case_events_by_city_and_time():
    return jsonify([e.id for e in Session.scalars(select(Event).where(Event.city == "Lyon", Event.start_time >= SINCE).limit(20))])


@bp.get("/signups")
def case_signup_by_email():
    return jsonify([s.id for s in Session.scalars(select(Signup).where(Signup.email == "a@example.com"))])


@bp.get("/trips/city")
def case_trips_by_second_column_of_an_index():
    return jsonify([t.id for t in Session.scalars(select(Trip).where(Trip.city == "Lyon").limit(20))])


@bp.get("/organizers/name")
def case_organizer_by_name():
    return jsonify([o.id for o in Session.query(Organizer).filter(Organizer.name == "Ada").limit(5)])


@bp.get("/trips/destination")
def case_trips_by_indexed_column():
    return jsonify([t.id for t in Session.scalars(select(Trip).where(Trip.destination == "Lyon").limit(20))])


@bp.get("/trips/country")
def case_trips_by_leading_column_of_an_index():
    return jsonify([t.id for t in Session.scalars(select(Trip).where(Trip.country == "FR").limit(20))])


@bp.get("/organizers/email")
def case_organizer_by_unique_email():
    return jsonify([o.id for o in Session.query(Organizer).filter_by(email="ada@example.com").limit(1)])


@bp.get("/events/organizer")
def case_events_by_indexed_foreign_key():
    return jsonify([e.id for e in Session.scalars(select(Event).where(Event.organizer_id == 1).limit(20))])


@bp.get("/organizers/email/any-case")
def case_organizer_by_lowered_unique_email():
    return jsonify([o.id for o in Session.scalars(select(Organizer).where(func.lower(Organizer.email) == "ada@example.com"))])


@bp.get("/events/one")
def case_event_by_primary_key():
    return jsonify([e.id for e in Session.scalars(select(Event).where(Event.id == 1))])
