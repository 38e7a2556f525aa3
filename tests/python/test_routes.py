"""What one file wires as request handlers (scalelint.python.routes): route sites, routing
objects, classes with their bases and view attributes, and the Django settings that name code."""

from __future__ import annotations

from scalelint.facts import Const, EnvVar, RouteObject, RouteSite, SAttr, SCall, SConst, SName, Unknown


def sites(f, via: str | None = None) -> list[RouteSite]:
    return [s for s in f.routes if via is None or s.via == via]


def brief(s: RouteSite) -> tuple:
    return (s.via, s.target, s.receiver, s.route, s.methods)


def objects(f) -> dict[str, str]:
    return {o.qualname: o.constructor for o in f.route_objects}


# --- Flask / Quart / FastAPI decorators and objects ------------------------------------------------


def test_flask_decorators_objects_and_spans(facts, span):
    f, src = facts(
        """
        from flask import Flask, Blueprint
        from .extensions import api_bp
        import flask

        app = Flask(__name__)
        bp = flask.Blueprint("shop", __name__)

        @app.route("/", methods=["get", "POST"])
        def index(): ...

        @bp.get("/events")
        async def events(): ...

        @api_bp.post(rule="/x")
        def x(): ...

        @app.before_request
        def load_user(): ...

        app.add_url_rule("/about", "about", about)
        app.add_url_rule("/users", view_func=UserView.as_view("users"), methods=["GET"])
        app.teardown_request(close_db)

        def about(): ...
        def close_db(exc): ...
        class UserView: ...
        """,
        module="shop.web",
    )
    assert [brief(s) for s in f.routes] == [
        ("route", "shop.web.index", "shop.web.app", "/", ("GET", "POST")),
        ("get", "shop.web.events", "shop.web.bp", "/events", ()),
        ("post", "shop.web.x", "shop.extensions.api_bp", "/x", ()),
        ("before_request", "shop.web.load_user", "shop.web.app", None, ()),
        ("add_url_rule", "shop.web.about", "shop.web.app", "/about", ()),
        ("add_url_rule", "shop.web.UserView", "shop.web.app", "/users", ("GET",)),
        ("teardown_request", "shop.web.close_db", "shop.web.app", None, ()),
    ]
    assert f.routes[0].span == span(src, 'app.route("/", methods=["get", "POST"])')  # the decorator expression
    assert f.routes[5].as_view and not f.routes[4].as_view
    assert objects(f) == {"shop.web.app": "flask.Flask", "shop.web.bp": "flask.Blueprint"}
    assert f.route_objects[0] == RouteObject("shop.web.app", "flask.Flask", span(src, "app"))  # the bound name


def test_app_factory_locals_and_annotated_parameters(facts):
    f, _ = facts(
        """
        from flask import Flask
        from fastapi import FastAPI, APIRouter

        def create_app():
            app = Flask(__name__)

            @app.route("/")
            def home(): ...

            return app

        def init_routes(router: APIRouter, other):
            @router.get("/a")
            async def a(): ...

            @other.get("/b")
            async def b(): ...

        application = create_app()
        """,
        module="web",
    )
    assert [brief(s) for s in f.routes] == [
        ("route", "web.create_app.home", "web.create_app.app", "/", ()),
        ("get", "web.init_routes.a", "web.init_routes.router", "/a", ()),
        ("get", "web.init_routes.b", "web.init_routes.other", "/b", ()),
    ]
    # the unannotated parameter is a receiver, but nothing says what it is
    assert objects(f) == {
        "web.create_app.app": "flask.Flask",
        "web.init_routes.router": "fastapi.APIRouter",
        "web.application": "web.create_app",  # named like a factory: the Project asks what it returns
    }


def test_look_alike_objects_are_not_recorded_unless_used(facts):
    f, _ = facts(
        """
        import logging
        from celery import Celery
        from flask_caching import Cache

        logger = logging.getLogger(__name__)
        celery = Celery("tasks")
        cache = Cache()
        registry = {}

        @celery.task
        def work(): ...

        @cache.cached(timeout=60)
        def cached(): ...

        @registry.get("x")
        def odd(): ...
        """,
        module="tasks",
    )
    # `task` and `cached` wire nothing; `registry.get` is recorded loosely, decided by the Project
    assert [brief(s) for s in f.routes] == [("get", "tasks.odd", "tasks.registry", "x", ())]
    assert objects(f) == {}  # `registry = {}` is no call; Celery/Cache/getLogger are not routing objects


def test_function_bodies_are_read_only_when_the_file_may_wire_something(facts):
    f, _ = facts(
        """
        def helper():
            def inner(): ...
            return inner
        """,
        module="plain",
    )
    assert f.routes == () and f.route_objects == ()


# --- Django ---------------------------------------------------------------------------------------


def test_urlpatterns_entries_views_and_wrappers(facts, span):
    f, src = facts(
        """
        from django.urls import include, path, re_path
        from django.conf.urls import url
        from django.conf.urls.i18n import i18n_patterns
        from django.contrib.auth.decorators import login_required
        from django.views.decorators.cache import cache_page
        from django.contrib import admin
        from rest_framework.routers import DefaultRouter
        from . import views
        from .views import EventList

        router = DefaultRouter()
        router.register(r"events", views.EventViewSet, basename="event")
        admin.site.register(views.Event)

        api_patterns = [
            path("list/", EventList.as_view(), name="list"),
            path("viewset/", views.EventViewSet.as_view({"get": "list", "post": "create"})),
        ]
        unrelated = [path("never/", views.never)]

        urlpatterns = [
            path("", views.index, name="index"),
            re_path(r"^legacy/$", login_required(views.legacy)),
            url(r"^cached/$", cache_page(60)(views.cached)),
            path("api/", include(api_patterns)),
            path("api/", include(router.urls)),
            path("admin/", admin.site.urls),
            path("apps/", include("shop.urls")),
        ]
        urlpatterns += i18n_patterns(path("i18n/", views.i18n))
        urlpatterns.append(path("late/", views.late))
        """,
        module="shop.urls",
    )
    got = [(s.via.rpartition(".")[2], s.target, s.route, s.as_view, s.args) for s in f.routes]
    assert got == [
        ("register", "shop.views.EventViewSet", "events", False, ()),
        ("path", "shop.views.index", "", False, ()),
        ("re_path", "shop.views.legacy", "^legacy/$", False, ()),
        ("url", "shop.views.cached", "^cached/$", False, ()),
        ("path", "shop.views.EventList", "list/", True, ()),
        ("path", "shop.views.EventViewSet", "viewset/", True, ("get=list", "post=create")),
        ("path", "shop.views.i18n", "i18n/", False, ()),
        ("path", "shop.views.late", "late/", False, ()),
    ]
    assert f.routes[1].span == span(src, 'path("", views.index, name="index")')
    assert f.routes[0].receiver == "shop.urls.router"
    assert "shop.views.never" not in {s.target for s in f.routes}  # a path() outside urlpatterns


def test_old_style_string_views_and_star_imports(facts):
    f, _ = facts(
        """
        from django.conf.urls import *
        from .views import *

        urlpatterns = [url(r"^$", "shop.views.home"), url(r"^a/$", about)]
        """,
        module="shop.urls",
    )
    assert [(s.via, s.target) for s in f.routes] == [
        ("django.conf.urls.url", "shop.views.home"),
        ("django.conf.urls.url", "shop.urls.about"),  # name resolution follows the star import
    ]


def test_signals_template_tags_and_appconfig_ready(facts):
    f, _ = facts(
        """
        from django import template
        from django.apps import AppConfig
        from django.db.models.signals import post_save, post_delete
        from django.dispatch import receiver, Signal
        from django.db.models import signals

        register = template.Library()
        order_paid = Signal()

        @register.simple_tag(takes_context=True)
        def cart_total(context): ...

        @register.filter
        def money(value): ...

        register.filter("cents", cents)

        @receiver([post_save, post_delete], sender="shop.Order")
        def on_order(sender, **kw): ...

        @receiver(order_paid)
        def on_paid(sender, **kw): ...

        class ShopConfig(AppConfig):
            def ready(self):
                signals.post_save.connect(on_save, sender="shop.Event")
                order_paid.connect(on_paid)

        def cents(v): ...
        def on_save(sender, **kw): ...
        """,
        module="shop.signals",
    )
    assert [(s.via, s.target, s.receiver, s.args) for s in f.routes] == [
        ("simple_tag", "shop.signals.cart_total", "shop.signals.register", ()),
        ("filter", "shop.signals.money", "shop.signals.register", ()),
        ("filter", "shop.signals.cents", "shop.signals.register", ()),
        (
            "django.dispatch.receiver",
            "shop.signals.on_order",
            None,
            ("django.db.models.signals.post_save", "django.db.models.signals.post_delete"),
        ),
        ("connect", "shop.signals.on_save", None, ("django.db.models.signals.post_save",)),
    ]  # a project's own Signal() is sent from wherever its code says: not recorded
    assert objects(f) == {"shop.signals.register": "django.template.Library"}


def test_settings_lists(facts):
    f, _ = facts(
        """
        import os
        from .base import *

        EXTRA = ["shop.middleware.Extra"]
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            *EXTRA,
            *get_more(),
            "shop.middleware.timing" if os.environ.get("TIMING") else "shop.middleware.Noop",
        ]
        MIDDLEWARE += ["shop.middleware.Audit"]
        MIDDLEWARE.insert(0, "shop.middleware.First")
        TEMPLATES = [{"BACKEND": "x", "OPTIONS": {"context_processors": ["shop.context.cart"]}}]
        TEMPLATES[0]["OPTIONS"]["context_processors"] += ["shop.context.site"]
        REST_FRAMEWORK = {"DEFAULT_PAGINATION_CLASS": None, "PAGE_SIZE": int(os.environ.get("PAGE", "50"))}
        REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "shop.api.Pages"
        """,
        module="conf.settings",
    )
    got = [(e.name, e.extend, [getattr(v, "value", type(v).__name__) for v in e.values]) for e in f.setting_entries]
    assert got == [
        ("MIDDLEWARE", False, ["django.middleware.security.SecurityMiddleware", "shop.middleware.Extra", "Unknown", "Choice"]),
        ("MIDDLEWARE", True, ["shop.middleware.Audit"]),
        ("MIDDLEWARE", True, ["shop.middleware.First"]),
        ("TEMPLATES.context_processors", False, ["shop.context.cart"]),
        ("TEMPLATES.context_processors", True, ["shop.context.site"]),
        ("REST_FRAMEWORK", False, []),
        ("REST_FRAMEWORK.DEFAULT_PAGINATION_CLASS", False, [None]),
        ("REST_FRAMEWORK.PAGE_SIZE", False, ["EnvVar"]),
        ("REST_FRAMEWORK.DEFAULT_PAGINATION_CLASS", False, ["shop.api.Pages"]),
    ]
    page_size = f.setting_entries[7].values[0]
    assert isinstance(page_size, EnvVar) and page_size.name == "PAGE"
    assert isinstance(f.setting_entries[0].values[2], Unknown)  # `*get_more()`: some items we cannot read
    choice = f.setting_entries[0].values[3]
    assert {o.value for o in choice.options} == {"shop.middleware.timing", "shop.middleware.Noop"}  # type: ignore[union-attr]


def test_middleware_lists_built_from_other_names(facts):
    f, _ = facts(
        """
        BASE = ["a.B"]
        MIDDLEWARE = BASE + ["c.D"]
        MIDDLEWARE = ["first.F"] + MIDDLEWARE
        """,
        module="conf.settings",
    )
    got = [(e.extend, [v.value for v in e.values]) for e in f.setting_entries]  # type: ignore[union-attr]
    assert got == [(False, ["a.B", "c.D"]), (True, ["first.F"])]
    assert all(isinstance(v, Const) for e in f.setting_entries for v in e.values)


# --- Django REST framework ----------------------------------------------------------------------


def test_drf_classes_attributes_actions_and_method_fields(facts, span):
    f, src = facts(
        """
        from rest_framework import viewsets, serializers
        from rest_framework.decorators import action, api_view
        from shop.models import Event
        from .pagination import Pages

        class EventSerializer(serializers.ModelSerializer):
            seats = serializers.SerializerMethodField()
            url = serializers.SerializerMethodField("build_url")
            host = serializers.SerializerMethodField(method_name="host_name")

        class EventViewSet(viewsets.ModelViewSet):
            queryset = Event.objects.filter(live=True)
            serializer_class = EventSerializer
            pagination_class = None

            @action(detail=True, methods=["post"], url_path="publish-now")
            def publish(self, request, pk=None): ...

            @action(detail=False)
            def recent(self, request): ...

        class Paged(EventViewSet):
            pagination_class = Pages

        @api_view(["GET", "post"])
        def stats(request): ...

        @api_view()
        def ping(request): ...

        class Plain:
            queryset = None
        """,
        module="shop.api",
    )
    classes = {c.qualname: c for c in f.classes}
    assert set(classes) == {"shop.api.EventSerializer", "shop.api.EventViewSet", "shop.api.Paged", "shop.api.Plain"}
    ser = classes["shop.api.EventSerializer"]
    assert ser.bases == ("rest_framework.serializers.ModelSerializer",)
    assert [(name, method) for name, method, _ in ser.method_fields] == [
        ("seats", "get_seats"),
        ("url", "build_url"),
        ("host", "host_name"),
    ]
    assert ser.method_fields[0][2] == span(src, "seats")
    view = classes["shop.api.EventViewSet"]
    assert view.span == span(src, "EventViewSet")
    attrs = dict(view.attributes)
    qs = attrs["queryset"]
    assert isinstance(qs, SCall) and isinstance(qs.func, SAttr) and qs.func.name == "filter"
    assert isinstance(qs.func.obj, SAttr) and qs.func.obj.obj == SName("shop.models.Event")
    assert attrs["serializer_class"] == SName("shop.api.EventSerializer")
    assert attrs["pagination_class"] == SConst(None)
    assert classes["shop.api.Paged"].bases == ("shop.api.EventViewSet",)
    assert dict(classes["shop.api.Paged"].attributes) == {"pagination_class": SName("shop.pagination.Pages")}
    assert [brief(s) for s in f.routes] == [
        ("rest_framework.decorators.action", "shop.api.EventViewSet.publish", None, "publish-now", ("POST",)),
        ("rest_framework.decorators.action", "shop.api.EventViewSet.recent", None, None, ("GET",)),
        ("rest_framework.decorators.api_view", "shop.api.stats", None, None, ("GET", "POST")),
        ("rest_framework.decorators.api_view", "shop.api.ping", None, None, ("GET",)),
    ]


# --- FastAPI / Starlette --------------------------------------------------------------------------


def test_fastapi_depends_aliases_and_dependencies_lists(facts):
    f, _ = facts(
        """
        from typing import Annotated
        from fastapi import APIRouter, Depends, FastAPI, Security
        from .deps import get_db, current_user, CurrentUser
        from .models import Item

        SessionDep = Annotated[object, Depends(get_db)]
        router = APIRouter(dependencies=[Depends(verify_key)])
        app = FastAPI()

        def verify_key(): ...

        @router.get("/items", dependencies=[Depends(rate_limit)])
        async def items(session: SessionDep, user: CurrentUser, item: Item, q: str = "", token=Security(current_user)): ...

        def rate_limit(db=Depends(get_db)): ...

        app.include_router(router, dependencies=[Depends(verify_key)])
        """,
        module="api.routes",
    )
    deps = [(s.via, s.target, s.owner) for s in f.routes if s.via != "get"]
    assert deps == [
        ("fastapi.Depends", "api.deps.get_db", "api.routes.SessionDep"),
        ("fastapi.Depends", "api.routes.verify_key", None),
        ("fastapi.Depends", "api.routes.rate_limit", "api.routes.items"),
        ("fastapi.Depends", "api.deps.current_user", "api.routes.items"),
        ("annotation", "api.routes.SessionDep", "api.routes.items"),
        ("annotation", "api.deps.CurrentUser", "api.routes.items"),
        ("annotation", "api.models.Item", "api.routes.items"),
        ("fastapi.Depends", "api.deps.get_db", "api.routes.rate_limit"),
        ("fastapi.Depends", "api.routes.verify_key", None),
    ]


def test_starlette_routes_and_middleware(facts):
    f, _ = facts(
        """
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.routing import Mount, Route, WebSocketRoute
        from .timing import Timing

        async def home(request): ...
        async def ws(socket): ...

        routes = [
            Route("/", home, methods=["GET", "HEAD"]),
            WebSocketRoute(path="/ws", endpoint=ws),
            Mount("/static", app=None),
        ]
        app = Starlette(routes=routes, middleware=[Middleware(Timing)])
        app.add_middleware(Timing, limit=3)
        """,
        module="web.main",
    )
    assert [brief(s) for s in f.routes] == [
        ("starlette.routing.Route", "web.main.home", None, "/", ("GET", "HEAD")),
        ("starlette.routing.WebSocketRoute", "web.main.ws", None, "/ws", ()),
        ("starlette.middleware.Middleware", "web.timing.Timing", None, None, ()),
        ("add_middleware", "web.timing.Timing", "web.main.app", None, ()),
    ]


# --- robustness -----------------------------------------------------------------------------------


def test_odd_code_does_not_crash(facts):
    # STRICT is on (conftest): any exception in the collector fails here
    f, _ = facts(
        """
        from django.urls import path
        from flask import Flask
        app = Flask(__name__)
        a = b = Flask("x")

        @(lambda f: f)
        @app.route
        @app.route()
        @app.route(*ARGS, **KW)
        @app[0].get("/")
        def weird(): ...

        urlpatterns = some_factory()
        urlpatterns += [path(), path("x/"), path("y/", None), path("z/", lambda r: None), path(VIEW, *rest)]
        loop_a = loop_b
        loop_b = loop_a
        urlpatterns += loop_a
        MIDDLEWARE = get_middleware()
        MIDDLEWARE.append()
        MIDDLEWARE += [*MIDDLEWARE]
        TEMPLATES = [None, {"OPTIONS": None}, {"OPTIONS": {"context_processors": CP}}]
        REST_FRAMEWORK = dict(**BASE)
        REST_FRAMEWORK[KEY] = 1
        app.add_url_rule()
        app.register()
        x.connect()

        class Odd(*bases, metaclass=M):
            queryset = yield_ = None
            serializer_class: type
            [a, b] = 1, 2
        """,
        module="odd",
    )
    assert [brief(s) for s in f.routes] == [
        ("route", "odd.weird", "odd.app", None, ()),
        ("route", "odd.weird", "odd.app", None, ()),
        ("route", "odd.weird", "odd.app", None, ()),
    ]


def test_django_patterns_prefix_names_string_views(facts):
    # Django < 1.10: `patterns("app.views", url(r"^$", "index"))` names `app.views.index`
    f, _ = facts(
        """
        from django.conf.urls import include, patterns, url

        urlpatterns = patterns("misago.users.views.profile",
            url(r"^$", "posts", name="user_posts"),
        )
        urlpatterns += patterns("",
            url(r"^users/", include(patterns("misago.users.views.lists",
                url(r"^active-posters/$", "active_posters"),
            ))),
            url(r"^full/$", "misago.core.views.home"),
        )
        """,
        module="misago.urls",
    )
    got = [(s.target, s.route) for s in f.routes]
    assert got == [
        ("misago.users.views.profile.posts", "^$"),
        ("misago.users.views.lists.active_posters", "^active-posters/$"),
        ("misago.core.views.home", "^full/$"),
    ]
