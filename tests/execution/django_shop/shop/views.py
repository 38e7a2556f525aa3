"""What the shop's pages do with the ORM, one function per way of doing it.

tests/execution runs every `case_*` function against SQLite with N events and counts the queries,
and runs scalelint on this project: a function whose query count grows with N must be reported
(SCL101 n-plus-one or SCL102 query-in-loop) and a function with a constant count must not.
"""

from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.template.loader import render_to_string

from .models import Comment, Event, Organizer, Tag, Ticket, Venue

STATUSES = [Event.DRAFT, Event.PUBLISHED, Event.CANCELLED]


def _describe(event):
    return f"{event.title} by {event.organizer.name}"


# ---------------------------------------------------------------- lazy relations read per row


# loop over a queryset, reading a foreign key of each row
def case_loop_reads_foreign_key():
    names = []
    for event in Event.objects.all():
        names.append(event.organizer.name)
    return names


# list comprehension over a queryset, reading a foreign key of each row
def case_comprehension_reads_foreign_key():
    return [e.organizer.name for e in Event.objects.all()]


# many-to-many manager read on each row
def case_many_to_many_per_row():
    return {event.title: [tag.name for tag in event.tags.all()] for event in Event.objects.all()}


# reverse foreign key (related_name="comments") counted on each row
def case_reverse_count_per_row():
    return [(event.title, event.comments.count()) for event in Event.objects.all()]


# default reverse manager (ticket_set) read on each row
def case_default_reverse_manager_per_row():
    prices = []
    for event in Event.objects.filter(status=Event.PUBLISHED):
        prices.extend(ticket.price for ticket in event.ticket_set.all())
    return prices


# nested loops: organizers, then each organizer's events, then each event's venue
def case_nested_loops():
    rows = []
    for organizer in Organizer.objects.all():
        for event in organizer.events.all():
            rows.append((organizer.name, event.title, event.venue.name))
    return rows


# a model property that reads a relation, used in the loop
def case_model_property_per_row():
    return [event.organizer_label for event in Event.objects.all()]


# a model method that runs a query, called in the loop
def case_model_method_per_row():
    return {event.pk: event.open_ticket_count() for event in Event.objects.all()}


# a helper function given each row reads the row's relation
def case_helper_per_row():
    return [_describe(event) for event in Event.objects.order_by("title")]


# queryset kept in a variable and narrowed with .filter() (no eager load), then looped
def case_filtered_queryset_variable():
    events = Event.objects.all()
    events = events.filter(venue__isnull=False).order_by("-pk")
    total = 0
    for event in events:
        total += event.venue.capacity
    return total


# generator expression inside sum() reading a relation of each row
def case_generator_in_sum():
    return sum(event.venue.capacity for event in Event.objects.all())


# reverse one-to-one (organizer.profile) read on each row
def case_reverse_one_to_one_per_row():
    return [organizer.profile.bio for organizer in Organizer.objects.all()]


# select_related for one relation, but the loop reads another
def case_select_related_other_relation():
    return [(e.venue.name, e.organizer.name) for e in Event.objects.select_related("venue")]


# foreign key inherited from an abstract base model, read on each row
def case_inherited_foreign_key_per_row():
    return [comment.author.name for comment in Comment.objects.all()]


# ---------------------------------------------------------------- queries issued per row


# Model.objects.get() for each id of a list read from the database
def case_get_per_id():
    ids = list(Event.objects.values_list("pk", flat=True))
    titles = []
    for pk in ids:
        titles.append(Event.objects.get(pk=pk).title)
    return titles


# a filtered count for each row of another query
def case_filter_count_per_row():
    return {o.name: Event.objects.filter(organizer=o).count() for o in Organizer.objects.all()}


# .save() on each row
def case_save_per_row():
    for event in Event.objects.all():
        event.title = event.title.upper()
        event.save()


# .create() for each row
def case_create_per_row():
    for event in Event.objects.all():
        Comment.objects.create(event=event, author_id=event.organizer_id, body="Welcome!")


# ---------------------------------------------------------------- look-alikes that stay bounded


# select_related for the relation the loop reads
def case_select_related():
    return [e.organizer.name for e in Event.objects.select_related("organizer")]


# prefetch_related for the many-to-many the loop reads
def case_prefetch_related():
    events = Event.objects.prefetch_related("tags")
    return {event.title: [tag.name for tag in event.tags.all()] for event in events}


# Prefetch() object with its own queryset for the reverse relation
def case_prefetch_object():
    recent = Comment.objects.order_by("-created")
    events = Event.objects.prefetch_related(Prefetch("comments", queryset=recent))
    return [[c.body for c in event.comments.all()] for event in events]


# chained select_related("event__organizer") read two levels deep
def case_select_related_chain():
    tickets = Ticket.objects.select_related("event__organizer")
    return [(t.price, t.event.organizer.name) for t in tickets]


# select_related through a reverse one-to-one
def case_select_related_reverse_one_to_one():
    events = Event.objects.select_related("organizer__profile")
    return [event.organizer.profile.bio for event in events]


# prefetch_related chain through a foreign key of the prefetched rows
def case_prefetch_related_chain():
    events = Event.objects.prefetch_related("comments__author")
    return [[c.author.name for c in event.comments.all()] for event in events]


# the *_id column of a foreign key needs no join
def case_foreign_key_id():
    return [event.organizer_id for event in Event.objects.all()]


# .values() rows with a related column
def case_values_rows():
    return [row["organizer__name"] for row in Event.objects.values("title", "organizer__name")]


# .values_list() tuples
def case_values_list():
    return [f"{title} @ {venue}" for title, venue in Event.objects.values_list("title", "venue__name")]


# annotate() computes the per-row count in the same query
def case_annotated_count():
    return [(e.title, e.n_comments) for e in Event.objects.annotate(n_comments=Count("comments"))]


# a single object from .get(), then its relations
def case_single_object():
    event = Event.objects.get(title="event 0")
    return event.organizer.name, [tag.name for tag in event.tags.all()]


# loop over a reverse manager reading the back-reference (Django caches it)
def case_reverse_manager_back_reference():
    venue = Venue.objects.get(name="Main Hall")
    return [(event.title, event.venue.name) for event in venue.event_set.all()]


# loop over a Python constant, with the one query before the loop
def case_constant_list_one_query_before():
    statuses = [event.status for event in Event.objects.all()]
    return {status: statuses.count(status) for status in STATUSES}


# one query per item of a constant list (bounded by the list, not the data)
def case_query_per_constant():
    return {status: Event.objects.filter(status=status).count() for status in STATUSES}


# a queryset built before the loop and iterated inside it: its result cache serves every pass
def case_queryset_built_before_the_loop():
    venues = Venue.objects.all()
    return [[v.name for v in venues if v.pk == event.venue_id] for event in Event.objects.all()]


# the same, but the queryset is built inside the loop: a new one, and a query, per row
def case_queryset_built_inside_the_loop():
    rows = []
    for event in Event.objects.all():
        venues = Venue.objects.filter(capacity__gte=0)
        rows.append([v.name for v in venues if v.pk == event.venue_id])
    return rows


# a method of the model's own QuerySet class, then a relation read on each row
def case_custom_queryset_method_per_row():
    return [event.organizer.name for event in Event.objects.published()]


# the same method, with the relation loaded
def case_custom_queryset_method_select_related():
    return [event.organizer.name for event in Event.objects.published().select_related("organizer")]


# bulk_create for the rows built in a loop
def case_bulk_create():
    comments = [Comment(event=e, author_id=e.organizer_id, body="Welcome!") for e in Event.objects.all()]
    return len(Comment.objects.bulk_create(comments))


# bulk update of every row in one statement
def case_queryset_update():
    return Event.objects.filter(status=Event.DRAFT).update(status=Event.PUBLISHED)


# only() the fields the loop reads
def case_only_fields():
    return [event.title for event in Event.objects.only("title")]


# defer() a field the loop does not read
def case_defer_fields():
    return [(event.title, event.organizer_id) for event in Event.objects.defer("description")]


# tags of the many-to-many, read from the Tag side with one query
def case_tags_in_use():
    return sorted(Tag.objects.filter(events__isnull=False).distinct().values_list("name", flat=True))


# ---------------------------------------------------------------- templates the view renders


# the template reads a foreign key and a many-to-many manager of each row
def case_template_reads_relations():
    return render_to_string("shop/event_rows.html", {"events": Event.objects.all()})


# the same template, with both relations loaded by the view's query
def case_template_with_eager_loads():
    events = Event.objects.select_related("organizer").prefetch_related("tags")
    return render_to_string("shop/event_rows.html", {"events": events})


# the template calls a model method that counts a reverse manager per row
def case_template_calls_counting_method():
    return render(None, "shop/event_tickets.html", {"events": Event.objects.all()})


# the template reads only columns, and loops over dicts the view built
def case_template_reads_columns():
    rows = list(Event.objects.values("title"))
    return render(None, "shop/event_ids.html", {"events": Event.objects.all(), "rows": rows})
