"""What every cost carries for the cost model: the root function that found it, the handler that
root answers requests for, the rows that drive it, and (SCL101) the relation read."""

from __future__ import annotations

from projects import build

from scalelint.project.queries import find_costs

DJANGO_MODELS = """
from django.db import models


class Organizer(models.Model):
    name = models.CharField(max_length=100)


class Event(models.Model):
    title = models.CharField(max_length=200)
    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField()


class Ticket(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tickets")
"""

DJANGO_URLS = """
from django.urls import path

from . import views

urlpatterns = [path("events/", views.event_list), path("count/", views.counted)]
"""


def _costs(files: dict[str, str], code: str):
    return [c for c in find_costs(build(files)) if c.code == code]


def test_n_plus_one_in_a_view_names_its_root_handler_rows_and_relation():
    costs = _costs(
        {
            "app/models.py": DJANGO_MODELS,
            "app/urls.py": DJANGO_URLS,
            "app/views.py": """
            from django.http import JsonResponse

            from .models import Event


            def event_list(request):
                events = Event.objects.filter(title__startswith="a")
                return JsonResponse({"names": [e.organizer.name for e in events]})


            def counted(request):
                return JsonResponse({})
            """,
        },
        "SCL101",
    )
    (cost,) = costs
    assert cost.root == "app.views.event_list"
    assert cost.handler is not None and cost.handler[1] == "django" and "event_list" in cost.handler[0]
    assert cost.rows is not None and cost.rows.model == "app.models.Event"
    assert cost.relation is not None and cost.relation.name == "organizer" and not cost.relation.many
    assert cost.relation.target == "app.models.Organizer"


def test_a_helper_called_per_row_reports_with_the_callers_root_and_loop_rows():
    costs = _costs(
        {
            "app/models.py": DJANGO_MODELS,
            "app/urls.py": DJANGO_URLS,
            "app/views.py": """
            from django.http import JsonResponse

            from .models import Event, Ticket


            def sold(event):
                return Ticket.objects.filter(event_id=event.id).count()


            def event_list(request):
                return JsonResponse({"sold": [sold(e) for e in Event.objects.all()]})


            def counted(request):
                return JsonResponse({})
            """,
        },
        "SCL102",
    )
    (cost,) = costs
    assert cost.root == "app.views.event_list"  # not the helper: the loop that repeats it is the view's
    assert cost.handler is not None and "event_list" in cost.handler[0]
    assert cost.rows is not None and cost.rows.model == "app.models.Event"
    assert cost.relation is None


def test_query_per_row_outside_handlers_has_no_handler_and_the_loop_rows():
    costs = _costs(
        {
            "app/models.py": DJANGO_MODELS,
            "app/reports.py": """
            from .models import Event, Ticket


            def tally():
                out = {}
                for event in Event.objects.order_by("id"):
                    out[event.id] = Ticket.objects.filter(event=event).count()
                return out
            """,
        },
        "SCL102",
    )
    (cost,) = costs
    assert cost.root == "app.reports.tally"
    assert cost.handler is None
    assert cost.rows is not None and cost.rows.model == "app.models.Event"


def test_one_to_many_relation_per_row_is_told_apart_from_many_to_one():
    costs = _costs(
        {
            "app/models.py": DJANGO_MODELS,
            "app/reports.py": """
            from .models import Organizer


            def tally():
                return {o.name: o.events.count() for o in Organizer.objects.all()}
            """,
        },
        "SCL101",
    )
    (cost,) = costs
    assert cost.relation.name == "events" and cost.relation.many
    assert cost.relation.target == "app.models.Event"
    assert cost.rows.model == "app.models.Organizer"


def test_whole_table_count_and_page_costs_carry_the_query_they_are_about():
    sa_models = """
    from sqlalchemy import ForeignKey, String
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


    class Base(DeclarativeBase):
        pass


    class Company(Base):
        __tablename__ = "companies"
        id: Mapped[int] = mapped_column(primary_key=True)


    class Trip(Base):
        __tablename__ = "trips"
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200))
        company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
        company: Mapped[Company] = relationship()
    """
    files = {
        "shop/models.py": sa_models,
        "shop/views.py": """
        from flask import Blueprint, jsonify, request
        from sqlalchemy import select

        from .db import Session
        from .models import Trip

        bp = Blueprint("shop", __name__)


        @bp.get("/trips")
        def all_trips():
            return jsonify([t.title for t in Session.scalars(select(Trip))])


        @bp.get("/pages")
        def paged():
            page = request.args.get("page", 1, type=int)
            query = select(Trip).order_by(Trip.id).limit(50).offset((page - 1) * 50)
            return jsonify([t.title for t in Session.scalars(query)])


        @bp.get("/count")
        def count():
            return jsonify(len(Session.scalars(select(Trip).where(Trip.title == "x")).all()))
        """,
    }
    costs = find_costs(build(files))
    by_code = {c.code: c for c in costs}
    listed, paged, counted = by_code["SCL103"], by_code["SCL604"], by_code["SCL104"]
    assert listed.root == "shop.views.all_trips" and listed.handler[1] == "flask"
    assert listed.rows.model == "shop.models.Trip" and not listed.rows.filtered
    assert paged.root == "shop.views.paged" and paged.rows.offset is not None
    assert counted.root == "shop.views.count" and counted.rows.model == "shop.models.Trip" and counted.rows.filtered


def test_serializer_method_fields_are_rooted_at_the_view_that_lists_the_rows():
    costs = _costs(
        {
            "api/models.py": DJANGO_MODELS,
            "api/views.py": """
            from rest_framework import pagination, serializers, viewsets

            from .models import Event


            class EventSerializer(serializers.ModelSerializer):
                organizer_name = serializers.SerializerMethodField()

                class Meta:
                    model = Event
                    fields = ["id", "organizer_name"]

                def get_organizer_name(self, obj):
                    return obj.organizer.name


            class Pages(pagination.PageNumberPagination):
                page_size = 50


            class EventViewSet(viewsets.ReadOnlyModelViewSet):
                queryset = Event.objects.order_by("title")
                serializer_class = EventSerializer
                pagination_class = Pages
            """,
            "api/urls.py": """
            from rest_framework.routers import DefaultRouter

            from .views import EventViewSet

            router = DefaultRouter()
            router.register("events", EventViewSet)
            urlpatterns = router.urls
            """,
        },
        "SCL101",
    )
    (cost,) = costs
    assert cost.root == "api.views.EventViewSet"
    assert cost.handler == ("`EventViewSet` (a DRF list view)", "drf")
    assert cost.rows.model == "api.models.Event" and cost.relation.name == "organizer"
