"""The request-handler model (scalelint.project.handlers, Project.handlers): which functions
serve requests, wired the way each framework wires them, and the look-alikes that do not."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from projects import build
from scalelint.facts import SAttr, SCall, SName, Span
from scalelint.project.handlers import Handler, Handlers


def handlers(files: dict[str, str]) -> Handlers:
    return build(files).handlers


def table(hs: Handlers) -> set[tuple]:
    """(qualname, framework, kind, route, methods) of every handler."""
    return {(h.qualname, h.framework, h.kind, h.route, h.methods) for h in hs.all}


def names(hs: Handlers, kind: str | None = None) -> set[str]:
    return {h.qualname for h in hs.all if kind is None or h.kind == kind}


# --- Flask / Quart ------------------------------------------------------------------------------

FLASK_APP = {
    "shop/__init__.py": "",
    "shop/app.py": """
        from flask import Flask
        from celery import Celery
        from flask_caching import Cache

        app = Flask(__name__)
        celery = Celery(__name__)
        cache = Cache(app)
        settings = {"a": 1}

        @app.route("/")
        def index():
            return "ok"

        @app.get("/health")
        @cache.cached(timeout=30)
        def health():
            return "ok"

        @celery.task
        def send_mail():
            ...

        @cache.get("key")  # some other library's decorator that happens to be called get
        def cached_value():
            ...

        @settings.get("a")
        def also_not():
            ...
    """,
    "shop/main/__init__.py": """
        from flask import Blueprint

        main = Blueprint("main", __name__)

        from . import views  # noqa: E402  (the classic Flask layout)
    """,
    "shop/main/views.py": """
        import click
        from flask.views import MethodView
        from . import main
        from ..app import app

        @main.route("/events", methods=["GET", "POST"])
        def events():
            ...

        @main.before_app_request
        def load_user():
            ...

        @app.context_processor
        def inject_cart():
            return {}

        @app.template_filter("money")
        def money(value):
            return value

        class UserAPI(MethodView):
            def get(self, user_id):
                ...

            async def delete(self, user_id):
                ...

            def helper(self):
                ...

        class EventView:  # named like a view, derived from nothing
            def get(self):
                ...

        class Orders(MethodView):
            def get(self):
                ...

        class Refunds(Orders):  # a subclass wires nothing on its own base
            pass

        main.add_url_rule("/users/<int:user_id>", view_func=UserAPI.as_view("users"))
        orders_view = Orders.as_view("orders")
        main.add_url_rule("/orders", view_func=orders_view)

        @click.command()
        def cli():
            ...
    """,
    "tests/test_views.py": """
        from shop.app import app

        @app.route("/only-in-tests")
        def test_route():
            ...
    """,
}


def test_flask_routes_across_modules_and_look_alikes():
    hs = handlers(FLASK_APP)
    assert table(hs) == {
        ("shop.app.index", "flask", "route", "/", ("GET",)),
        ("shop.app.health", "flask", "route", "/health", ("GET",)),
        ("shop.main.views.events", "flask", "route", "/events", ("GET", "POST")),
        ("shop.main.views.load_user", "flask", "middleware", None, ()),
        ("shop.main.views.inject_cart", "flask", "context-processor", None, ()),
        ("shop.main.views.money", "flask", "template-tag", None, ()),
        ("shop.main.views.UserAPI.get", "flask", "view", "/users/<int:user_id>", ("GET",)),
        ("shop.main.views.UserAPI.delete", "flask", "view", "/users/<int:user_id>", ("DELETE",)),
        ("shop.main.views.Orders.get", "flask", "view", "/orders", ("GET",)),
        ("shop.main.views.Orders.get", "flask", "view", None, ("GET",)),  # for Refunds, an unwired leaf
    }
    for look_alike in ("shop.app.send_mail", "shop.app.cached_value", "shop.app.also_not", "shop.main.views.EventView.get", "shop.main.views.cli"):
        assert not hs.is_handler(look_alike), look_alike
    assert not hs.is_handler("tests.test_views.test_route")  # test files serve no traffic

    [index] = hs.of("shop.app.index")
    assert index == Handler(
        "shop.app.index", "shop/app.py", "flask", "route", False, Span(11, 2, 11, 16), "/", ("GET",), wired_at="shop/app.py"
    )
    [delete] = hs.of("shop.main.views.UserAPI.delete")
    assert delete.is_async and delete.view_class == "shop.main.views.UserAPI"
    assert delete.span == Span(44, 1, 44, 78) and delete.wired_at == "shop/main/views.py"  # the add_url_rule call


def test_flask_app_factory_subclassed_blueprints_and_factory_made_apps():
    hs = handlers(
        {
            "web/__init__.py": """
                from flask import Flask

                def create_app():
                    app = Flask(__name__)

                    @app.route("/")
                    def home():
                        ...

                    @app.teardown_appcontext
                    def shutdown(exc):
                        ...

                    return app
            """,
            "web/blueprints.py": """
                from flask import Blueprint

                class ApiBlueprint(Blueprint):
                    pass

                api = ApiBlueprint("api", __name__)

                def register(bp: Blueprint):
                    @bp.route("/registered")
                    def registered():
                        ...
            """,
            "web/api.py": """
                from .blueprints import api

                @api.post("/items")
                def create_item():
                    ...
            """,
            "wsgi.py": """
                from web import create_app

                application = create_app()

                @application.route("/late")
                def late():
                    ...
            """,
        }
    )
    assert table(hs) == {
        ("web.create_app.home", "flask", "route", "/", ("GET",)),
        ("web.create_app.shutdown", "flask", "middleware", None, ()),
        ("web.blueprints.register.registered", "flask", "route", "/registered", ("GET",)),
        ("web.api.create_item", "flask", "route", "/items", ("POST",)),
        ("wsgi.late", "flask", "route", "/late", ("GET",)),
    }


def test_flask_resource_classes_routed_by_namespaces_apis_and_smorest_blueprints():
    hs = handlers(
        {
            "api.py": """
                from flask_restx import Namespace, Resource
                from flask_restful import Api, Resource as RestfulResource
                from flask_smorest import Blueprint
                from flask.views import MethodView

                ns = Namespace("pets")
                api = Api()
                blp = Blueprint("items", __name__)

                @ns.route("/pets/<int:pet_id>")
                class Pet(Resource):
                    def get(self, pet_id):
                        ...

                class Todo(RestfulResource):
                    def put(self, todo_id):
                        ...

                api.add_resource(Todo, "/todos/<todo_id>")

                @blp.route("/items")
                class Items(MethodView):
                    def post(self):
                        ...
            """
        }
    )
    assert table(hs) == {
        ("api.Pet.get", "flask", "view", "/pets/<int:pet_id>", ("GET",)),
        ("api.Todo.put", "flask", "view", "/todos/<todo_id>", ("PUT",)),
        ("api.Items.post", "flask", "view", "/items", ("POST",)),
    }


def test_quart_handlers_are_async_quart_handlers():
    hs = handlers(
        {
            "app.py": """
                from quart import Quart

                app = Quart(__name__)

                @app.route("/")
                async def index():
                    ...

                @app.before_serving  # start-up, not a request
                async def startup():
                    ...
            """
        }
    )
    [h] = hs.all
    assert (h.qualname, h.framework, h.kind, h.is_async) == ("app.index", "quart", "route", True)


def test_flask_appbuilder_exposed_methods():
    hs = handlers(
        {
            "views.py": """
                from flask_appbuilder import BaseView, expose
                from flask_appbuilder.api import BaseApi, expose as api_expose

                class Dashboard(BaseView):
                    @expose("/list/")
                    def list(self):
                        ...

                class ChartApi(BaseApi):
                    @api_expose("/<pk>", methods=("GET", "PUT"))
                    def get(self, pk):
                        ...
            """
        }
    )
    assert table(hs) == {
        ("views.Dashboard.list", "flask", "route", "/list/", ("GET",)),
        ("views.ChartApi.get", "flask", "route", "/<pk>", ("GET", "PUT")),
    }


# --- FastAPI / Starlette ------------------------------------------------------------------------


FASTAPI_APP = {
    "api/__init__.py": "",
    "api/deps.py": """
        from typing import Annotated
        from fastapi import Depends, Header

        def get_db():
            yield object()

        def get_settings():
            return {}

        async def current_user(db=Depends(get_db), token: str = Header()):
            ...

        CurrentUser = Annotated[dict, Depends(current_user)]

        def verify_key(settings=Depends(get_settings)):
            ...

        def unused_provider():
            ...

        def helper(db=Depends(unused_provider)):  # not a route: its Depends never run
            ...
    """,
    "api/routers/items.py": """
        from fastapi import APIRouter, Depends
        from api.deps import CurrentUser, get_db, verify_key

        class VersionedRouter(APIRouter):
            pass

        router = VersionedRouter(prefix="/items", dependencies=[Depends(verify_key)])

        @router.get("/")
        async def list_items(user: CurrentUser, db=Depends(get_db)):
            ...

        @router.api_route("/bulk", methods=["PUT", "PATCH"])
        def bulk(user: CurrentUser):
            ...

        def export():
            ...

        router.add_api_route("/export", export, methods=["GET"])
    """,
    "api/main.py": """
        from fastapi import FastAPI, Request
        from starlette.middleware.base import BaseHTTPMiddleware
        from api.routers import items

        app = FastAPI()
        app.include_router(items.router)

        @app.middleware("http")
        async def add_timing(request: Request, call_next):
            return await call_next(request)

        class Timing(BaseHTTPMiddleware):
            async def dispatch(self, request, call_next):
                return await call_next(request)

        class RawAsgi:
            def __init__(self, app):
                self.app = app

            async def __call__(self, scope, receive, send):
                await self.app(scope, receive, send)

        app.add_middleware(RawAsgi)

        @app.websocket("/ws")
        async def ws(websocket):
            ...

        @app.on_event("startup")
        async def startup():
            ...
    """,
}


def test_fastapi_routes_dependencies_and_middleware():
    hs = handlers(FASTAPI_APP)
    assert table(hs) == {
        ("api.routers.items.list_items", "fastapi", "route", "/", ("GET",)),
        ("api.routers.items.bulk", "fastapi", "route", "/bulk", ("PUT", "PATCH")),
        ("api.routers.items.export", "fastapi", "route", "/export", ("GET",)),
        ("api.main.add_timing", "fastapi", "middleware", None, ()),
        ("api.main.ws", "fastapi", "route", "/ws", ("WEBSOCKET",)),
        ("api.main.Timing.dispatch", "starlette", "middleware", None, ()),
        ("api.main.RawAsgi.__call__", "fastapi", "middleware", None, ()),
        # Depends reachable from a route: through parameters, an Annotated alias, a router's
        # dependencies=[...], and the providers' own parameters
        ("api.deps.get_db", "fastapi", "dependency", None, ()),
        ("api.deps.current_user", "fastapi", "dependency", None, ()),
        ("api.deps.verify_key", "fastapi", "dependency", None, ()),
        ("api.deps.get_settings", "fastapi", "dependency", None, ()),
    }
    assert not hs.is_handler("api.deps.unused_provider") and not hs.is_handler("api.main.startup")
    assert all(h.is_async for h in hs.of("api.deps.current_user"))
    # one dependency handler per Depends(...) that wires it
    assert {h.wired_at for h in hs.of("api.deps.get_db")} == {"api/deps.py", "api/routers/items.py"}


def test_starlette_route_lists_endpoints_and_mounts():
    hs = handlers(
        {
            "app.py": """
                from starlette.applications import Starlette
                from starlette.endpoints import HTTPEndpoint
                from starlette.routing import Mount, Route
                from starlette.staticfiles import StaticFiles

                async def homepage(request):
                    ...

                class Users(HTTPEndpoint):
                    async def get(self, request):
                        ...

                    async def post(self, request):
                        ...

                    def _helper(self):
                        ...

                routes = [
                    Route("/", homepage),
                    Route("/users", Users),
                    Mount("/static", StaticFiles(directory="static")),
                ]
                app = Starlette(routes=routes)
            """
        }
    )
    assert table(hs) == {
        ("app.homepage", "starlette", "route", "/", ("GET",)),
        ("app.Users.get", "starlette", "view", "/users", ("GET",)),
        ("app.Users.post", "starlette", "view", "/users", ("POST",)),
    }


# --- Django -------------------------------------------------------------------------------------

DJANGO_SETTINGS = {
    "config/__init__.py": "",
    "config/settings/__init__.py": "",
    "config/settings/base.py": """
        INSTALLED_APPS = ["shop"]
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "shop.middleware.TimingMiddleware",
            "shop.middleware.tenant_middleware",
        ]
        TEMPLATES = [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {"context_processors": ["django.template.context_processors.request", "shop.context.cart"]},
            }
        ]
    """,
    "config/settings/production.py": """
        from .base import *

        MIDDLEWARE += ["shop.middleware.AuditMiddleware"]
    """,
    "config/settings/dev.py": """
        from .base import *

        MIDDLEWARE += ["shop.middleware.DebugOnlyMiddleware"]
    """,
    "config/wsgi.py": """
        import os
        from django.core.wsgi import get_wsgi_application

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
        application = get_wsgi_application()
    """,
}

DJANGO_SHOP = {
    **DJANGO_SETTINGS,
    "shop/__init__.py": "",
    "shop/models.py": """
        from django.db import models

        class Event(models.Model):
            title = models.CharField(max_length=100)
    """,
    "shop/middleware.py": """
        from django.utils.deprecation import MiddlewareMixin

        class TimingMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                return self.get_response(request)

            def helper(self):
                ...

        class AuditMiddleware(MiddlewareMixin):
            def process_request(self, request):
                ...

            def process_response(self, request, response):
                return response

        class DebugOnlyMiddleware(MiddlewareMixin):
            def process_request(self, request):
                ...

        def tenant_middleware(get_response):
            def middleware(request):
                return get_response(request)

            return middleware
    """,
    "shop/context.py": """
        def cart(request):
            return {}
    """,
    "shop/base_views.py": """
        from django.views import generic

        class ShopListView(generic.ListView):
            paginate_by = 20
    """,
    "shop/views.py": """
        from django.http import HttpResponse
        from django.urls import path
        from django.views import View
        from django.views.generic import DetailView, TemplateView
        from .base_views import ShopListView
        from .models import Event

        def index(request):
            return HttpResponse("ok")

        async def live(request):
            return HttpResponse("ok")

        class EventList(ShopListView):
            model = Event

        class EventDetail(DetailView):
            model = Event

            def get_context_data(self, **kwargs):
                return super().get_context_data(**kwargs)

        class Checkout(View):
            def post(self, request):
                ...

            def dispatch(self, request, *args, **kwargs):
                return super().dispatch(request, *args, **kwargs)

        class About(TemplateView):
            template_name = "about.html"

        class Contact(TemplateView):
            template_name = "contact.html"

        contact = Contact.as_view()  # wired below under this name

        class ReportView:  # a view by name only
            def get(self, request):
                ...

        helper_patterns = [path("not-mounted/", index)]  # a path() outside urlpatterns
    """,
    "shop/urls.py": """
        from django.contrib.auth.decorators import login_required
        from django.urls import path
        from . import views

        app_name = "shop"
        urlpatterns = [
            path("", views.index, name="index"),
            path("live/", login_required(views.live)),
            path("events/", views.EventList.as_view(), name="events"),
            path("events/<int:pk>/", views.EventDetail.as_view()),
            path("checkout/", views.Checkout.as_view()),
            path("contact/", views.contact),
        ]
    """,
    "shop/templatetags/__init__.py": "",
    "shop/templatetags/shop_tags.py": """
        from django import template

        register = template.Library()

        @register.simple_tag
        def cart_count():
            ...

        @register.inclusion_tag("menu.html", takes_context=True)
        def menu(context):
            ...

        def shout(value):
            return value.upper()

        register.filter("shout", shout)
    """,
    "shop/signals.py": """
        from django.db.models.signals import post_save
        from django.dispatch import Signal, receiver

        order_paid = Signal()

        @receiver(post_save, sender="shop.Event")
        def on_event_saved(sender, instance, **kwargs):
            ...

        @receiver(order_paid)
        def on_paid(sender, **kwargs):
            ...
    """,
    "shop/apps.py": """
        from django.apps import AppConfig
        from django.db.models.signals import pre_delete

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                from . import handlers

                pre_delete.connect(handlers.on_delete, sender="shop.Event")
    """,
    "shop/handlers.py": """
        def on_delete(sender, instance, **kwargs):
            ...
    """,
    "shop/tests/urls.py": """
        from django.urls import path
        from shop import views

        urlpatterns = [path("test-only/", views.index)]
    """,
}


def test_django_views_middleware_context_processors_tags_and_signals():
    hs = handlers(DJANGO_SHOP)
    assert table(hs) == {
        ("shop.views.index", "django", "view", "", ()),
        ("shop.views.live", "django", "view", "live/", ()),
        # a generic view whose get() the project does not write: implicit on the class
        ("shop.views.EventList.get", "django", "view", "events/", ("GET",)),
        ("shop.views.EventDetail.get", "django", "view", "events/<int:pk>/", ("GET",)),
        ("shop.views.Checkout.post", "django", "view", "checkout/", ("POST",)),
        ("shop.views.Checkout.dispatch", "django", "view", "checkout/", ()),
        ("shop.views.Contact.get", "django", "view", "contact/", ("GET",)),
        # middleware from the production settings (`+=` on the base module's list)
        ("shop.middleware.TimingMiddleware.__call__", "django", "middleware", None, ()),
        ("shop.middleware.tenant_middleware.middleware", "django", "middleware", None, ()),
        ("shop.middleware.AuditMiddleware.process_request", "django", "middleware", None, ()),
        ("shop.middleware.AuditMiddleware.process_response", "django", "middleware", None, ()),
        ("shop.context.cart", "django", "context-processor", None, ()),
        ("shop.templatetags.shop_tags.cart_count", "django", "template-tag", None, ()),
        ("shop.templatetags.shop_tags.menu", "django", "template-tag", None, ()),
        ("shop.templatetags.shop_tags.shout", "django", "template-tag", None, ()),
        ("shop.signals.on_event_saved", "django", "signal", None, ()),
        ("shop.handlers.on_delete", "django", "signal", None, ()),
    }
    assert not hs.is_handler("shop.middleware.DebugOnlyMiddleware.process_request")  # dev settings only
    assert not hs.is_handler("shop.signals.on_paid")  # the project's own signal: sent wherever it is sent
    assert not hs.is_handler("shop.views.ReportView.get")
    [event_list] = hs.of("shop.views.EventList.get")
    assert event_list.implicit and event_list.view_class == "shop.views.EventList" and event_list.path == "shop/views.py"
    assert event_list.wired_at == "shop/urls.py" and event_list.span == Span(10, 5, 10, 62)  # the path() entry
    [timing] = hs.of("shop.middleware.TimingMiddleware.__call__")
    assert timing.wired_at == "config/settings/base.py" and timing.span == Span(6, 5, 6, 39)  # the MIDDLEWARE string
    # Django generic views: what they list and whether they paginate
    assert hs.drf_view("shop.views.EventList") is None
    event_view = hs.class_view("shop.views.EventList")
    assert event_view is not None and event_view.model == "shop.models.Event" and event_view.paginated is True
    assert event_view.lists and event_view.actions == ("get",) and event_view.implicit == ("get",)
    detail = hs.class_view("shop.views.EventDetail")
    assert detail is not None and not detail.lists and detail.paginated is False
    assert not hs.is_handler("shop.views.About.get")  # an unwired TemplateView names no rows: not claimed


def test_django_class_views_reexported_by_a_views_package():
    hs = handlers(
        {
            "site/__init__.py": "",
            "site/views/__init__.py": "from .pages import *\n",
            "site/views/pages.py": """
                from django.views.generic import ListView
                from site.models import Page

                class PageList(ListView):  # no methods: known by its bases only
                    model = Page
            """,
            "site/urls.py": """
                from django.urls import path
                from site import views

                urlpatterns = [path("pages/", views.PageList.as_view())]
            """,
        }
    )
    assert table(hs) == {("site.views.pages.PageList.get", "django", "view", "pages/", ("GET",))}


def test_django_settings_without_a_production_module_use_every_settings_module():
    files = {k: v for k, v in DJANGO_SHOP.items() if not k.startswith("config/")}
    files["settings.py"] = """
        INSTALLED_APPS = ["shop"]
        DATABASES = {}
        MIDDLEWARE = ["shop.middleware.AuditMiddleware"]
    """
    hs = handlers(files)
    assert names(hs, "middleware") == {
        "shop.middleware.AuditMiddleware.process_request",
        "shop.middleware.AuditMiddleware.process_response",
    }
    assert names(hs, "context-processor") == set()


# --- Django REST framework ----------------------------------------------------------------------

DRF_SHOP = {
    "config/__init__.py": "",
    "config/settings.py": """
        INSTALLED_APPS = ["shop", "rest_framework"]
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
        REST_FRAMEWORK = {"DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination"}
    """,
    "shop/__init__.py": "",
    "shop/models.py": """
        from django.db import models

        class Event(models.Model):
            title = models.CharField(max_length=100)
    """,
    "shop/api/__init__.py": "",
    "shop/api/base.py": """
        from rest_framework import mixins, viewsets
        from shop.api.pagination import LargePages

        class ShopViewSet(viewsets.ModelViewSet):
            pagination_class = LargePages

            def list(self, request, *args, **kwargs):
                return super().list(request, *args, **kwargs)
    """,
    "shop/api/pagination.py": """
        from rest_framework.pagination import PageNumberPagination

        class LargePages(PageNumberPagination):
            page_size = 500
    """,
    "shop/api/serializers.py": """
        from rest_framework import serializers
        from shop.models import Event

        class EventSerializer(serializers.ModelSerializer):
            seats_left = serializers.SerializerMethodField()

            def get_seats_left(self, obj):
                return obj.capacity - obj.tickets.count()

        class DetailedEventSerializer(EventSerializer):
            host = serializers.SerializerMethodField(method_name="host_name")

            def host_name(self, obj):
                return obj.host.name
    """,
    "shop/api/views.py": """
        from rest_framework import generics, mixins, viewsets
        from rest_framework.decorators import action, api_view
        from rest_framework.views import APIView
        from shop.models import Event
        from .base import ShopViewSet
        from .serializers import EventSerializer

        class EventViewSet(ShopViewSet):
            queryset = Event.objects.all()
            serializer_class = EventSerializer

            @action(detail=True, methods=["post"])
            def publish(self, request, pk=None):
                ...

        class TagViewSet(viewsets.ReadOnlyModelViewSet):
            queryset = Event.objects.all()
            pagination_class = None

        class FeedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
            serializer_class = EventSerializer

            def get_queryset(self):
                return Event.objects.all()

        class EventList(generics.ListCreateAPIView):
            queryset = Event.objects.all()
            serializer_class = EventSerializer

        class CustomList(generics.ListAPIView):
            def get(self, request):
                ...

        class OwnList(generics.ListAPIView):
            def list(self, request):
                ...

        class Stats(APIView):
            def get(self, request):
                ...

        @api_view(["GET"])
        def ping(request):
            ...

        @api_view(["POST"])
        def unrouted(request):
            ...
    """,
    "shop/api/urls.py": """
        from django.urls import include, path
        from rest_framework.routers import DefaultRouter
        from . import views

        router = DefaultRouter()
        router.register(r"events", views.EventViewSet)
        router.register(r"tags", views.TagViewSet)
        router.register(r"feed", views.FeedViewSet, basename="feed")

        urlpatterns = [
            path("", include(router.urls)),
            path("list/", views.EventList.as_view()),
            path("custom/", views.CustomList.as_view()),
            path("own/", views.OwnList.as_view()),
            path("stats/", views.Stats.as_view()),
            path("ping/", views.ping),
            path("only-list/", views.EventViewSet.as_view({"get": "list"})),
        ]
    """,
}


def test_drf_viewsets_generic_views_and_implicit_actions():
    hs = handlers(DRF_SHOP)
    got = {(h.qualname, h.kind, h.route, h.methods, h.implicit) for h in hs.all if h.framework == "drf" and h.kind != "serializer-method"}
    assert got == {
        # ModelViewSet through a project base (another module): list defined there, the rest implicit
        ("shop.api.base.ShopViewSet.list", "action", "events", ("GET",), False),
        ("shop.api.views.EventViewSet.create", "action", "events", ("POST",), True),
        ("shop.api.views.EventViewSet.retrieve", "action", "events", ("GET",), True),
        ("shop.api.views.EventViewSet.update", "action", "events", ("PUT",), True),
        ("shop.api.views.EventViewSet.partial_update", "action", "events", ("PATCH",), True),
        ("shop.api.views.EventViewSet.destroy", "action", "events", ("DELETE",), True),
        ("shop.api.views.EventViewSet.publish", "action", "events", ("POST",), False),
        # as_view({"get": "list"}): that action only
        ("shop.api.base.ShopViewSet.list", "action", "only-list/", ("GET",), False),
        ("shop.api.views.TagViewSet.list", "action", "tags", ("GET",), True),
        ("shop.api.views.TagViewSet.retrieve", "action", "tags", ("GET",), True),
        ("shop.api.views.FeedViewSet.list", "action", "feed", ("GET",), True),
        ("shop.api.views.EventList.list", "action", "list/", ("GET",), True),
        ("shop.api.views.EventList.create", "action", "list/", ("POST",), True),
        ("shop.api.views.CustomList.get", "view", "custom/", ("GET",), False),  # its own get(): no implicit list
        ("shop.api.views.OwnList.list", "action", "own/", ("GET",), False),  # the inherited get() runs it
        ("shop.api.views.Stats.get", "view", "stats/", ("GET",), False),
        ("shop.api.views.ping", "view", "ping/", ("GET",), False),  # wired once, at its urls entry
        ("shop.api.views.unrouted", "view", None, ("POST",), False),  # @api_view alone: at the decorator
    }
    [publish] = hs.of("shop.api.views.EventViewSet.publish")
    assert publish.view_class == "shop.api.views.EventViewSet" and publish.wired_at == "shop/api/urls.py"
    assert {h.view_class for h in hs.of("shop.api.base.ShopViewSet.list")} == {"shop.api.views.EventViewSet"}
    assert [h.span for h in hs.of("shop.api.views.ping")] == [Span(17, 5, 17, 30)]


def test_drf_view_facts_queryset_serializer_and_pagination():
    hs = handlers(DRF_SHOP)
    events = hs.drf_view("shop.api.views.EventViewSet")
    assert events is not None and events.style == "viewset" and events.framework == "drf"
    assert isinstance(events.queryset, SCall) and isinstance(events.queryset.func, SAttr)
    assert events.queryset.func.obj == SAttr(SName("shop.models.Event"), "objects", events.queryset.func.obj.span)  # type: ignore[union-attr]
    assert events.queryset_owner == "shop.api.views.EventViewSet"
    assert events.serializer == "shop.api.serializers.EventSerializer"
    assert (events.pagination, events.paginated) == ("shop.api.pagination.LargePages", True)  # from the project base
    assert set(events.implicit) == {"create", "retrieve", "update", "partial_update", "destroy"}
    assert "list" in events.actions and "publish" in events.actions and events.lists

    tags = hs.drf_view("shop.api.views.TagViewSet")
    assert (tags.pagination, tags.paginated) == (None, False)  # type: ignore[union-attr]  # pagination_class = None
    # DEFAULT_PAGINATION_CLASS without PAGE_SIZE: DRF returns every row
    event_list = hs.drf_view("shop.api.views.EventList")
    assert (event_list.pagination, event_list.paginated) == ("rest_framework.pagination.PageNumberPagination", False)  # type: ignore[union-attr]
    feed = hs.drf_view("shop.api.views.FeedViewSet")
    assert feed.get_queryset == "shop.api.views.FeedViewSet.get_queryset" and feed.queryset is None  # type: ignore[union-attr]
    stats = hs.drf_view("shop.api.views.Stats")
    assert stats.style == "apiview" and stats.paginated is False and not stats.lists  # type: ignore[union-attr]
    assert hs.drf_view("shop.api.serializers.EventSerializer") is None


@pytest.mark.parametrize(
    ("setting", "paginated"),
    [
        ('{"DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination", "PAGE_SIZE": 50}', True),
        ('{"DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination", "PAGE_SIZE": None}', False),
        ('{"PAGE_SIZE": 50}', False),
        ('{"DEFAULT_PAGINATION_CLASS": "shop.api.pagination.LargePages"}', True),
        ('{"DEFAULT_PAGINATION_CLASS": os.environ.get("PAGINATOR")}', None),
        ('{"DEFAULT_PAGINATION_CLASS": "other_lib.pagination.Pages"}', True),
    ],
)
def test_drf_default_pagination_from_settings(setting, paginated):
    files = dict(DRF_SHOP)
    files["config/settings.py"] = f"""
        import os
        INSTALLED_APPS = ["shop", "rest_framework"]
        DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql"}}}}
        REST_FRAMEWORK = {setting}
    """
    view = handlers(files).drf_view("shop.api.views.EventList")
    assert view is not None and view.paginated is paginated


def test_drf_serializer_methods_run_per_row():
    hs = handlers(DRF_SHOP)
    got = {(h.qualname, h.view_class, h.path) for h in hs.all if h.kind == "serializer-method"}
    assert got == {
        ("shop.api.serializers.EventSerializer.get_seats_left", "shop.api.serializers.EventSerializer", "shop/api/serializers.py"),
        ("shop.api.serializers.DetailedEventSerializer.host_name", "shop.api.serializers.DetailedEventSerializer", "shop/api/serializers.py"),
    }
    [seats] = hs.of("shop.api.serializers.EventSerializer.get_seats_left")
    assert seats.span == Span(6, 5, 6, 15)  # the field


def test_drf_methods_resolve_in_python_order_through_mixins():
    hs = handlers(
        {
            "app/__init__.py": "",
            "app/views.py": """
                from rest_framework import viewsets

                class Base(viewsets.ModelViewSet):
                    def get_queryset(self):
                        ...

                    def list(self, request):
                        ...

                class Left(Base):
                    pass

                class Right(Base):
                    def get_queryset(self):
                        ...

                    def list(self, request):
                        ...

                class Both(Left, Right):  # Both, Left, Right, Base: Right's methods win
                    serializer_class = None
            """,
            "app/urls.py": """
                from rest_framework.routers import SimpleRouter
                from app.views import Both

                router = SimpleRouter()
                router.register("both", Both)
                urlpatterns = router.urls
            """,
        }
    )
    view = hs.drf_view("app.views.Both")
    assert view is not None and view.get_queryset == "app.views.Right.get_queryset"
    assert {h.view_class for h in hs.of("app.views.Right.list")} == {"app.views.Both"}
    assert not hs.of("app.views.Base.list")


def test_drf_unwired_classes_leaves_only_and_look_alikes():
    hs = handlers(
        {
            "app/__init__.py": "",
            "app/views.py": """
                from rest_framework import generics, viewsets
                from shop.models import Event

                class BaseList(generics.ListAPIView):  # a base: its subclasses serve
                    serializer_class = None

                class EventList(BaseList):  # a leaf nothing in the project routes (a plugin's urls may)
                    queryset = Event.objects.all()

                class Abstractish(viewsets.ModelViewSet):  # a leaf that names no rows: no implicit actions
                    def destroy(self, request, pk=None):
                        ...

                class SearchView:  # named like a view, derived from nothing
                    def list(self, request):
                        ...

                def register(prefix, cls):
                    ...

                register("search", SearchView)
            """,
        }
    )
    assert table(hs) == {
        ("app.views.EventList.list", "drf", "action", None, ("GET",)),
        ("app.views.Abstractish.destroy", "drf", "action", None, ("DELETE",)),
    }
    [h] = hs.of("app.views.EventList.list")
    assert h.implicit and h.span == Span(8, 7, 8, 16) and h.wired_at == "app/views.py"  # the class name


# --- the model as a whole -------------------------------------------------------------------------


def test_project_handlers_is_cached_and_empty_for_projects_without_web_code():
    p = build({"lib/util.py": "def helper():\n    return 1\n"})
    assert p.handlers is p.handlers
    assert p.handlers.all == [] and not p.handlers.is_handler("lib.util.helper") and p.handlers.of("x") == []


# --- proof by execution: Django's own resolver agrees ----------------------------------------------

RESOLVE = """
import inspect, json, sys
sys.path.insert(0, ".")
import django
from django.conf import settings
from django.utils.module_loading import import_string

settings.configure(
    ROOT_URLCONF="shop.urls",
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "shop"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    MIDDLEWARE=__import__("config.settings", fromlist=["MIDDLEWARE"]).MIDDLEWARE,
    DEBUG=True,
)
django.setup()
from django.urls import URLPattern, get_resolver

def name(obj):
    return f"{obj.__module__}.{obj.__qualname__}"

views = []
def walk(patterns):
    for p in patterns:
        if isinstance(p, URLPattern):
            cls = getattr(p.callback, "view_class", None)
            views.append(["class", name(cls)] if cls else ["function", name(inspect.unwrap(p.callback))])
        else:
            walk(p.url_patterns)
walk(get_resolver().url_patterns)
middleware = [name(import_string(m)) for m in settings.MIDDLEWARE]
print(json.dumps({"views": views, "middleware": middleware}))
"""

EXECUTED = {
    "config/__init__.py": "",
    "config/settings.py": """
        INSTALLED_APPS = ["shop"]
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
        MIDDLEWARE = ["django.middleware.common.CommonMiddleware", "shop.middleware.Timing"]
        MIDDLEWARE += ["shop.middleware.stamp"]
    """,
    "shop/__init__.py": "",
    "shop/models.py": """
        from django.db import models

        class Event(models.Model):
            title = models.CharField(max_length=100)

            class Meta:
                app_label = "shop"
    """,
    "shop/middleware.py": """
        class Timing:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                return self.get_response(request)

        def stamp(get_response):
            def middleware(request):
                return get_response(request)

            return middleware
    """,
    "shop/views/__init__.py": "from .pages import *\nfrom .api import event_list, ping\n",
    "shop/views/pages.py": """
        from django.http import HttpResponse
        from django.views import View
        from django.views.generic import DetailView, ListView, TemplateView
        from shop.models import Event

        __all__ = ["Home", "EventDetail", "Archive", "about", "Contact", "contact"]

        class Home(TemplateView):
            template_name = "home.html"

        class EventDetail(DetailView):
            model = Event

        class Archive(ListView):
            model = Event
            paginate_by = 10

        class Contact(View):
            def post(self, request):
                return HttpResponse()

        contact = Contact.as_view()

        def about(request):
            return HttpResponse()
    """,
    "shop/views/api.py": """
        from django.http import JsonResponse
        from django.views.generic import ListView
        from shop.models import Event

        class EventList(ListView):
            model = Event

        event_list = EventList.as_view()

        async def ping(request):
            return JsonResponse({})
    """,
    "shop/urls.py": """
        from django.conf import settings
        from django.contrib.auth.decorators import login_required
        from django.urls import include, path, re_path
        from django.views.decorators.cache import cache_page
        from django.views.generic import RedirectView
        from shop import views

        api_patterns = [
            path("events/", views.event_list),
            path("ping/", views.ping),
        ]

        urlpatterns = [
            path("", views.Home.as_view()),
            path("events/<int:pk>/", cache_page(60)(views.EventDetail.as_view())),
            re_path(r"^archive/$", login_required(views.Archive.as_view())),
            path("about/", views.about),
            path("api/", include(api_patterns)),
            path("old/", RedirectView.as_view(url="/")),
        ]
        if settings.DEBUG:
            urlpatterns += [path("contact/", views.contact)]
    """,
}


def test_django_wiring_agrees_with_djangos_own_resolver(tmp_path):
    pytest.importorskip("django", minversion="4.2")
    for name, source in EXECUTED.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(source), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", RESOLVE], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    django = json.loads(run.stdout)

    hs = handlers(EXECUTED)
    views = {h.view_class or h.qualname for h in hs.all if h.kind == "view"}
    project_views = {q for kind, q in django["views"] if q.startswith("shop.")}
    assert views == project_views == {
        "shop.views.pages.Home",
        "shop.views.pages.EventDetail",
        "shop.views.pages.Archive",
        "shop.views.pages.about",
        "shop.views.pages.Contact",
        "shop.views.api.EventList",
        "shop.views.api.ping",
    }
    # a middleware class by its methods, a middleware factory by the callable it returns
    middleware = {h.view_class or h.qualname.rpartition(".")[0] for h in hs.all if h.kind == "middleware"}
    assert middleware == {q for q in django["middleware"] if q.startswith("shop.")} == {
        "shop.middleware.Timing",
        "shop.middleware.stamp",
    }
    assert [h.is_async for h in hs.of("shop.views.api.ping")] == [True]


def test_a_cycle_of_bases_and_a_deep_chain_keep_a_finite_order():
    from scalelint.project.mro import MAX_MRO, linearise

    chain = {f"C{i}": [f"C{i - 1}"] for i in range(1, 3000)} | {"C0": []}
    assert len(linearise("C2999", lambda c: chain[c], {})) == MAX_MRO  # no RecursionError
    cycle = {"A": ["B"], "B": ["A"]}
    assert linearise("A", lambda c: cycle[c], {}) == ["A", "B"]
    diamond = {"D": ["B", "C"], "B": ["A"], "C": ["A"], "A": []}
    assert linearise("D", lambda c: diamond[c], {}) == ["D", "B", "C", "A"]  # Python's own order
