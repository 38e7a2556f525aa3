"""Pyramid: its app is what a Configurator's make_wsgi_app() returns."""

from __future__ import annotations

# The Configurator is usually a local (`config = Configurator(...)`), so the app is recognised by
# the method name in a module that imports pyramid.
MAKE_APP_METHOD = "make_wsgi_app"
APP = ("pyramid", "wsgi", "pyramid.config.Configurator.make_wsgi_app")
ROOT_MODULE = "pyramid"
