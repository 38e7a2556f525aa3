"""Framework and server knowledge, one module each: what their command lines mean, their
defaults, which objects are apps. Rules and the Project ask these; nothing else hard-codes them."""

# how messages name the framework a handler belongs to
FRAMEWORK_NAMES = {
    "flask": "Flask", "quart": "Quart", "sanic": "Sanic", "fastapi": "FastAPI", "starlette": "Starlette",
    "django": "Django", "drf": "DRF", "express": "Express", "modernrpc": "django-modernrpc", "pyramid": "Pyramid",
}  # fmt: skip
