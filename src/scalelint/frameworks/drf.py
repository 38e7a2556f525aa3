"""Django REST framework: which classes are API views and viewsets, the actions they provide
without the project writing them, how they are routed, and what paginates them.
Checked against DRF 3.18's `generics`, `viewsets`, `mixins` and `pagination` modules."""

from __future__ import annotations

# `@api_view(["GET", "POST"])`: a function view; `@action(detail=True, methods=["post"])`: an extra viewset action
API_VIEW_DECORATORS = frozenset({"rest_framework.decorators.api_view"})
ACTION_DECORATORS = frozenset(
    {"rest_framework.decorators.action"}
    | {"rest_framework.decorators.detail_route", "rest_framework.decorators.list_route"}  # DRF < 3.10
)

# action -> HTTP method (the router's mapping; a generic API view's method of the same meaning)
ACTION_HTTP: dict[str, str] = {
    "list": "GET",
    "retrieve": "GET",
    "create": "POST",
    "update": "PUT",
    "partial_update": "PATCH",
    "destroy": "DELETE",
}
ACTIONS = frozenset(ACTION_HTTP)
HTTP_HANDLER_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})

_M = "rest_framework.mixins"
# Viewsets: base -> actions it provides (implicit when the project does not define them)
VIEWSET_BASES: dict[str, tuple[str, ...]] = {
    "rest_framework.viewsets.ViewSetMixin": (),
    "rest_framework.viewsets.ViewSet": (),
    "rest_framework.viewsets.GenericViewSet": (),
    "rest_framework.viewsets.ReadOnlyModelViewSet": ("list", "retrieve"),
    "rest_framework.viewsets.ModelViewSet": ("list", "create", "retrieve", "update", "partial_update", "destroy"),
}
# mixins give a viewset their action (a generic API view needs its own get()/post() to call them)
MIXINS: dict[str, tuple[str, ...]] = {
    f"{_M}.ListModelMixin": ("list",),
    f"{_M}.CreateModelMixin": ("create",),
    f"{_M}.RetrieveModelMixin": ("retrieve",),
    f"{_M}.UpdateModelMixin": ("update", "partial_update"),
    f"{_M}.DestroyModelMixin": ("destroy",),
}
_G = "rest_framework.generics"
# API views: base -> actions its HTTP methods run (implicit when the project defines neither the
# action nor the HTTP method that calls it)
API_VIEW_BASES: dict[str, tuple[str, ...]] = {
    "rest_framework.views.APIView": (),
    f"{_G}.GenericAPIView": (),
    f"{_G}.CreateAPIView": ("create",),
    f"{_G}.ListAPIView": ("list",),
    f"{_G}.RetrieveAPIView": ("retrieve",),
    f"{_G}.DestroyAPIView": ("destroy",),
    f"{_G}.UpdateAPIView": ("update", "partial_update"),
    f"{_G}.ListCreateAPIView": ("list", "create"),
    f"{_G}.RetrieveUpdateAPIView": ("retrieve", "update", "partial_update"),
    f"{_G}.RetrieveDestroyAPIView": ("retrieve", "destroy"),
    f"{_G}.RetrieveUpdateDestroyAPIView": ("retrieve", "update", "partial_update", "destroy"),
}
# the generic API view's HTTP method that calls each action
ACTION_VIA_METHOD: dict[str, str] = {a: m.lower() for a, m in ACTION_HTTP.items()}
# classes that have `queryset` / `serializer_class` / `pagination_class`
GENERIC_BASES = frozenset(
    {f"rest_framework.viewsets.{n}" for n in ("GenericViewSet", "ReadOnlyModelViewSet", "ModelViewSet")}
    | {k for k in API_VIEW_BASES if k.startswith(_G)}
)
VIEW_ATTRIBUTES = ("queryset", "serializer_class", "pagination_class")

# Routers: `router.register(prefix, ViewSet)` (drf-nested-routers too)
ROUTER_REGISTER = "register"

# Pagination: `pagination_class` on the view, else REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"];
# DRF's own classes need a page size (REST_FRAMEWORK["PAGE_SIZE"], or `page_size`/`default_limit`
# on a subclass) or they return every row
SETTINGS = "REST_FRAMEWORK"
DEFAULT_PAGINATION_CLASS = "DEFAULT_PAGINATION_CLASS"
PAGE_SIZE = "PAGE_SIZE"
PAGINATION_CLASSES = frozenset(
    {f"rest_framework.pagination.{n}" for n in ("PageNumberPagination", "LimitOffsetPagination", "CursorPagination")}
)
PAGE_SIZE_ATTRIBUTES = ("page_size", "default_limit")
PAGINATION_ATTRIBUTES = PAGE_SIZE_ATTRIBUTES

# Serializers: `x = SerializerMethodField()` runs `get_x` (or `method_name=`) once per serialised
# row; a class declaring one is a serializer, whatever its (maybe third-party) base
SERIALIZER_METHOD_FIELDS = frozenset(
    {"rest_framework.serializers.SerializerMethodField", "rest_framework.fields.SerializerMethodField"}
)
SERIALIZER_METHOD_PREFIX = "get_"
# a serializer field's `source="user.name"` reads through the row's relations; DRF's own field
# classes live in these modules (any other class used as a field is a nested serializer)
FIELD_MODULES = ("rest_framework.",)

# Methods of an API view / viewset that DRF calls while serving a request (the actions call
# them): on the request path like the actions are
VIEW_HOOKS = frozenset(
    {
        "initial", "get_queryset", "get_object", "get_serializer", "get_serializer_class",
        "get_serializer_context", "filter_queryset", "paginate_queryset", "get_paginated_response",
        "perform_create", "perform_update", "perform_destroy", "get_permissions", "check_permissions",
        "check_object_permissions", "get_throttles", "finalize_response", "dispatch", "handle_exception",
        "perform_authentication", "get_renderer_context",
    }
)
# `permission_classes = [IsOwner]`: DRF builds each and asks it on every request to the view
PERMISSION_CLASSES_ATTRIBUTE = "permission_classes"
PERMISSION_HOOKS = frozenset({"__init__", "has_permission", "has_object_permission"})
# Serializer methods run when a view validates input or renders output (plus `validate_<field>`)
SERIALIZER_HOOKS = frozenset({"validate", "create", "update", "save", "to_representation", "to_internal_value"})
SERIALIZER_FIELD_VALIDATOR_PREFIX = "validate_"
# A serializer class by its base: built inline in a view (`EventSerializer(page, many=True).data`)
# or nested as a field of another (`organizer = UserSerializer()`), its hooks run too
SERIALIZER_BASES = frozenset(
    f"rest_framework.serializers.{n}"
    for n in ("BaseSerializer", "Serializer", "ModelSerializer", "HyperlinkedModelSerializer", "ListSerializer")
)
