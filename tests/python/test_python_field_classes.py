"""A project's own Django field classes (scalelint.python.field_classes): what their
constructor always passes to the base field class."""

from __future__ import annotations

import ast
import textwrap

from scalelint.python.extract import extract_python_facts


def field_classes(source: str):
    text = textwrap.dedent(source)
    pf = extract_python_facts(ast.parse(text), text, "app.fields")
    return {fc.qualname: fc for fc in pf.field_classes}


def test_options_the_constructor_forces_and_defaults():
    found = field_classes(
        """
        from django.db import models


        class UidField(models.CharField):
            def __init__(self, prefix, **kwargs):
                super().__init__(max_length=32, unique=True)


        class SlugishField(models.CharField):
            def __init__(self, *args, **kw):
                kw["db_index"] = True
                kw.setdefault("unique", False)
                super(SlugishField, self).__init__(*args, **kw)


        class CodeField(models.CharField):
            def __init__(self, *args, **kwargs):
                kwargs.setdefault("unique", True)
                models.CharField.__init__(self, *args, **kwargs)
        """
    )
    assert found["app.fields.UidField"].base == "CharField"
    assert found["app.fields.UidField"].forced == (("unique", True),)
    assert found["app.fields.SlugishField"].forced == (("db_index", True),)
    assert found["app.fields.SlugishField"].defaults == (("unique", False),)
    assert found["app.fields.CodeField"].forced == ()
    assert found["app.fields.CodeField"].defaults == (("unique", True),)


def test_classes_that_force_nothing_or_are_not_fields():
    found = field_classes(
        """
        from django.db import models


        class LabelField(models.CharField):
            def __init__(self, *args, **kwargs):
                kwargs["max_length"] = 40
                super().__init__(*args, **kwargs)


        class Widget:
            def __init__(self, **kwargs):
                super().__init__(unique=True)


        class PlainField(models.IntegerField):
            pass
        """
    )
    assert found == {}
