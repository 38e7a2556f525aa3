"""What the travel shop's pages do with SQLAlchemy, one function per way of doing it.

tests/execution runs every `case_*(session)` function against SQLite with N trips and counts the
statements, and runs scalelint on this project: a function whose statement count grows with N
must be reported (SCL101 n-plus-one or SCL102 query-in-loop) and a function with a constant
count must not.
"""

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session, contains_eager, joinedload, raiseload, selectinload, subqueryload

from .models import Booking, Company, Owner, Region, Review, Trip

STATUSES = ["draft", "open", "full"]
SEATS_BOOKED = text("SELECT coalesce(sum(seats), 0) FROM booking WHERE trip_id = :trip_id")


def _describe(trip):
    return f"{trip.name} by {trip.company.name}"


# ---------------------------------------------------------------- lazy relations read per row


# loop over select() rows, reading a many-to-one relationship of each row
def case_loop_reads_many_to_one(session: Session):
    names = []
    for trip in session.scalars(select(Trip)).all():
        names.append(trip.company.name)
    return names


# list comprehension reading a many-to-one relationship of each row
def case_comprehension_reads_many_to_one(session: Session):
    return [trip.company.name for trip in session.scalars(select(Trip).order_by(Trip.name))]


# many-to-many collection (secondary=, lazy="select") read on each row
def case_collection_per_row(session: Session):
    return {trip.name: [tag.name for tag in trip.tags] for trip in session.scalars(select(Trip))}


# collection made by a classic backref="bookings" read on each row
def case_backref_collection_per_row(session: Session):
    return [sum(b.seats for b in trip.bookings) for trip in session.scalars(select(Trip))]


# lazy="dynamic" relationship queried on each row
def case_dynamic_relationship_per_row(session: Session):
    return {owner.name: owner.companies.count() for owner in session.scalars(select(Owner))}


# legacy Query API loop reading a relationship of each row
def case_legacy_query_loop(session: Session):
    return [trip.company.name for trip in session.query(Trip).all()]


# statement kept in a variable and narrowed with .where() (no loader option), then looped
def case_statement_variable(session: Session):
    stmt = select(Trip)
    stmt = stmt.where(Trip.status == "open").order_by(Trip.id.desc())
    return [trip.company.name for trip in session.scalars(stmt)]


# nested loops: companies, then each company's trips, then each trip's tags
def case_nested_loops(session: Session):
    rows = []
    for company in session.scalars(select(Company)):
        for trip in company.trips:
            rows.append((company.name, trip.name, len(trip.tags)))
    return rows


# a model property that reads a relationship, used in the loop
def case_model_property_per_row(session: Session):
    return [trip.company_label for trip in session.scalars(select(Trip))]


# a model method that runs a query, called in the loop
def case_model_method_per_row(session: Session):
    return {trip.id: trip.review_count() for trip in session.scalars(select(Trip))}


# a helper function given each row reads the row's relationship
def case_helper_per_row(session: Session):
    return [_describe(trip) for trip in session.scalars(select(Trip))]


# generator expression inside sum() reading a collection of each row
def case_generator_in_sum(session: Session):
    return sum(len(trip.tags) for trip in session.scalars(select(Trip)))


# eager load for one relationship, but the loop reads another
def case_eager_load_other_relationship(session: Session):
    trips = session.scalars(select(Trip).options(selectinload(Trip.tags))).all()
    return [(len(trip.tags), trip.company.name) for trip in trips]


# joinedload(Trip.company) loads one level; the loop reads two
def case_eager_chain_stops_short(session: Session):
    trips = session.scalars(select(Trip).options(joinedload(Trip.company))).all()
    return [trip.company.owner.name for trip in trips]


# ---------------------------------------------------------------- statements executed per row


# session.get() for each id of a list read from the database
def case_get_per_id(session: Session):
    company_ids = session.scalars(select(Trip.company_id)).all()
    names = []
    for company_id in company_ids:
        names.append(session.get(Company, company_id).name)
    return names


# session.scalars() for each row of another query
def case_scalars_per_row(session: Session):
    result = {}
    for trip in session.scalars(select(Trip)):
        result[trip.name] = session.scalars(select(Booking.seats).where(Booking.trip_id == trip.id)).all()
    return result


# a Core text() query executed for each id
def case_text_query_per_row(session: Session):
    counts = {}
    for trip_id in session.scalars(select(Trip.id)).all():
        sql = text("SELECT count(*) FROM booking WHERE trip_id = :trip_id")
        counts[trip_id] = session.execute(sql, {"trip_id": trip_id}).scalar_one()
    return counts


# a text() statement kept in a module-level constant, executed for each row
def case_constant_text_per_row(session: Session):
    return {trip.name: session.execute(SEATS_BOOKED, {"trip_id": trip.id}).scalar() for trip in session.scalars(select(Trip))}


# raw SQL in an f-string, executed for each row
def case_fstring_sql_per_row(session: Session):
    counts = {}
    for trip in session.scalars(select(Trip)):
        counts[trip.name] = session.execute(text(f"SELECT count(*) FROM review WHERE trip_id = {int(trip.id)}")).scalar()
    return counts


# the driver's own SQL through the session's Core connection, for each row
def case_driver_sql_per_row(session: Session):
    conn = session.connection()
    rows = conn.execute(text("SELECT id FROM trip")).fetchall()
    return [conn.exec_driver_sql("SELECT count(*) FROM booking WHERE trip_id = ?", (row.id,)).scalar() for row in rows]


# one GROUP BY statement for every trip, looked up per row
def case_text_group_by_once(session: Session):
    seats = dict(session.execute(text("SELECT trip_id, sum(seats) FROM booking GROUP BY trip_id")).all())
    return {trip.name: seats.get(trip.id, 0) for trip in session.scalars(select(Trip))}


# a text() statement per status of a constant list: as many statements whatever the rows
def case_text_per_constant_status(session: Session):
    return {status: session.execute(text("SELECT count(*) FROM trip WHERE status = :s"), {"s": status}).scalar() for status in STATUSES}


# session.add() and commit() for each row
def case_add_commit_per_row(session: Session):
    for trip_id in session.scalars(select(Trip.id)).all():
        session.add(Review(trip_id=trip_id, stars=5))
        session.commit()


# ---------------------------------------------------------------- look-alikes that stay bounded


# joinedload() for the relationship the loop reads
def case_joinedload(session: Session):
    trips = session.scalars(select(Trip).options(joinedload(Trip.company))).all()
    return [trip.company.name for trip in trips]


# selectinload() for the collection the loop reads
def case_selectinload(session: Session):
    trips = session.scalars(select(Trip).options(selectinload(Trip.tags))).all()
    return {trip.name: [tag.name for tag in trip.tags] for trip in trips}


# subqueryload() for the backref collection the loop reads
def case_subqueryload(session: Session):
    trips = session.scalars(select(Trip).options(subqueryload(Trip.bookings))).all()
    return [len(trip.bookings) for trip in trips]


# selectinload chain, read two levels deep
def case_selectinload_chain(session: Session):
    stmt = select(Trip).options(selectinload(Trip.company).selectinload(Company.owner))
    return [trip.company.owner.name for trip in session.scalars(stmt)]


# joinedload chain, read two levels deep
def case_joinedload_chain(session: Session):
    stmt = select(Trip).options(joinedload(Trip.company).joinedload(Company.owner))
    return [trip.company.owner.name for trip in session.scalars(stmt)]


# contains_eager() for a relationship the statement joins
def case_contains_eager(session: Session):
    stmt = select(Trip).join(Trip.company).where(Company.country == "FR").options(contains_eager(Trip.company))
    return [trip.company.name for trip in session.scalars(stmt)]


# relationship configured lazy="joined"
def case_lazy_joined_relationship(session: Session):
    return [trip.guide.name for trip in session.scalars(select(Trip))]


# relationship configured lazy="selectin"
def case_lazy_selectin_relationship(session: Session):
    return [sum(review.stars for review in trip.reviews) for trip in session.scalars(select(Trip))]


# tuple rows of columns
def case_tuple_rows(session: Session):
    return [f"{row.id}: {row.name}" for row in session.execute(select(Trip.id, Trip.name))]


# tuple rows of a join
def case_tuple_rows_with_join(session: Session):
    stmt = select(Trip.name, Company.name).join(Trip.company)
    return [f"{trip} by {company}" for trip, company in session.execute(stmt)]


# the foreign key column needs no load
def case_foreign_key_column(session: Session):
    return [trip.company_id for trip in session.scalars(select(Trip))]


# raiseload("*") with no relationship read
def case_raiseload_without_relationship_read(session: Session):
    return [trip.name for trip in session.scalars(select(Trip).options(raiseload("*")))]


# aggregate computed by the database, one row per trip
def case_grouped_count(session: Session):
    stmt = select(Trip.name, func.count(Review.id)).outerjoin(Trip.reviews).group_by(Trip.id)
    return dict(session.execute(stmt).all())


# a single object, then its relationships
def case_single_object(session: Session):
    trip = session.scalars(select(Trip).where(Trip.name == "trip 0")).one()
    return trip.company.name, [tag.name for tag in trip.tags]


# session.get() of one object, then its relationship
def case_single_get(session: Session):
    company = session.get(Company, 1)
    return company.name, company.owner.name


# loop over a collection reading the back-reference (already in the identity map)
def case_collection_back_reference(session: Session):
    region = session.scalars(select(Region).where(Region.name == "Alps")).one()
    return [(trip.name, trip.region.name) for trip in region.trips]


# loop over a Python constant, with the one query before the loop
def case_constant_list_one_query_before(session: Session):
    statuses = session.scalars(select(Trip.status)).all()
    return {status: statuses.count(status) for status in STATUSES}


# one query per item of a constant list (bounded by the list, not the data)
def case_query_per_constant(session: Session):
    counts = {}
    for status in STATUSES:
        counts[status] = session.scalar(select(func.count(Trip.id)).where(Trip.status == status))
    return counts


# one executemany INSERT for rows built in a loop
def case_bulk_insert(session: Session):
    trip_ids = session.scalars(select(Trip.id)).all()
    session.execute(insert(Review), [{"trip_id": trip_id, "stars": 4} for trip_id in trip_ids])
    session.commit()


# one UPDATE for every matching row
def case_bulk_update(session: Session):
    session.execute(update(Trip).where(Trip.status == "draft").values(status="open"))
    session.commit()
