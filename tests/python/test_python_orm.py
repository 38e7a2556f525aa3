"""ORM model facts (scalelint.python.orm): Django, SQLAlchemy 1.x / 2.0, Flask-SQLAlchemy, SQLModel."""

from __future__ import annotations

import ast
import pathlib
import pickle
import subprocess
import sys

import pytest

from scalelint.facts import FieldDef, IndexDef, ModelDef, PythonFacts, Span
from scalelint.frameworks import django as dj
from scalelint.frameworks import sqlalchemy as sa
from scalelint.python.extract import extract_python_facts
from scalelint.python.names import module_name_for


def model(pf: PythonFacts, name: str, kind: str = "class") -> ModelDef:
    found = [m for m in pf.models if m.name == name and m.kind == kind]
    assert len(found) == 1, [(m.name, m.kind) for m in pf.models]
    return found[0]


def field(m: ModelDef, name: str) -> FieldDef:
    found = [f for f in m.fields if f.name == name]
    assert len(found) == 1, [f.name for f in m.fields]
    return found[0]


def index(m: ModelDef, **match) -> IndexDef:
    found = [i for i in m.indexes if all(getattr(i, k) == v for k, v in match.items())]
    assert len(found) == 1, m.indexes
    return found[0]


def reads(m: ModelDef, method: str) -> list[tuple[str, ...]]:
    return [r.chain for p in m.properties if p.name == method for r in p.reads]


def queries(m: ModelDef, method: str) -> list[str]:
    return [q.callee for p in m.properties if p.name == method for q in p.queries]


# --- Django ---------------------------------------------------------------------------------

DJANGO_MODELS = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.db import models
from accounts.models import Organizer
from .managers import EventManager


class Tag(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=50, db_index=True)
    code = models.CharField(max_length=5, primary_key=True, db_column="tag_code")


class Event(models.Model):
    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="events")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True)
    editor = models.ForeignKey(get_user_model(), on_delete=models.CASCADE, related_name="+")
    venue = models.OneToOneField("places.Venue", on_delete=models.SET_NULL, null=True)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, db_index=False, related_query_name="child")
    tags = models.ManyToManyField(Tag, through="EventTag", related_name="events")
    comments = GenericRelation("comments.Comment")
    content_type = models.ForeignKey(to="contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(max_length=200)
    flagged = models.BooleanField(db_index=FLAGS)
    objects = EventManager()
"""


def test_django_fields_and_relations(facts, span):
    pf, src = facts(DJANGO_MODELS, module="shop.models")
    assert [m.name for m in pf.models] == ["Tag", "Event"]
    ev = model(pf, "Event")
    assert (ev.framework, ev.kind, ev.qualname, ev.bases) == ("django", "class", "shop.models.Event", ("django.db.models.Model",))
    header = span(src, "class Event(")
    assert ev.span == Span(header.line, header.column + 6, header.line, header.column + 11)
    assert not ev.abstract and ev.table is None

    org = field(ev, "organizer")
    assert (org.kind, org.field_class, org.target, org.related_name) == ("fk", "ForeignKey", "accounts.models.Organizer", "events")
    assert org.db_index is True and org.collection is False and org.lazy is None  # Django: FKs are indexed
    assert org.span == span(src, "organizer")
    assert org.call_span.line == org.span.line and org.call_span.column > org.span.column
    assert field(ev, "owner").target == "settings.AUTH_USER_MODEL" and field(ev, "owner").nullable is True
    ed = field(ev, "editor")
    assert ed.target == "settings.AUTH_USER_MODEL" and ed.related_name == "+"
    venue = field(ev, "venue")
    assert (venue.kind, venue.target, venue.unique, venue.db_index) == ("o2o", "places.Venue", True, True)
    parent = field(ev, "parent")
    assert (parent.target, parent.db_index, parent.related_query_name) == ("self", False, "child")
    tags = field(ev, "tags")
    assert (tags.kind, tags.target, tags.through, tags.collection) == ("m2m", "shop.models.Tag", "EventTag", True)
    assert tags.db_index is False and tags.nullable is None
    assert field(ev, "content_type").target == "contenttypes.ContentType"
    gr, gfk = field(ev, "comments"), field(ev, "subject")
    assert (gr.kind, gr.target, gr.collection) == ("generic", "comments.Comment", True)
    assert (gfk.kind, gfk.target, gfk.collection) == ("generic", None, False)
    title = field(ev, "title")
    assert (title.kind, title.db_index, title.unique, title.primary_key, title.nullable, title.target) == ("column", False, False, False, False, None)
    assert field(ev, "flagged").db_index is None  # unreadable: unknown, not False
    assert ev.managers == (("objects", "shop.managers.EventManager"),)
    assert "objects" not in [f.name for f in ev.fields]

    tag = model(pf, "Tag")
    assert field(tag, "slug").db_index is True  # SlugField's default
    assert field(tag, "name").db_index is True
    code = field(tag, "code")
    assert (code.primary_key, code.column) == (True, "tag_code")
    # indexes implied by fields: one per indexed field, the unique one unique, the primary key marked
    assert index(tag, columns=("slug",)).unique and index(tag, columns=("slug",)).source == "field"
    assert index(tag, columns=("name",)).unique is False
    pk = index(tag, columns=("code",))
    assert pk.primary and pk.unique and pk.source == "primary_key"
    by_col = {i.columns for i in ev.indexes}
    assert by_col == {("organizer",), ("owner",), ("editor",), ("venue",), ("content_type",)}  # FKs, O2O; not parent (db_index=False), not M2M


def test_django_abstract_inheritance_meta_and_managers(facts):
    pf, _ = facts(
        """
        from django.db import models as m
        from core.models import TimeStampedModel
        from .querysets import EventQuerySet, PublishedQuerySet

        class Base(m.Model):
            created = m.DateTimeField(auto_now_add=True)
            class Meta:
                abstract = True
                ordering = ["-created", "id"]

        class Event(Base):
            name = m.CharField(max_length=10)
            objects = m.Manager()
            live = EventQuerySet.as_manager()
            published = m.Manager.from_queryset(PublishedQuerySet)()
            class Meta(Base.Meta):
                db_table = "events"
                app_label = "shop"
                default_related_name = "%(class)ss"

        class EventProxy(Event):
            class Meta:
                proxy = True

        class Ticket(TimeStampedModel):
            event = m.ForeignKey(Event, on_delete=m.CASCADE)
        """,
        module="shop.models",
    )
    base, ev, proxy, ticket = (model(pf, n) for n in ("Base", "Event", "EventProxy", "Ticket"))
    assert base.abstract and base.ordering == ("-created", "id") and base.bases == ("django.db.models.Model",)
    assert not ev.abstract and ev.bases == ("shop.models.Base",) and ev.framework == "django"
    assert (ev.table, ev.app_label, ev.default_related_name, ev.ordering) == ("events", "shop", "%(class)ss", None)
    assert [f.name for f in ev.fields] == ["name"]  # inherited fields are the Project's to merge
    assert ev.managers == (
        ("objects", "django.db.models.Manager"),
        ("live", "shop.querysets.EventQuerySet.as_manager"),
        ("published", "m.Manager.from_queryset(PublishedQuerySet)"),
    )
    assert proxy.proxy and proxy.bases == ("shop.models.Event",) and proxy.framework == "django"
    # a third-party abstract base: recognised by the fields it declares
    assert ticket.framework == "django" and ticket.bases == ("core.models.TimeStampedModel",)
    assert field(ticket, "event").target == "shop.models.Event"


def test_django_meta_indexes_and_constraints(facts, span):
    pf, src = facts(
        """
        from django.contrib.gis.db import models
        from django.contrib.postgres.indexes import GinIndex, GistIndex
        from django.contrib.postgres.constraints import ExclusionConstraint
        from django.contrib.postgres.fields import RangeOperators
        from django.db.models import F, Q, UniqueConstraint
        from django.db.models.functions import Lower

        class Trip(models.Model):
            start_date = models.DateField()
            status = models.CharField(max_length=10)
            spots_left = models.IntegerField()
            email = models.EmailField()
            where = models.PointField()
            area = models.PolygonField(spatial_index=False)
            period = models.DateTimeField()

            class Meta:
                indexes = [
                    models.Index(fields=["start_date", "-status"], name="trip_open", condition=Q(status="open", spots_left__gt=0)),
                    GinIndex(fields=["email"], name="trip_email_trgm", opclasses=["gin_trgm_ops"]),
                    models.Index(Lower("email"), F("start_date").desc(), name="trip_lower_email"),
                    GistIndex(fields=["where"], name="trip_geo"),
                ]
                constraints = [
                    UniqueConstraint(fields=["email", "start_date"], name="uniq_trip", condition=Q(status="open")),
                    models.CheckConstraint(condition=Q(spots_left__gte=0), name="spots_ok"),
                    ExclusionConstraint(name="no_overlap", expressions=[("period", RangeOperators.OVERLAPS), (F("where"), "=")]),
                ]
                unique_together = ("status", "email")
                index_together = [["status", "period"], ("email", "period")]

        class Link(models.Model):
            pk = models.CompositePrimaryKey("trip_id", "code")
            class Meta:
                unique_together = [("a", "b"), ("c", "d")]
        """,
        module="trips.models",
    )
    trip = model(pf, "Trip")
    ix = index(trip, name="trip_open")
    assert (ix.columns, ix.desc, ix.kind, ix.unique, ix.source) == (("start_date", "status"), (False, True), "btree", False, "index")
    assert ix.where == 'Q(status="open", spots_left__gt=0)' and not ix.expressions
    assert ix.span == span(src, 'models.Index(fields=["start_date", "-status"], name="trip_open", condition=Q(status="open", spots_left__gt=0))')
    gin = index(trip, name="trip_email_trgm")
    assert (gin.kind, gin.columns, gin.opclasses) == ("gin", ("email",), ("gin_trgm_ops",))
    expr = index(trip, name="trip_lower_email")
    assert expr.columns == ('Lower("email")', "start_date") and expr.expressions and expr.desc == (False, True)
    assert index(trip, name="trip_geo").kind == "gist"
    uq = index(trip, name="uniq_trip")
    assert (uq.unique, uq.columns, uq.where, uq.source) == (True, ("email", "start_date"), 'Q(status="open")', "constraint")
    assert not [i for i in trip.indexes if i.name == "spots_ok"]  # a CHECK is no index
    ex = index(trip, name="no_overlap")
    assert (ex.kind, ex.columns, ex.source) == ("gist", ("period", "where"), "exclusion")
    assert index(trip, source="unique_together").columns == ("status", "email")
    assert {i.columns for i in trip.indexes if i.source == "index_together"} == {("status", "period"), ("email", "period")}
    # GeoDjango: spatial fields get a GiST index unless spatial_index=False
    geo = index(trip, source="field")
    assert (geo.columns, geo.kind) == (("where",), "gist")
    assert field(trip, "where").db_index is True and field(trip, "area").db_index is False

    link = model(pf, "Link")
    pk = index(link, primary=True)
    assert pk.columns == ("trip_id", "code") and pk.unique
    assert {i.columns for i in link.indexes if i.source == "unique_together"} == {("a", "b"), ("c", "d")}


def test_django_methods_reads_and_queries(facts, span):
    pf, src = facts(
        """
        from functools import cached_property
        from django.db import models

        class Event(models.Model):
            organizer = models.ForeignKey("auth.User", on_delete=models.CASCADE)

            def __str__(self):
                return f"{self.title} by {self.organizer.name}"

            @property
            def organizer_name(self):
                return self.organizer.name

            @cached_property
            def n_comments(self):
                return self.comments.count()

            def tag_names(self):
                return ", ".join(t.name for t in self.tags.all()) + self.tags.all()[0].name

            def similar(self):
                return Event.objects.filter(organizer_id=self.organizer_id).exclude(pk=self.pk)

            @classmethod
            def upcoming(cls):
                return cls.objects.filter(live=True).count()

            @staticmethod
            def helper(x):
                return x.organizer.name

            async def acount(self):
                return await Comment.published.filter(event=self).acount()

            def raw(self):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                return db.session.query(Event).get(1)

            @organizer_name.setter
            def organizer_name(self, value):
                self.organizer.name = value
        """
    )
    ev = model(pf, "Event")
    kinds = {p.name: p.kind for p in ev.properties}
    assert kinds == {
        "__str__": "method",
        "organizer_name": "setter",  # the later definition (the setter) is the second entry with that name
        "n_comments": "cached_property",
        "tag_names": "method",
        "similar": "method",
        "upcoming": "classmethod",
        "helper": "staticmethod",
        "acount": "method",
        "raw": "method",
    }
    assert [p.kind for p in ev.properties if p.name == "organizer_name"] == ["property", "setter"]
    assert reads(ev, "__str__") == [("title",), ("organizer", "name")]
    s = [r for p in ev.properties if p.name == "__str__" for r in p.reads][1]
    assert s.span == span(src, "self.organizer.name")
    assert reads(ev, "n_comments") == [("comments", "count")]
    assert reads(ev, "tag_names") == [("tags", "all"), ("tags", "all", "name")]
    assert reads(ev, "similar") == [("organizer_id",), ("pk",)]
    assert queries(ev, "similar") == ["Event.objects.filter().exclude"]
    assert reads(ev, "upcoming") == [] and queries(ev, "upcoming") == ["cls.objects.filter().count"]
    assert reads(ev, "helper") == []
    assert [p.is_async for p in ev.properties if p.name == "acount"] == [True]
    assert queries(ev, "acount") == ["Comment.published.filter().acount"]  # a custom manager
    assert queries(ev, "raw") == ["cursor.execute", "db.session.query().get"]
    m = [p for p in ev.properties if p.name == "similar"][0]
    assert m.span == span(src, "similar")


def test_not_models(facts):
    pf, _ = facts(
        """
        import enum
        from django import forms
        from django.db import models
        from django.db.models import Func, FloatField
        from rest_framework import serializers
        from pydantic import BaseModel, Field

        class Distance(Func):
            function = "ST_Distance"
            output_field = FloatField()

        class EventForm(forms.Form):
            title = forms.CharField()

        class EventSerializer(serializers.ModelSerializer):
            title = serializers.CharField()
            class Meta:
                model = None

        class EventQuerySet(models.QuerySet):
            def live(self):
                return self.filter(live=True)

        class EventManager(models.Manager):
            pass

        class Status(models.TextChoices):
            OPEN = "open"

        class Color(enum.Enum):
            RED = 1

        class Schema(BaseModel):
            name: str = Field(max_length=3)

        class Plain:
            x = 1
        """,
        module="shop.models",
    )
    assert pf.models == ()


def test_candidates_from_model_modules(facts):
    src = """
    from shop.models.base import Trackable
    from shop.utils import Helper
    from other_lib.models import ThirdPartyModel
    from .mixins import Priced

    class Event(Trackable):
        def label(self):
            return self.organizer.name

    class Util(Helper):
        pass

    class Ext(ThirdPartyModel):
        pass

    class Offer(Priced):
        pass
    """
    pf, _ = facts(src, module="shop.models.events")
    got = {m.name: (m.framework, m.bases) for m in pf.models}
    assert got == {
        "Event": ("unknown", ("shop.models.base.Trackable",)),  # a base from a models module
        "Ext": ("unknown", ("other_lib.models.ThirdPartyModel",)),
        "Util": ("unknown", ("shop.utils.Helper",)),  # this file is a models module: same-package bases count
        "Offer": ("unknown", ("shop.models.mixins.Priced",)),
    }
    assert reads(model(pf, "Event"), "label") == [("organizer", "name")]
    # outside a models module, a same-package base that is not from a models module is not a candidate
    pf, _ = facts(src, module="shop.views")
    assert {m.name for m in pf.models} == {"Event", "Ext"}


def test_star_imports(facts):
    pf, _ = facts(
        """
        from django.db.models import *

        class Event(Model):
            organizer = ForeignKey("auth.User", on_delete=CASCADE)
        """
    )
    ev = model(pf, "Event")
    assert ev.framework == "django" and ev.bases == ("django.db.models.Model",)
    assert field(ev, "organizer").kind == "fk"


# --- SQLAlchemy ------------------------------------------------------------------------------

SA_1X = """
from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Index, Integer, PrimaryKeyConstraint, String, Table, UniqueConstraint, func, text
from sqlalchemy.orm import backref, declarative_base, dynamic_loader, relationship
from app.people import Person

Base = declarative_base()

post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id"), primary_key=True),
    Index("ix_post_tags_tag", "tag_id"),
)


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), unique=True, nullable=False)
    name = Column("full_name", String, index=True)
    posts = relationship("Post", backref=backref("author", lazy="joined"), lazy="dynamic")
    drafts = dynamic_loader("Post")
    profile = relationship("Profile", uselist=False, backref="user")


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_author_created", "author_id", "created_at"),
        Index("ix_posts_title_trgm", "title", postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"}),
        Index("ix_posts_lower_title", func.lower(text("title"))),
        Index("ix_posts_live", "status", postgresql_where=text("status = 'live'")),
        UniqueConstraint("author_id", "slug", name="uq_posts_slug"),
        ForeignKeyConstraint(["editor_id"], ["users.id"]),
        {"schema": "blog"},
    )
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("users.id"))
    editor_id = Column(Integer)
    title = Column(String)
    status = Column(String)
    slug = Column(String)
    created_at = Column(String)
    tags = relationship("Tag", secondary=post_tags, lazy="selectin", back_populates="posts")
    comments = relationship("Comment", lazy=True)
    likes = relationship("Like", lazy=False)
    ghosts = relationship("Ghost", lazy=None)
    person = relationship(Person)


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (PrimaryKeyConstraint("id", name="tags_pk"),)
    id = Column(Integer)
    posts = relationship("Post", secondary="post_tags", back_populates="tags")


Index("ix_posts_status_created", Post.status, Post.created_at.desc())
Index("ix_post_tags_post", post_tags.c.post_id)
Index("ix_person_email", func.lower(Person.email), unique=True)
"""


def test_sqlalchemy_1x_declarative(facts, span):
    pf, src = facts(SA_1X, module="blog.models")
    base = model(pf, "Base", kind="base")
    assert base.framework == "sqlalchemy" and base.bases == ("sqlalchemy.orm.declarative_base",)
    user = model(pf, "User")
    assert (user.framework, user.table, user.bases, user.abstract) == ("sqlalchemy", "users", ("blog.models.Base",), False)
    uid = field(user, "id")
    assert (uid.kind, uid.primary_key, uid.nullable, uid.field_class) == ("column", True, False, "Column")
    email = field(user, "email")
    assert (email.unique, email.nullable) == (True, False)
    name = field(user, "name")
    assert (name.column, name.db_index, name.nullable) == ("full_name", True, True)
    posts = field(user, "posts")
    assert (posts.kind, posts.target, posts.lazy, posts.backref, posts.backref_lazy) == ("relationship", "Post", "dynamic", "author", "joined")
    at = span(src, "posts = relationship(")
    assert posts.span == type(at)(at.line, at.column, at.line, at.column + 5)
    assert field(user, "drafts").lazy == "dynamic"
    prof = field(user, "profile")
    assert (prof.uselist, prof.collection, prof.backref, prof.backref_lazy, prof.lazy) == (False, False, "user", None, "select")
    assert {i.columns: (i.unique, i.primary, i.source) for i in user.indexes} == {
        ("id",): (True, True, "primary_key"),
        ("email",): (True, False, "field"),
        ("name",): (False, False, "field"),
    }

    post = model(pf, "Post")
    author = field(post, "author_id")
    assert (author.kind, author.target, author.db_index) == ("fk", "users.id", False)
    assert field(post, "editor_id").kind == "fk" and field(post, "editor_id").target == "users.id"  # ForeignKeyConstraint
    tags = field(post, "tags")
    assert (tags.target, tags.secondary, tags.lazy, tags.back_populates, tags.collection) == ("Tag", "blog.models.post_tags", "selectin", "posts", True)
    assert field(post, "comments").lazy == "select"  # lazy=True
    assert field(post, "likes").lazy == "joined"  # lazy=False
    assert field(post, "ghosts").lazy == "noload"  # lazy=None
    assert field(post, "person").target == "app.people.Person" and field(post, "person").collection is None
    assert index(post, name="ix_posts_author_created").columns == ("author_id", "created_at")
    trgm = index(post, name="ix_posts_title_trgm")
    assert (trgm.kind, trgm.opclasses) == ("gin", ("gin_trgm_ops",))
    low = index(post, name="ix_posts_lower_title")
    assert low.expressions and low.columns == ('func.lower(text("title"))',)
    assert index(post, name="ix_posts_live").where == "status = 'live'"
    assert index(post, name="uq_posts_slug").unique and index(post, name="uq_posts_slug").source == "constraint"
    mod = index(post, name="ix_posts_status_created")  # module-level Index on the class
    assert (mod.columns, mod.desc) == (("status", "created_at"), (False, True))

    tag = model(pf, "Tag")
    assert index(tag, name="tags_pk").primary
    assert field(tag, "posts").secondary == "post_tags"

    pt = model(pf, "post_tags", kind="table")
    assert (pt.table, pt.framework, pt.qualname) == ("post_tags", "sqlalchemy", "blog.models.post_tags")
    assert [(f.name, f.kind, f.target, f.primary_key) for f in pt.fields] == [
        ("post_id", "fk", "posts.id", True),
        ("tag_id", "fk", "tags.id", True),
    ]
    assert {i.columns for i in pt.indexes} == {("tag_id",), ("post_id",), ("post_id", "tag_id")}
    assert index(pt, primary=True).columns == ("post_id", "tag_id")

    ext = model(pf, "Person", kind="external")  # an index on a model defined elsewhere
    assert ext.qualname == "app.people.Person" and ext.indexes[0].unique and ext.indexes[0].expressions


def test_sqlalchemy_2_mapped(facts):
    pf, _ = facts(
        """
        from __future__ import annotations
        from typing import List, Optional
        import sqlalchemy as sa
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import DeclarativeBase, DynamicMapped, Mapped, WriteOnlyMapped, mapped_column, relationship
        from app.audit import AuditLog

        class Base(DeclarativeBase):
            pass

        class TimestampMixin:
            created_at: Mapped[sa.DateTime] = mapped_column(index=True)

        class Company(Base):
            __tablename__ = "companies"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str] = mapped_column(sa.String(50), unique=True)
            nick: Mapped[Optional[str]]
            motto: Mapped[str | None] = mapped_column("company_motto")
            employees: Mapped[list["Employee"]] = relationship(back_populates="company")
            projects: Mapped[List["Project"]] = relationship(lazy="selectin")
            logs: WriteOnlyMapped[AuditLog] = relationship()
            events: DynamicMapped["Event"] = relationship()
            tags: Mapped[set[Tag]] = relationship(secondary="company_tags", lazy="raise_on_sql")

        class Employee(TimestampMixin, Base):
            __tablename__ = "employees"
            id: Mapped[int] = mapped_column(primary_key=True)
            company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
            company: Mapped["Company"] = relationship(back_populates="employees", lazy="joined")
            boss: Mapped[Optional[Employee]] = relationship(remote_side=[id])

        class Abstract(Base):
            __abstract__ = True
            id: Mapped[int] = mapped_column(primary_key=True)
        """,
        module="hr.models",
    )
    base = model(pf, "Base")
    assert base.abstract and base.bases == ("sqlalchemy.orm.DeclarativeBase",)
    mixin = model(pf, "TimestampMixin")
    assert mixin.framework == "sqlalchemy" and mixin.abstract and mixin.bases == ()
    co = model(pf, "Company")
    assert co.bases == ("hr.models.Base",) and not co.abstract
    assert (field(co, "id").primary_key, field(co, "id").nullable) == (True, False)
    assert field(co, "name").nullable is False and field(co, "name").unique
    nick = field(co, "nick")
    assert (nick.kind, nick.field_class, nick.nullable) == ("column", "Mapped", True)
    motto = field(co, "motto")
    assert (motto.column, motto.nullable) == ("company_motto", True)
    emp = field(co, "employees")
    assert (emp.target, emp.collection, emp.lazy, emp.back_populates) == ("hr.models.Employee", True, "select", "company")
    proj = field(co, "projects")
    assert (proj.target, proj.collection, proj.lazy) == ("Project", True, "selectin")
    logs = field(co, "logs")
    assert (logs.target, logs.lazy, logs.collection) == ("app.audit.AuditLog", "write_only", True)
    assert (field(co, "events").lazy, field(co, "events").target) == ("dynamic", "Event")
    tags = field(co, "tags")
    assert (tags.collection, tags.lazy, tags.secondary, tags.target) == (True, "raise_on_sql", "company_tags", "Tag")

    e = model(pf, "Employee")
    assert e.bases == ("hr.models.TimestampMixin", "hr.models.Base")
    cid = field(e, "company_id")
    assert (cid.kind, cid.target, cid.db_index, cid.nullable) == ("fk", "companies.id", True, False)
    comp = field(e, "company")
    assert (comp.target, comp.collection, comp.lazy) == ("hr.models.Company", False, "joined")
    boss = field(e, "boss")
    assert (boss.target, boss.collection) == ("hr.models.Employee", False)
    assert model(pf, "Abstract").abstract


def test_sqlalchemy_model_with_imported_base(facts):
    pf, _ = facts(
        """
        from sqlalchemy.orm import Mapped, mapped_column
        from app.db import Base

        class Invoice(Base):
            __tablename__ = "invoices"
            id: Mapped[int] = mapped_column(primary_key=True)

        class PaidInvoice(Invoice):
            __mapper_args__ = {"polymorphic_identity": "paid"}
        """,
        module="app.billing",
    )
    inv = model(pf, "Invoice")
    assert (inv.framework, inv.bases, inv.table) == ("sqlalchemy", ("app.db.Base",), "invoices")
    sub = model(pf, "PaidInvoice")  # no columns of its own: known through its base
    assert (sub.framework, sub.bases, sub.fields) == ("sqlalchemy", ("app.billing.Invoice",), ())


def test_flask_sqlalchemy(facts):
    pf, _ = facts(
        """
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()

        tags = db.Table(
            "tags",
            db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
            db.Column("page_id", db.Integer, db.ForeignKey("page.id"), primary_key=True),
        )

        class Page(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            owner_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)
            owner = db.relationship("User")
            tags = db.relationship("Tag", secondary=tags, lazy="subquery", backref=db.backref("pages", lazy=True))

            @property
            def summary(self):
                return Page.query.filter_by(owner_id=self.owner_id).count() + len(self.owner.pages)

        class Tag(db.Model):
            id = db.Column(db.Integer, primary_key=True)
        """,
        module="app.models",
    )
    page = model(pf, "Page")
    assert (page.framework, page.bases, page.table) == ("sqlalchemy", ("db.Model",), None)
    assert field(page, "owner_id").kind == "fk" and field(page, "owner_id").db_index
    owner = field(page, "owner")
    assert (owner.kind, owner.target, owner.lazy, owner.collection) == ("relationship", "User", "select", None)
    t = field(page, "tags")
    assert (t.secondary, t.lazy, t.backref, t.backref_lazy, t.collection) == ("app.models.tags", "subquery", "pages", "select", True)
    assert reads(page, "summary") == [("owner_id",), ("owner", "pages")]
    assert queries(page, "summary") == ["Page.query.filter_by().count"]
    assert model(pf, "tags", kind="table").table == "tags"
    assert sa.flask_default_tablename("Page") == "page"

    # `db` imported from the project: `db.Model` is still Flask-SQLAlchemy, and so is `db.Column`
    pf, _ = facts(
        """
        from app.extensions import db

        class Audit(db.Model):
            pass

        class Log(db.Model):
            id = db.Column(db.Integer, primary_key=True)
        """,
        module="app.audit",
    )
    assert model(pf, "Audit").framework == "sqlalchemy" and model(pf, "Audit").bases == ("app.extensions.db.Model",)
    assert field(model(pf, "Log"), "id").primary_key


def test_sqlmodel(facts):
    pf, _ = facts(
        """
        from typing import Optional
        from sqlmodel import Column, Field, Relationship, SQLModel, String

        class HeroTeamLink(SQLModel, table=True):
            team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)
            hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)

        class TeamBase(SQLModel):
            name: str = Field(index=True)
            headquarters: str

        class Team(TeamBase, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            heroes: list["Hero"] = Relationship(back_populates="team", sa_relationship_kwargs={"lazy": "selectin"})

        class Hero(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            name: str = Field(sa_column=Column("hero_name", String, unique=True))
            age: int | None = None
            team_id: int | None = Field(default=None, foreign_key="team.id")
            team: Team | None = Relationship(back_populates="heroes")
            teams: list[Team] = Relationship(link_model=HeroTeamLink)
        """,
        module="heroes",
    )
    link = model(pf, "HeroTeamLink")
    assert (link.framework, link.abstract) == ("sqlmodel", False)
    assert index(link, primary=True).columns == ("team_id", "hero_id")
    tb = model(pf, "TeamBase")
    assert tb.abstract and field(tb, "name").db_index and field(tb, "headquarters").nullable is False
    team = model(pf, "Team")
    assert team.bases == ("heroes.TeamBase",) and not team.abstract and team.framework == "sqlmodel"
    heroes = field(team, "heroes")
    assert (heroes.kind, heroes.field_class, heroes.target, heroes.collection, heroes.lazy) == (
        "relationship",
        "Relationship",
        "heroes.Hero",
        True,
        "selectin",
    )
    hero = model(pf, "Hero")
    name = field(hero, "name")
    assert (name.column, name.unique, name.field_class) == ("hero_name", True, "Field")
    assert field(hero, "age").nullable is True and field(hero, "age").kind == "column"
    assert (field(hero, "team_id").kind, field(hero, "team_id").target) == ("fk", "team.id")
    t = field(hero, "team")
    assert (t.target, t.collection, t.lazy, t.back_populates) == ("heroes.Team", False, "select", "heroes")
    assert (field(hero, "teams").secondary, field(hero, "teams").collection) == ("heroes.HeroTeamLink", True)


def test_models_pickle_and_empty(facts):
    pf, _ = facts(SA_1X, module="blog.models")
    assert pickle.loads(pickle.dumps(pf)) == pf
    pf, _ = facts(DJANGO_MODELS, module="shop.models")
    assert pickle.loads(pickle.dumps(pf)) == pf
    assert facts("x = 1\n")[0].models == ()


def test_odd_model_code_does_not_raise(facts):
    pf, _ = facts(
        """
        from django.db import models
        import sqlalchemy as sa
        from sqlalchemy.orm import relationship, Mapped

        class A(models.Model):
            a, b = models.CharField(), models.CharField()
            c = d = models.IntegerField()
            e = models.ForeignKey(*args, **kwargs)
            f = models.ForeignKey()
            g: models.Field = models.CharField
            locals()["h"] = models.CharField()
            if True:
                i = models.CharField()
            class Meta:
                indexes = INDEXES
                constraints = [models.UniqueConstraint(*cols, name=N)]
                unique_together = [[]]
                ordering = "name"
            def m(self, *a, **k): return (lambda: self.x.y)()[0].z
            def n(): return self
            @property
            def o(self): return self[0].p

        class B(sa.orm.DeclarativeBase):
            __table_args__ = {"schema": "x"}
            __tablename__ = name_of()
            x: Mapped["List[Broken"] = relationship(lazy=LAZY, uselist=U, backref=sa.orm.backref())
            y: Mapped = relationship()
            z = relationship(secondary=lambda: tbl)

        sa.Index()
        sa.Index("ix")
        sa.Index("ix", B.x, B.y)
        T = sa.Table()
        U = sa.Table("u", meta, *cols)
        """
    )
    a = model(pf, "A")
    assert field(a, "e").target is None and field(a, "f").target is None
    assert a.ordering == ("name",)
    b = model(pf, "B")
    assert field(b, "x").lazy is None  # lazy=LAZY: unknown
    assert field(b, "z").secondary == "tbl"
    assert index(b, name="ix").columns == ("x", "y")


# --- framework tables --------------------------------------------------------------------------


def test_framework_tables():
    assert sa.PER_ROW_QUERY_STRATEGIES == {"select", "baked_select", "dynamic", "immediate"}
    assert sa.LAZY_ON_ACCESS == {"select", "baked_select", "dynamic"}
    assert sa.EAGER_STRATEGIES == {"joined", "selectin", "subquery"}
    assert sa.EAGER_OPTIONS == {"joinedload", "selectinload", "subqueryload", "contains_eager"}
    assert sa.SILENCING_OPTIONS == sa.EAGER_OPTIONS | {"raiseload", "noload"}
    assert set(sa.LOADER_OPTIONS) == {
        "joinedload",
        "selectinload",
        "subqueryload",
        "contains_eager",
        "raiseload",
        "immediateload",
        "lazyload",
        "defaultload",
        "noload",
    }
    assert sa.flask_default_tablename("OrderItem") == "order_item"
    assert sa.flask_default_tablename("HTTPRequest") == "http_request"
    assert sa.sqlmodel_default_tablename("HeroTeam") == "heroteam"
    assert dj.reverse_accessor("Event", "fk", None) == "event_set"
    assert dj.reverse_accessor("Event", "o2o", None) == "event"
    assert dj.reverse_accessor("Event", "fk", "events") == "events"
    assert dj.reverse_accessor("Event", "fk", "+") is None
    assert dj.reverse_accessor("Event", "m2m", None, "%(app_label)s_%(class)ss", app_label="Shop") == "shop_events"
    assert dj.default_table("shop", "OrderItem") == "shop_orderitem"
    assert dj.EAGER_LOADS == {"select_related", "prefetch_related"}


_SA_PROBE = r"""
import json, warnings
warnings.simplefilter("ignore")
from sqlalchemy import ForeignKey, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

class Base(DeclarativeBase):
    pass

def pair(lazy):
    kid = type(f"K_{lazy}", (Base,), {
        "__tablename__": f"k_{lazy}",
        "__annotations__": {"id": Mapped[int], "pid": Mapped[int]},
        "id": mapped_column(primary_key=True),
        "pid": mapped_column(ForeignKey(f"p_{lazy}.id")),
    })
    parent = type(f"P_{lazy}", (Base,), {
        "__tablename__": f"p_{lazy}",
        "__annotations__": {"id": Mapped[int]},
        "id": mapped_column(primary_key=True),
        "kids": relationship(kid, lazy=lazy),
    })
    return parent, kid

STRATEGIES = %s
pairs = {s: pair(s) for s in STRATEGIES}
engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
n = [0]
event.listen(engine, "before_cursor_execute", lambda *a: n.__setitem__(0, n[0] + 1))
out = {}
for lazy, (P, K) in pairs.items():
    with Session(engine) as s:
        for i in range(5):
            p = P(); s.add(p); s.flush()
            s.add_all([K(pid=p.id), K(pid=p.id)])
        s.commit()
    with Session(engine) as s:
        n[0] = 0
        ps = s.scalars(select(P)).unique().all()
        load, n[0] = n[0], 0
        raised = not_iterable = False
        try:
            for p in ps:
                p.kids
        except Exception:
            raised = True
        access, n[0] = n[0], 0
        try:
            for p in ps:
                list(p.kids)
            iterate = n[0]
        except Exception:
            not_iterable = True
            iterate = 0
        n[0] = 0
        try:
            for p in ps:
                list(p.kids)
            again = n[0]
        except Exception:
            again = 0
        out[lazy] = [load, access, iterate, again, raised, not_iterable]
print(json.dumps(out))
"""


def test_loader_strategy_table_matches_sqlalchemy():
    """Five parents with two children each: the statements each strategy runs at load, on the
    first access, on iteration and on a second iteration agree with LOADER_STRATEGIES."""
    pytest.importorskip("sqlalchemy")
    import json

    names = [n for n in sa.LOADER_STRATEGIES if n != "baked_select"]
    r = subprocess.run([sys.executable, "-c", _SA_PROBE % repr(names)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    rows = 5
    for name in names:
        s = sa.LOADER_STRATEGIES[name]
        load, access, iterate, again, raised, not_iterable = got[name]
        assert raised == s.raises, name
        assert not_iterable == (s.raises or name == "write_only"), name
        assert (load == 1 + rows) == s.query_per_row_at_load, (name, load)
        assert (load in (1, 2) and access == 0 and iterate == 0) == (s.eager or s.raises or name in ("noload", "write_only")), name
        assert (access == rows) == s.query_on_access, (name, access)
        assert (iterate == rows and again == rows) == s.query_per_use, (name, iterate, again)


_DJ_PROBE = r"""
import json
from django.conf import settings
settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"])
import django
django.setup()
from django.db import models
out = {}
for name in %s:
    cls = getattr(models, name)
    if name in ("ForeignKey", "OneToOneField"):
        f = cls("auth.User", on_delete=models.CASCADE)
    elif name == "ManyToManyField":
        f = cls("auth.User")
    elif name == "DecimalField":
        f = cls(max_digits=5, decimal_places=2)
    else:
        f = cls()
    out[name] = [f.db_index, f.unique, bool(f.many_to_many), bool(f.many_to_one), bool(f.one_to_one)]
print(json.dumps(out))
"""


def test_django_field_table_matches_django():
    """db_index / unique defaults and relation kinds agree with Django's own field classes."""
    pytest.importorskip("django")
    import django.db.models as djm

    names = [n for n in dj.FIELDS if hasattr(djm, n) and n not in ("ForeignObject", "GeneratedField", "CompositePrimaryKey")]
    assert len(names) > 30
    r = subprocess.run([sys.executable, "-c", _DJ_PROBE % repr(names)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    got = __import__("json").loads(r.stdout)
    kinds = {(True, False, False): "m2m", (False, True, False): "fk", (False, False, True): "o2o", (False, False, False): "column"}
    for name, (db_index, unique, m2m, m2o, o2o) in got.items():
        spec = dj.FIELDS[name]
        assert (spec.db_index, spec.unique) == (db_index, unique), name
        assert spec.kind == kinds[(m2m, m2o, o2o)], name


# --- robustness over real packages -------------------------------------------------------------


def _package_files(name: str) -> tuple[pathlib.Path, list[pathlib.Path]]:
    mod = pytest.importorskip(name)
    root = pathlib.Path(mod.__file__).parent
    return root.parent, sorted(root.rglob("*.py"))


@pytest.mark.parametrize("package", ["django", "sqlalchemy"])
def test_every_file_of_installed_orms(package, capsys):
    """STRICT is on (conftest): any exception in the model extraction fails here."""
    base, files = _package_files(package)
    assert len(files) > 200
    models: dict[str, ModelDef] = {}
    for path in files:
        source = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(source)
        except SyntaxError:  # pragma: no cover
            continue
        rel = path.relative_to(base).as_posix()
        pf = extract_python_facts(tree, source, module_name_for(rel), is_package=path.name == "__init__.py")
        pickle.dumps(pf)
        for m in pf.models:
            models[m.qualname] = m
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    if package == "django":
        user = models["django.contrib.auth.models.AbstractUser"]
        assert user.framework == "django" and user.abstract
        assert field(user, "username").unique
        perm = models["django.contrib.auth.models.PermissionsMixin"]
        assert field(perm, "groups").kind == "m2m" and field(perm, "groups").target == "django.contrib.auth.models.Group"
        assert models["django.contrib.auth.models.Permission"].ordering is not None
        assert field(models["django.contrib.admin.models.LogEntry"], "user").target == "settings.AUTH_USER_MODEL"
        # expressions with `output_field = FloatField()` and the like are not models
        assert all(m.framework == "django" for m in models.values())
        assert not any(".functions." in q or ".aggregates." in q for q in models)
    else:
        pg_class = models["sqlalchemy.dialects.postgresql.pg_catalog.pg_class"]
        assert pg_class.kind == "table" and pg_class.table == "pg_class" and len(pg_class.fields) > 10
