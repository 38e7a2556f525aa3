"""Django ORM knowledge as plain data: model roots, field classes, indexes, managers, querysets
and eager loads. Fact extraction (scalelint.python.orm) and the rules read these tables; checked
against Django 5.2 (fields' `db_index`/`unique` defaults read from instances of the classes).
Then how requests reach code: urls, class-based views, middleware, context processors,
template tags and signals (scalelint.python.routes, scalelint.project.handlers).
"""

from __future__ import annotations

from dataclasses import dataclass

# --- what is a model ---------------------------------------------------------------------

# Qualified classes a project model may subclass directly (concrete and abstract).
MODEL_BASES = frozenset(
    {
        "django.db.models.Model",
        "django.db.models.base.Model",
        "django.contrib.gis.db.models.Model",
        "django.contrib.auth.models.AbstractUser",
        "django.contrib.auth.models.AbstractBaseUser",
        "django.contrib.auth.base_user.AbstractBaseUser",
        "django.contrib.auth.models.PermissionsMixin",
        "django.contrib.auth.models.User",
        "django.contrib.auth.models.Group",
        "django.contrib.auth.models.Permission",
        "django.contrib.contenttypes.models.ContentType",
        "django.contrib.sites.models.Site",
        "django.contrib.sessions.base_session.AbstractBaseSession",
        "django.contrib.sessions.models.Session",
        "django.contrib.flatpages.models.FlatPage",
        "django.contrib.redirects.models.Redirect",
        "django.contrib.admin.models.LogEntry",
    }
)

# Modules whose names are model fields / indexes / constraints (a qualified callee is looked up
# by its last name when it lies in one of them).
MODEL_MODULES = frozenset(
    {
        "django.db.models",
        "django.db.models.fields",
        "django.db.models.fields.related",
        "django.db.models.fields.files",
        "django.db.models.fields.json",
        "django.db.models.fields.composite",
        "django.db.models.fields.generated",
        "django.db.models.indexes",
        "django.db.models.constraints",
        "django.contrib.postgres.fields",
        "django.contrib.postgres.fields.array",
        "django.contrib.postgres.fields.hstore",
        "django.contrib.postgres.fields.ranges",
        "django.contrib.postgres.fields.citext",
        "django.contrib.postgres.indexes",
        "django.contrib.postgres.constraints",
        "django.contrib.contenttypes.fields",
        "django.contrib.gis.db.models",
        "django.contrib.gis.db.models.fields",
    }
)

# `from django.db.models import *` binds these (enough to recognise models written that way)
STAR_MODULES = frozenset({"django.db.models", "django.contrib.gis.db.models"})


# --- fields ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    kind: str  # column | fk | o2o | m2m | generic
    db_index: bool = False  # default of `db_index`
    unique: bool = False  # default of `unique`
    spatial: bool = False  # GeoDjango: a GiST index by default (`spatial_index=True`)
    collection: bool | None = False


_COLUMN = FieldSpec("column")
_SPATIAL = FieldSpec("column", spatial=True)

FIELDS: dict[str, FieldSpec] = {
    # relations: accessing one on an instance runs a query unless select_related / prefetch_related
    "ForeignKey": FieldSpec("fk", db_index=True),
    "ForeignObject": FieldSpec("fk"),
    "OneToOneField": FieldSpec("o2o", db_index=True, unique=True),
    "ManyToManyField": FieldSpec("m2m", collection=True),
    "GenericForeignKey": FieldSpec("generic"),
    "GenericRelation": FieldSpec("generic", collection=True),
    # columns
    "SlugField": FieldSpec("column", db_index=True),
    **{
        n: _COLUMN
        for n in (
            "Field",
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "BigIntegerField",
            "BinaryField",
            "BooleanField",
            "NullBooleanField",
            "CharField",
            "CommaSeparatedIntegerField",
            "DateField",
            "DateTimeField",
            "DecimalField",
            "DurationField",
            "EmailField",
            "FileField",
            "FilePathField",
            "FloatField",
            "GeneratedField",
            "GenericIPAddressField",
            "IPAddressField",
            "ImageField",
            "IntegerField",
            "JSONField",
            "PositiveBigIntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "SmallIntegerField",
            "TextField",
            "TimeField",
            "URLField",
            "UUIDField",
            # django.contrib.postgres.fields
            "ArrayField",
            "HStoreField",
            "CICharField",
            "CIEmailField",
            "CITextField",
            "IntegerRangeField",
            "BigIntegerRangeField",
            "DecimalRangeField",
            "DateTimeRangeField",
            "DateRangeField",
            # django.contrib.gis non-spatial
            "ExtentField",
        )
    },
    # django.contrib.gis.db.models: spatial_index=True by default (a GiST index on PostGIS)
    **{
        n: _SPATIAL
        for n in (
            "GeometryField",
            "PointField",
            "LineStringField",
            "PolygonField",
            "MultiPointField",
            "MultiLineStringField",
            "MultiPolygonField",
            "GeometryCollectionField",
            "RasterField",
        )
    },
}

# Well-known third-party fields, recognised by their class name wherever they are imported from.
THIRD_PARTY_FIELDS: dict[str, FieldSpec] = {
    "TaggableManager": FieldSpec("m2m", collection=True),  # django-taggit (a field, despite the name)
    "TreeForeignKey": FieldSpec("fk", db_index=True),  # django-mptt
    "TreeOneToOneField": FieldSpec("o2o", db_index=True, unique=True),
    "TreeManyToManyField": FieldSpec("m2m", collection=True),
    "ParentalKey": FieldSpec("fk", db_index=True),  # django-modelcluster (Wagtail)
    "ParentalManyToManyField": FieldSpec("m2m", collection=True),
    "SortedManyToManyField": FieldSpec("m2m", collection=True),  # django-sortedm2m
    "AutoSlugField": FieldSpec("column", db_index=True),  # django-extensions / django-autoslug: SlugField subclasses
}

# A composite primary key (Django 5.2): `pk = models.CompositePrimaryKey("a", "b")`
COMPOSITE_PK = "CompositePrimaryKey"

RELATION_KINDS = frozenset({"fk", "o2o", "m2m", "generic"})
# forward relations that hold one object (cached on the instance after the first access)
SINGLE_RELATION_KINDS = frozenset({"fk", "o2o"})
# the column Django adds for a forward FK/O2O: reading `<name>_id` never queries
FK_COLUMN_SUFFIX = "_id"


def reverse_accessor(
    model_name: str,
    kind: str,
    related_name: str | None,
    default_related_name: str | None = None,
    app_label: str | None = None,
) -> str | None:
    """Name of the accessor Django puts on the related model for a relation declared on
    `model_name`; None when hidden (a name ending in `+`). A symmetrical M2M to "self" has no
    reverse accessor either: the caller knows the target."""
    name = related_name or default_related_name
    if name:
        if name.endswith("+"):
            return None
        low = model_name.lower()
        name = name.replace("%(class)s", low).replace("%(model_name)s", low)
        if app_label:
            name = name.replace("%(app_label)s", app_label.lower())
        return name
    if kind == "o2o":
        return model_name.lower()
    return f"{model_name.lower()}_set"


def default_table(app_label: str, model_name: str) -> str:
    return f"{app_label}_{model_name.lower()}"


# --- indexes and constraints ---------------------------------------------------------------

# Meta.indexes classes -> index kind
INDEX_CLASSES: dict[str, str] = {
    "Index": "btree",
    "BTreeIndex": "btree",
    "GinIndex": "gin",
    "GistIndex": "gist",
    "HashIndex": "hash",
    "BrinIndex": "brin",
    "SpGistIndex": "spgist",
    "BloomIndex": "bloom",
}
UNIQUE_CONSTRAINT = "UniqueConstraint"
EXCLUSION_CONSTRAINT = "ExclusionConstraint"  # django.contrib.postgres: backed by a GiST index by default
META_INDEX_OPTIONS = ("indexes", "constraints", "unique_together", "index_together")

# --- managers, querysets, eager loads ----------------------------------------------------

MANAGER_CLASSES = frozenset({"django.db.models.Manager", "django.db.models.manager.Manager", "django.db.models.manager.BaseManager"})
DEFAULT_MANAGER = "objects"

# related-object loading on a queryset
SELECT_RELATED = "select_related"  # forward FK / O2O, one JOIN
PREFETCH_RELATED = "prefetch_related"  # any relation, one extra query per lookup
PREFETCH = "Prefetch"  # django.db.models.Prefetch(lookup, queryset=..., to_attr=...)
PREFETCH_QUALNAMES = frozenset({"django.db.models.Prefetch", "django.db.models.query.Prefetch"})
GET_USER_MODEL = frozenset({"django.contrib.auth.get_user_model"})
# `Paginator(queryset, per_page)`: any page it gives, and these attributes, COUNT the queryset first
PAGINATOR_CLASSES = frozenset({"django.core.paginator.Paginator"})
PAGINATOR_PAGES = frozenset({"page", "get_page", "aget_page", "apage"})
PAGINATOR_COUNTS = frozenset({"count", "num_pages", "page_range", "acount", "anum_pages"})
EAGER_LOADS = frozenset({SELECT_RELATED, PREFETCH_RELATED})
LOOKUP_SEPARATOR = "__"

# queryset methods that return another queryset (chain: the eager loads carry through)
QUERYSET_CHAIN_METHODS = frozenset(
    {
        "all",
        "filter",
        "exclude",
        "order_by",
        "reverse",
        "distinct",
        "annotate",
        "alias",
        "select_related",
        "prefetch_related",
        "defer",
        "only",
        "using",
        "select_for_update",
        "extra",
        "none",
        "union",
        "intersection",
        "difference",
        "complex_filter",
        "fetch_mode",  # Django 6.1
    }
)
# rows that are not model instances: no relation to load lazily
ROW_METHODS = frozenset({"values", "values_list", "dates", "datetimes"})
# a single object (one query, no loop over rows)
SINGLE_OBJECT_METHODS = frozenset(
    {"get", "first", "last", "earliest", "latest", "get_or_create", "update_or_create", "create"}
    | {"aget", "afirst", "alast", "aearliest", "alatest", "aget_or_create", "aupdate_or_create", "acreate"}
)
# `obj, created = Model.objects.get_or_create(...)`: a pair whose first item is the instance
PAIR_METHODS = frozenset({"get_or_create", "update_or_create", "aget_or_create", "aupdate_or_create"})
# `get_object_or_404(Model | queryset, ...)` and its list form
OBJECT_SHORTCUTS = frozenset({"django.shortcuts.get_object_or_404", "django.shortcuts.aget_object_or_404"})
LIST_SHORTCUTS = frozenset({"django.shortcuts.get_list_or_404", "django.shortcuts.aget_list_or_404"})
# methods that run a query and return a number / bool / dict
AGGREGATE_METHODS = frozenset({"count", "exists", "aggregate", "contains", "acount", "aexists", "aaggregate"})
# methods of a queryset or related manager that always run a query of their own
# writes and bulk reads on a queryset / manager (each one query, or one per batch)
WRITE_METHODS = frozenset(
    {"update", "delete", "in_bulk", "bulk_create", "bulk_update"}
    | {"aupdate", "adelete", "ain_bulk", "abulk_create", "abulk_update"}
)
QUERY_METHODS = (
    QUERYSET_CHAIN_METHODS | ROW_METHODS | SINGLE_OBJECT_METHODS | AGGREGATE_METHODS | WRITE_METHODS
) | frozenset({"iterator", "raw", "explain"})
# writes on one model instance
INSTANCE_WRITE_METHODS = frozenset({"save", "delete", "refresh_from_db", "asave", "adelete", "arefresh_from_db"})

# --- serving and settings ----------------------------------------------------------------

# App constructors: qualified name -> (framework, interface, canonical name)
APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "django.core.wsgi.get_wsgi_application": ("django", "wsgi", "django.core.wsgi.get_wsgi_application"),
    "django.core.handlers.wsgi.WSGIHandler": ("django", "wsgi", "django.core.wsgi.get_wsgi_application"),
    "django.core.asgi.get_asgi_application": ("django", "asgi", "django.core.asgi.get_asgi_application"),
    "django.core.handlers.asgi.ASGIHandler": ("django", "asgi", "django.core.asgi.get_asgi_application"),
}
# Settings read from the environment: objects whose calls read it (`env = environ.Env()`,
# `config = AutoConfig()`; django-environ, environs, python-decouple)
ENV_READER_CONSTRUCTORS = frozenset({"environ.Env", "environs.Env", "decouple.AutoConfig", "decouple.Config"})
# A DATABASES alias parsed from a URL: `dj_database_url.config(conn_max_age=...)`
DATABASE_URL_PARSERS = frozenset({"dj_database_url.config", "dj_database_url.parse"})
DATABASE_URL_MODULE = "dj_database_url"
# `env.db()` and its aliases (django-environ): everything comes from the URL at run time
ENVIRON_DATABASE_METHODS = frozenset({"db", "db_url", "database_url", "db_url_config"})
ENVIRONS_DATABASE_METHOD = "dj_db_url"  # environs: takes conn_max_age like dj_database_url

# --- request handlers --------------------------------------------------------------------

URLPATTERNS = "urlpatterns"
# `path(route, view)` and its relatives: qualified function -> index of the view argument
URL_FUNCTIONS: dict[str, int] = {
    "django.urls.path": 1,
    "django.urls.re_path": 1,
    "django.urls.conf.path": 1,
    "django.urls.conf.re_path": 1,
    "django.conf.urls.url": 1,  # Django < 4
}
URL_MODULES = frozenset({"django.urls", "django.urls.conf", "django.conf.urls"})  # for `from django.urls import *`
URL_INCLUDE = frozenset({"django.urls.include", "django.urls.conf.include", "django.conf.urls.include"})
# Django < 1.10: `patterns("app.views", url(r"^$", "index"))` names views relative to its prefix
URL_PATTERNS_PREFIXED = frozenset({"django.conf.urls.patterns", "django.conf.urls.defaults.patterns"})
AS_VIEW = "as_view"
URLCONF_ATTRIBUTE = "urls"  # `path("admin/", admin.site.urls)`: an included URLconf
# `path("x/", login_required(views.x))`, `cache_page(60)(views.x)`: view decorators applied in urls.py,
# recognised by the module they come from
VIEW_DECORATOR_MODULES = (
    "django.views.decorators.",
    "django.contrib.auth.decorators.",
    "django.contrib.admin.views.decorators.",
)

# Class-based views: base -> handler methods the base provides itself (implicit when the project
# defines neither them nor `dispatch`)
_GENERIC = "django.views.generic"
_GENERIC_VIEWS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {  # module -> (class, implicit methods)
    "base": (("TemplateView", ("get",)), ("RedirectView", ("get",))),
    "list": (("ListView", ("get",)),),
    "detail": (("DetailView", ("get",)),),
    "edit": tuple((name, ("get", "post")) for name in ("FormView", "CreateView", "UpdateView", "DeleteView")),
    "dates": tuple(
        (name, ("get",))
        for name in ("ArchiveIndexView", "YearArchiveView", "MonthArchiveView", "WeekArchiveView", "DayArchiveView")
        + ("TodayArchiveView", "DateDetailView")
    ),
}
CLASS_VIEWS: dict[str, tuple[str, ...]] = {
    "django.views.View": (),
    "django.views.generic.View": (),
    "django.views.generic.base.View": (),
    **{f"{_GENERIC}.{module}.{name}": methods for module, views in _GENERIC_VIEWS.items() for name, methods in views},
    **{f"{_GENERIC}.{name}": methods for views in _GENERIC_VIEWS.values() for name, methods in views},  # re-exported
}
VIEW_HANDLER_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace", "dispatch"})
# generic views that list rows (`paginate_by` bounds them)
_LIST_VIEWS = ("ListView", "ArchiveIndexView", "YearArchiveView", "MonthArchiveView", "WeekArchiveView", "DayArchiveView")
LIST_VIEW_BASES = frozenset(q for q in CLASS_VIEWS if q.rpartition(".")[2] in (*_LIST_VIEWS, "TodayArchiveView"))
VIEW_ATTRIBUTES = ("queryset", "model", "paginate_by", "template_name", "context_object_name")

# Settings that name code run on every request (dotted strings)
MIDDLEWARE_SETTINGS = ("MIDDLEWARE", "MIDDLEWARE_CLASSES")
TEMPLATES_SETTING = "TEMPLATES"
CONTEXT_PROCESSORS = "context_processors"  # TEMPLATES[i]["OPTIONS"]["context_processors"]
# methods of a middleware class that run per request
MIDDLEWARE_METHODS = frozenset(
    {"__call__", "__acall__", "process_request", "process_view", "process_response", "process_template_response", "process_exception"}
)

# Template tag libraries: `register = template.Library()` and its decorators
TEMPLATE_LIBRARIES = frozenset({"django.template.Library", "django.template.library.Library"})
TEMPLATE_TAG_DECORATORS = frozenset({"simple_tag", "inclusion_tag", "filter", "tag", "simple_block_tag"})

# Signals whose receivers run inside the request that sent them (a save, a login, the request)
RECEIVER_DECORATORS = frozenset({"django.dispatch.receiver", "django.dispatch.dispatcher.receiver"})
SIGNAL_CONNECT = "connect"
REQUEST_SIGNALS = frozenset(
    {f"django.db.models.signals.{n}" for n in ("pre_init", "post_init", "pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed")}
    | {f"django.core.signals.{n}" for n in ("request_started", "request_finished", "got_request_exception")}
    | {f"django.contrib.auth.signals.{n}" for n in ("user_logged_in", "user_logged_out", "user_login_failed")}
)

# Methods of a class-based view that Django itself calls while serving a request to it (the
# generic views' get()/post() call them): they are on the request path like the handler is
VIEW_HOOKS = frozenset(
    {
        "setup", "get_queryset", "get_object", "get_context_data", "get_context_object_name",
        "get_template_names", "render_to_response", "get_form", "get_form_class", "get_form_kwargs",
        "get_initial", "form_valid", "form_invalid", "get_success_url", "get_paginate_by",
        "paginate_queryset", "get_ordering", "get_redirect_url", "get_allow_empty",
    }
)
# Forms: `form.is_valid()` / `form.full_clean()` run `clean_<field>` and `clean` (the call graph
# follows them, and a form class-based view's `form_class` runs them on POST)
FORM_BASES = frozenset(
    {
        "django.forms.Form", "django.forms.ModelForm", "django.forms.BaseForm", "django.forms.BaseModelForm",
        "django.forms.forms.Form", "django.forms.forms.BaseForm", "django.forms.models.ModelForm",
        "django.forms.models.BaseModelForm",
    }
)
FORM_VALIDATE_METHODS = frozenset({"is_valid", "full_clean"})
FORM_CLEAN_METHODS = ("clean", "_post_clean")
FORM_CLEAN_PREFIX = "clean_"
FORM_CLASS_ATTRIBUTE = "form_class"

# a view's request and the signed-in user it carries (`request.user`, `self.request.user`)
REQUEST_PARAM = "request"
REQUEST_USER = "user"
