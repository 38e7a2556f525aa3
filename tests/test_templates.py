"""Template facts (scalelint.templates): loops, reads, aliases, extends/includes, engine, and
that odd input never breaks a run. Plus discovery of template files and an end-to-end lint."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

from scalelint import api, engine
from scalelint.cache import FactsCache
from scalelint.discovery import classify, walk
from scalelint.extract import extract_file
from scalelint.facts import Span
from scalelint.templates import extract_template, template_suppressions

from clitools import write


def facts(src: str, path: str = "templates/t.html"):
    return extract_template(textwrap.dedent(src), path)


def reads(f) -> list[tuple[tuple[str, ...], int | None]]:
    return [(r.chain, r.loop) for r in f.reads]


def chains(f) -> list[tuple[str, ...]]:
    return [r.chain for r in f.reads]


def loops(f) -> list[tuple[tuple[str, ...], tuple[str, ...], int | None]]:
    return [(lp.targets, lp.iter, lp.parent) for lp in f.loops]


def under(src: str, span: Span) -> str:
    """The text a span underlines (1-based, end column exclusive)."""
    lines = src.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    parts = [lines[span.line - 1][span.column - 1 :], *lines[span.line : span.end_line - 1], lines[span.end_line - 1][: span.end_column - 1]]
    return "\n".join(parts)


# --- the N+1 shape the rules will look for --------------------------------------------------


EVENTS = """\
{% extends "base.html" %}
{% block content %}
<ul>
{% for e in events %}
  <li>{{ e.title }} by {{ e.organizer.name }}</li>
{% endfor %}
</ul>
{% endblock %}
"""


def test_loop_and_reads_with_exact_spans():
    f = extract_template(EVENTS, "events/templates/events.html")
    assert f.engine == "django"
    assert f.extends == "base.html"
    assert loops(f) == [(("e",), ("events",), None)]
    assert f.loops[0].span == Span(4, 13, 4, 19)
    assert under(EVENTS, f.loops[0].span) == "events"
    assert reads(f) == [(("events",), None), (("e", "title"), 0), (("e", "organizer", "name"), 0)]
    organizer = f.reads[2]
    assert organizer.span == Span(5, 27, 5, 43)
    assert under(EVENTS, organizer.span) == "e.organizer.name"


def test_spans_with_crlf_and_non_ascii_text_are_in_characters():
    src = "<p>Café – ünïcode</p>\r\n{% for e in events %}\r\n<b>é</b>{{ e.organizer.name }}\r\n{% endfor %}\r\n"
    f = extract_template(src)
    read = f.reads[1]
    assert read.chain == ("e", "organizer", "name")
    assert read.span == Span(3, 12, 3, 28)
    assert src.split("\r\n")[2][read.span.column - 1 : read.span.end_column - 1] == "e.organizer.name"


def test_a_tag_spread_over_lines_gives_multi_line_spans():
    src = "{{ e\n   .organizer\n   .name }}"
    f = extract_template(src, "x.j2")
    assert f.reads[0].chain == ("e", "organizer", "name")
    assert f.reads[0].span == Span(1, 4, 3, 9)


def test_nested_loops_keep_their_own_targets():
    f = facts(
        """\
        {% for e in events %}
          {% for t in e.tags.all %}{{ t.name }} of {{ e.title }}{% endfor %}
          {% for c in e.comment_set.all reversed %}{{ c.author.username }}{% endfor %}
        {% endfor %}
        """
    )
    assert loops(f) == [
        (("e",), ("events",), None),
        (("t",), ("e", "tags", "all"), 0),
        (("c",), ("e", "comment_set", "all"), 0),
    ]
    assert reads(f) == [
        (("events",), None),
        (("e", "tags", "all"), 0),
        (("t", "name"), 1),
        (("e", "title"), 1),
        (("e", "comment_set", "all"), 0),
        (("c", "author", "username"), 2),
    ]


def test_tuple_targets_and_dict_items():
    f = facts("{% for k, v in stats.items %}{{ k }}={{ v.total }}{% endfor %}")
    assert loops(f) == [(("k", "v"), ("stats", "items"), None)]
    j = facts("{% for key, (a, b) in pairs.items() %}{{ a.x }}{% endfor %}", "x.jinja")
    assert loops(j) == [(("key", "a", "b"), ("pairs", "items"), None)]
    assert reads(j)[-1] == (("a", "x"), 0)


def test_empty_clause_runs_outside_the_loop():
    f = facts(
        """\
        {% for e in events %}
          {% for t in e.tags.all %}{{ t.name }}{% empty %}{{ e.fallback_tag.name }}{% endfor %}
        {% empty %}
          {{ site.empty_message }}
        {% endfor %}
        {{ after.loop }}
        """
    )
    assert reads(f)[2:] == [(("t", "name"), 1), (("e", "fallback_tag", "name"), 0), (("site", "empty_message"), None), (("after", "loop"), None)]


def test_jinja_for_else_and_an_if_else_inside_a_loop():
    f = facts(
        """\
        {% for e in events %}
          {% if e.featured %}<b>{{ e.title }}</b>{% else %}{{ e.summary }}{% endif %}
          {{ e.organizer.name }}
        {% else %}
          {{ nothing.here }}
        {% endfor %}
        """,
        "events.j2",
    )
    assert f.engine == "jinja2"
    assert reads(f)[1:] == [
        (("e", "featured"), 0),
        (("e", "title"), 0),
        (("e", "summary"), 0),
        (("e", "organizer", "name"), 0),
        (("nothing", "here"), None),
    ]


def test_loop_helpers_are_not_reads_but_their_arguments_are():
    f = facts(
        """\
        {% for e in events %}
          <tr class="{{ loop.cycle('odd', e.kind.css) }}">{{ loop.index }}/{{ loop.length }}
          {% if loop.first %}first{% endif %}{{ e.name }}</tr>
        {% endfor %}
        """,
        "list.jinja2",
    )
    assert chains(f) == [("events",), ("e", "kind", "css"), ("e", "name")]
    d = facts("{% for e in events %}{{ forloop.counter }}{% if forloop.parentloop.last %}{% endif %}{{ e.pk }}{% endfor %}")
    assert chains(d) == [("events",), ("e", "pk")]


def test_jinja_loop_filter_is_read_inside_the_loop():
    f = facts("{% for u in users if u.is_active and u.profile.visible %}{{ u.name }}{% endfor %}")
    assert f.engine == "jinja2"
    assert loops(f) == [(("u",), ("users",), None)]
    assert reads(f) == [(("users",), None), (("u", "is_active"), 0), (("u", "profile", "visible"), 0), (("u", "name"), 0)]
    assert under("{% for u in users if u.is_active %}", f.loops[0].span) == "users"


def test_recursive_jinja_loop():
    f = facts("{%- for item in sitemap recursive %}{{ item.title }}{{ loop(item.children) }}{%- endfor %}")
    assert loops(f) == [(("item",), ("sitemap",), None)]
    assert chains(f) == [("sitemap",), ("item", "title"), ("item", "children")]


# --- iterables -------------------------------------------------------------------------------


def test_iterable_chains():
    cases = {
        "{% for x in events %}": ("events",),
        "{% for x in event.tags.all %}": ("event", "tags", "all"),
        "{% for x in event.tags.all() %}": ("event", "tags", "all"),
        '{% for x in event["tags"] %}': ("event", "tags"),
        "{% for x in rows.0.cells %}": ("rows", "0", "cells"),
        '{% for x in events|slice:":5" %}': (),
        "{% for x in events|dictsort:'name' reversed %}": (),
        "{% for x in range(10) %}": (),
        "{% for x in event.get_related(5) %}": (),
        '{% for x in "abc" %}': (),
        "{% for x in [1, 2] %}": (),
        "{% for x in a or b %}": (),
    }
    for tag, expected in cases.items():
        f = facts(tag + "{% endfor %}")
        assert [lp.iter for lp in f.loops] == [expected], tag


def test_reads_inside_an_unknown_iterable_are_kept():
    f = facts("{% for t in event.get_related(limit.value)|batch(3) %}{% endfor %}", "x.j2")
    assert loops(f) == [(("t",), (), None)]
    assert chains(f) == [("event", "get_related"), ("limit", "value")]
    assert under("{% for t in event.get_related(limit.value)|batch(3) %}", f.loops[0].span) == "event.get_related(limit.value)|batch(3)"


# --- reads -----------------------------------------------------------------------------------


def test_filters_and_their_arguments():
    f = facts(
        """\
        {{ e.start|date:"D d M Y" }} {{ e.price|default:e.fallback.price }}
        {{ e.comments.all|length }} {{ e.body|truncatewords:30|linebreaks }}
        {{ value|yesno:_("yes,no") }} {{ e.when|timesince:now }}
        """
    )
    assert f.engine == "django"  # `_("...")` is Django syntax too
    assert chains(f) == [
        ("e", "start"),
        ("e", "price"),
        ("e", "fallback", "price"),
        ("e", "comments", "all"),
        ("e", "body"),
        ("value",),
        ("e", "when"),
        ("now",),
    ]


def test_jinja_filters_with_arguments_and_tests():
    f = facts(
        """\
        {{ items|map(attribute='name')|join(sep.value) }}
        {{ e.title|truncate(length.max, True) }}
        {% if e.owner is defined and e.owner is not none and e.n is divisibleby(step.size) %}{% endif %}
        {{ "-" ~ e.slug ~ "-" }}
        """
    )
    assert f.engine == "jinja2"
    assert chains(f) == [("items",), ("sep", "value"), ("e", "title"), ("length", "max"), ("e", "owner"), ("e", "owner"), ("e", "n"), ("step", "size"), ("e", "slug")]


def test_method_calls_in_jinja():
    f = facts("{{ e.tags.all()|length }} {{ e.get_x(1, other.y).z }} {{ url_for('event', id=e.id) }} {{ (a.b or c).d }}")
    assert f.engine == "jinja2"
    assert chains(f) == [("e", "tags", "all"), ("e", "get_x"), ("other", "y"), ("url_for",), ("e", "id"), ("a", "b"), ("c",)]
    src = "{{ e.tags.all() }}"
    assert under(src, facts(src).reads[0].span) == "e.tags.all()"


def test_subscripts():
    f = facts("""{{ event["tags"] }} {{ rows[0].name }} {{ grid[i].label }} {{ items.0.title }}""")
    assert chains(f) == [("event", "tags"), ("rows", "0", "name"), ("grid",), ("i",), ("items", "0", "title")]
    assert f.engine == "jinja2"


def test_literals_and_keywords_are_not_reads():
    f = facts(
        """\
        {% if user.is_staff == True and count > 3 or not flag %}{% elif mode == "x" and e.n in allowed.ids %}{% endif %}
        {{ 42 }} {{ "text" }} {{ None }} {{ 1.5 }}
        """
    )
    assert chains(f) == [("user", "is_staff"), ("count",), ("flag",), ("mode",), ("e", "n"), ("allowed", "ids")]


def test_block_super_and_jinja_globals():
    f = facts("{% block title %}{{ block.super }} | {{ page.title }}{% endblock %}")
    assert chains(f) == [("page", "title")]
    j = facts("{% block body %}{{ super() }}{{ self.title() }}{{ range(n.count) }}{{ lipsum(2) }}{% endblock %}", "x.j2")
    assert chains(j) == [("n", "count")]


def test_reads_in_tag_arguments():
    f = facts(
        """\
        {% url "event-detail" pk=e.pk slug=e.slug as link %}{{ link }}
        {% firstof e.nickname e.user.username "anon" %}
        {% cycle "row1" "row2" as rowcolors silent %}
        {% widthratio e.done e.total 100 %}
        {% get_comment_count for e as comment_count %}{{ comment_count }}
        """
    )
    assert chains(f) == [("e", "pk"), ("e", "slug"), ("e", "nickname"), ("e", "user", "username"), ("e", "done"), ("e", "total"), ("e",)]


def test_regroup():
    f = facts(
        """\
        {% regroup events by organizer.name as by_org %}
        {% for group in by_org %}{{ group.grouper }}{% for e in group.list %}{{ e.title }}{% endfor %}{% endfor %}
        """
    )
    assert chains(f)[0] == ("events",)
    assert loops(f) == [(("group",), (), None), (("e",), ("group", "list"), 0)]


# --- aliases ---------------------------------------------------------------------------------


def test_with_alias_new_syntax():
    src = "{% for e in events %}{% with org=e.organizer n=e.tags.count %}{{ org.name }} ({{ n }}){% endwith %}{{ org.name }}{% endfor %}"
    f = facts(src)
    assert reads(f) == [
        (("events",), None),
        (("e", "organizer"), 0),
        (("e", "tags", "count"), 0),
        (("e", "organizer", "name"), 0),
        (("e", "tags", "count"), 0),
        (("org", "name"), 0),  # after endwith, `org` is no alias any more
    ]
    assert under(src, f.reads[3].span) == "org.name"
    assert under(src, f.reads[4].span) == "n"


def test_with_alias_old_syntax():
    src = "{% for e in events %}{% with e.organizer as org %}{{ org.city.name }}{% endwith %}{% endfor %}"
    f = facts(src)
    assert reads(f)[-1] == (("e", "organizer", "city", "name"), 0)
    assert under(src, f.reads[-1].span) == "org.city.name"


def test_jinja_with_and_set_aliases():
    f = facts(
        """\
        {% for e in events %}
          {% set org = e.organizer %}{{ org.name }}
          {% with owner = org.owner, label = "x" %}{{ owner.email }}{{ label.upper }}{% endwith %}
        {% endfor %}
        {{ org.name }}
        """
    )
    assert f.engine == "jinja2"
    assert reads(f) == [
        (("events",), None),
        (("e", "organizer"), 0),
        (("e", "organizer", "name"), 0),
        (("e", "organizer", "owner"), 0),
        (("e", "organizer", "owner", "email"), 0),
        (("org", "name"), None),  # a `set` inside a loop ends with the loop
    ]


def test_a_local_that_is_no_chain_hides_its_reads():
    f = facts(
        """\
        {% set total = events|length %}{{ total }}
        {% with n=events.count|add:1 %}{{ n }}{% endwith %}
        {% set ns = namespace(found=false) %}{% set ns.found = true %}{{ ns.found }}
        """
    )
    assert chains(f) == [("events",), ("events", "count")]


def test_loop_target_shadows_an_alias():
    f = facts("{% with e=featured %}{% for e in events %}{{ e.name }}{% endfor %}{{ e.name }}{% endwith %}")
    assert reads(f) == [(("featured",), None), (("events",), None), (("e", "name"), 0), (("featured", "name"), None)]


def test_an_aliased_iterable_is_substituted():
    f = facts("{% with tags=event.tags.all %}{% for t in tags %}{{ t.name }}{% endfor %}{% endwith %}")
    assert loops(f) == [(("t",), ("event", "tags", "all"), None)]


def test_blocktrans_with_aliases():
    f = facts(
        """\
        {% blocktranslate with name=e.organizer.name count counter=e.attendees.count trimmed asvar msg %}
          {{ name }} hosts {{ counter }} guest
        {% plural %}
          {{ name }} hosts {{ counter }} guests
        {% endblocktranslate %}{{ msg }}
        """
    )
    assert chains(f) == [("e", "organizer", "name"), ("e", "attendees", "count")] + [("e", "organizer", "name"), ("e", "attendees", "count")] * 2


# --- Jinja macros, calls, imports -------------------------------------------------------------


MACROS = """\
{% import "forms.html" as forms %}
{% from "_helpers.html" import render_field, badge as b with context %}
{% macro event_row(ev, cls="row", show=config.show) -%}
  <tr class="{{ cls }}">
    <td>{{ ev.title }}</td><td>{{ ev.organizer.name }}</td><td>{{ site.name }}</td>
    {% for t in ev.tags %}{{ t.label }}{% endfor %}
  </tr>
{%- endmacro %}
{% for e in events %}
  {{ event_row(e, cls=loop.cycle("a", "b")) }}
  {{ forms.input("q", value=e.query) }} {{ b(e.state) }} {{ render_field(form.title) }}
{% endfor %}
{% call(item) event_row(featured) %}{{ item.x }}{{ caller() }}{% endcall %}
"""


def test_jinja_macros_imports_and_calls():
    f = facts(MACROS, "templates/events.html")
    assert f.engine == "jinja2"
    assert f.includes == ()  # `{% import %}` / `{% from ... import %}` load macros: nothing is rendered there
    assert loops(f) == [(("t",), (), None), (("e",), ("events",), None)]
    # macro parameters are locals; the macro's own loop has no parent (it runs where called)
    assert reads(f) == [
        (("config", "show"), None),
        (("site", "name"), None),
        (("t", "label"), 0),  # kept: a loop over an unknown iterable is still a loop
        (("events",), None),
        (("e",), 1),
        (("e", "query"), 1),
        (("e", "state"), 1),
        (("form", "title"), 1),
        (("featured",), None),
    ]


# --- extends, includes -----------------------------------------------------------------------


def test_extends_and_includes():
    f = facts(
        """\
        {% extends 'layouts/base.html' %}
        {% include "partials/row.html" with event=e.parent only %}
        {% include "partials/empty.html" %}
        {% include template_name %}
        {% include "missing.html" ignore missing with context %}
        """
    )
    assert f.extends == "layouts/base.html"
    assert [(i.name, i.loop, i.binds, i.only) for i in f.includes] == [
        ("partials/row.html", None, (("event", ("e", "parent")),), True),
        ("partials/empty.html", None, (), False),
        ("missing.html", None, (), False),
    ]
    in_loop = facts('{% for n in items %}{% include "item.html" %}{% endfor %}')
    assert [(i.name, i.loop, i.span.column) for i in in_loop.includes] == [("item.html", 0, 24)]
    assert chains(f) == [("e", "parent"), ("template_name",)]
    dynamic = facts("{% extends base_template %}")
    assert dynamic.extends is None
    assert chains(dynamic) == [("base_template",)]


# --- engine ------------------------------------------------------------------------------------


def test_engine_detection():
    assert facts("{{ x }}", "templates/a.html").engine == "django"
    assert facts("{{ x }}", "templates/a.j2").engine == "jinja2"
    assert facts("{{ x }}", "a.JINJA").engine == "jinja2"
    assert facts("{{ x }}", "deploy/nginx.conf.jinja2").engine == "jinja2"
    assert facts("{% set a = 1 %}").engine == "jinja2"
    assert facts("{% macro m() %}{% endmacro %}").engine == "jinja2"
    assert facts("{%- if x %}{% endif %}").engine == "jinja2"
    assert facts("{{ x -}}").engine == "jinja2"
    assert facts("{#- note -#}").engine == "jinja2"
    assert facts("{{ f() }}").engine == "jinja2"
    assert facts("{% for x in y if x %}{% endfor %}").engine == "jinja2"
    assert facts("{% trans 'x' %}{{ _('y') }}{% if a is None %}{% endif %}").engine == "django"


def test_whitespace_control_is_not_part_of_the_expression():
    src = "{%- for e in events -%}\n{{- e.organizer.name -}}\n{%+ endfor %}"
    f = facts(src)
    assert loops(f) == [(("e",), ("events",), None)]
    assert reads(f) == [(("events",), None), (("e", "organizer", "name"), 0)]
    assert under(src, f.reads[1].span) == "e.organizer.name"


# --- what is not template code -------------------------------------------------------------------


def test_comments_containing_tags_are_skipped():
    f = facts(
        """\
        {# {% for x in old_events %}{{ x.name }}{% endfor %} #}
        {% comment "disabled" %}
          {% for y in other %}{{ y.name }}{% endfor %}
        {% endcomment %}
        {#
           multi-line Jinja comment {{ z.q }}
        #}
        {{ kept.value }}
        """
    )
    assert f.loops == ()
    assert chains(f) == [("kept", "value")]


def test_verbatim_and_raw_blocks_are_text():
    f = facts(
        """\
        {% verbatim %}{{ vue.binding }}{% for a in b %}{% endverbatim %}
        {% verbatim outer %}{% verbatim %}{{ x }}{% endverbatim %}{{ y }}{% endverbatim outer %}
        {%- raw %}{{ jinja.raw }}{% endraw -%}
        {{ after.blocks }}
        """
    )
    assert f.loops == ()
    assert chains(f) == [("after", "blocks")]


def test_unclosed_comment_block_hides_the_rest():
    assert facts("{{ a }}{% comment %}{{ b }}").reads[0].chain == ("a",)
    assert len(facts("{{ a }}{% comment %}{{ b }}").reads) == 1


def test_an_unclosed_variable_does_not_swallow_the_tags_after_it():
    src = "<script>var o = {{ config </script>\n{% for e in events %}{{ e.name }}{% endfor %}\n{{ broken"
    f = facts(src)
    assert loops(f) == [(("e",), ("events",), None)]
    assert reads(f) == [(("events",), None), (("e", "name"), 0)]


def test_unbalanced_tags_are_tolerated():
    f = facts(
        """\
        {% endfor %}{% endif %}{% endwith %}
        {% for e in events %}{% if e.x %}{{ e.y }}{% endfor %}{{ outside.z }}
        {% for a in %}{% for in b %}{% for %}
        {% with %}{% with x= %}{% set %}{% set = 3 %}{% macro %}{% call %}{% regroup %}{% include %}{% extends %}
        {% endwith %}{% endset %}{% endmacro %}{% endcall %}
        {% for f in never_closed %}{{ f.g }}
        """
    )
    assert loops(f) == [(("e",), ("events",), None), (("f",), ("never_closed",), None)]
    assert (("outside", "z"), None) in reads(f)
    assert reads(f)[-1] == (("f", "g"), 1)


def test_broken_strings_and_odd_characters():
    f = facts("""{{ "unclosed }} {{ e.name|default:'it\\'s' }} {{ ü.ñ }} {% if "a" == 'b %} {{ x.y }}""")
    assert ("x", "y") in chains(f)
    assert ("e", "name") in chains(f)
    assert ("ü", "ñ") in chains(f)


def test_random_input_never_raises():
    atoms = [
        "{{", "}}", "{%", "%}", "{#", "#}", " for ", " in ", " x ", " e.y ", ".", "(", ")", "|", ":", " with ",
        "=", " endfor ", " set ", '"', "'", " as ", "[", "]", ",", " if ", " else ", " empty ", " macro ",
        " endwith ", "-", "+", " call ", " import ", " from ", " include ", " extends ", " block ", " endblock ",
        " blocktrans ", " regroup ", " by ", " loop ", " forloop ", "\n", "\r", "0", " not ", " is ", "\\",
        " asvar ", " endif ", " ifchanged ", " endset ", "{", "}", "%", "#", "é", "\x00",
    ]  # fmt: skip
    for seed in range(300):
        rng = random.Random(seed)
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 300)))
        f = extract_template(text, rng.choice(["a.html", "b.j2"]))
        for read in f.reads:
            assert read.span.line >= 1 and read.span.column >= 1 and read.span.end_line >= read.span.line
        template_suppressions(text + " scalelint")
    junk = bytes(random.Random(7).getrandbits(8) for _ in range(20000)).decode("latin-1")
    extract_template(junk, "junk.html")


def test_pathological_inputs_finish():
    # Each of these was quadratic or deeper in a naive scanner; none is timed here, but a
    # quadratic version of any would take minutes at these sizes.
    for text in (
        "{{ x " * 50000,
        "{% if " * 50000,
        "{# a " * 50000,
        "{{" * 100000,
        "{{ " + "(" * 50000 + "x" + ")" * 50000 + " }}",
        "{{ " + '"\\' * 50000 + " }}",
        "{{ x" + " " * 200000 + "}}",
        "{% for x in y %}" * 20000 + "{% endif %}" * 20000,
        "{% with a=b %}" * 20000 + "{{ a.b }}" * 5000,
        "{% endfor " * 50000 + "%}",
        "{% verbatim a %}{% endverbatim b %}" * 10000,
    ):
        extract_template(text, "t.html")


def test_a_megabyte_template_is_read_whole():
    block = EVENTS.replace('{% extends "base.html" %}\n', "")
    text = block * (1_000_000 // len(block))
    f = extract_template(text, "big.html")
    n = text.count("{% for")
    assert len(f.loops) == n and len(f.reads) == 3 * n


# --- suppressions in template comments ---------------------------------------------------------


def test_suppressions_come_from_template_comments_only():
    src = '<a href="#">x</a>\n  {# scalelint: ignore[n-plus-one] #}\n{{ e.x }} {# noqa: SCL101 #}\n<p># noqa: SCL101</p>\n'
    found = [(s.line, s.column, s.codes, s.standalone, s.noqa) for s in template_suppressions(src)]
    assert found == [(2, 6, ("n-plus-one",), True, False), (3, 14, ("SCL101",), False, True)]
    assert template_suppressions("<p>scalelint: ignore</p>") == []


# --- extraction entry point, discovery, cache, end to end --------------------------------------


def test_extract_file_fills_template_facts():
    ff = extract_file("app/templates/e.html", "template", EVENTS.encode())
    assert ff.problems == [] and ff.python is None
    assert ff.template is not None and loops(ff.template) == [(("e",), ("events",), None)]


def test_undecodable_templates_get_no_facts_and_no_problem():
    for data in (b"\xff\xfe{\x00{\x00", b"{{ x }}\x00", "{{ café }}".encode("latin-1")):
        ff = extract_file("app/templates/bad.html", "template", data)
        assert ff.template is None and ff.problems == [] and ff.suppressions == []


def test_classify_templates():
    assert classify("events.html", "app", in_templates=True) == "template"
    assert classify("events.HTML", "app", in_templates=True) == "template"
    for name in ("a.htm", "a.djhtml", "robots.txt", "sitemap.xml", "a.jinja", "a.jinja2", "a.j2"):
        assert classify(name, "templates", in_templates=True) == "template", name
    assert classify("index.html", "site") is None
    assert classify("notes.txt") is None
    assert classify("feed.xml") is None
    assert classify("nginx.conf.j2", "deploy") == "template"
    assert classify("page.jinja") == "template"
    # other kinds keep winning inside templates/ (Helm charts, Ansible roles)
    assert classify("deployment.yaml", "templates", in_templates=True) == "yaml"
    assert classify("helpers.py", "templates", in_templates=True) == "python"
    assert classify("Dockerfile.j2", "templates", in_templates=True) == "dockerfile"


def test_walk_finds_templates_at_any_depth(tmp_path):
    write(
        tmp_path,
        {
            "app/templates/app/events.html": "",
            "app/templates/emails/welcome.txt": "",
            "templates/sitemap.xml": "",
            "app/templates/app/deep/er/row.htm": "",
            "htmlcov/index.html": "",
            "docs/_build/page.html": "",
            "notes.txt": "",
            "mytemplates/x.html": "",
            "deploy/nginx.conf.j2": "",
        },
    )
    found = {f.rel: f.kind for f in walk(tmp_path, ())}
    assert found == {
        "app/templates/app/events.html": "template",
        "app/templates/emails/welcome.txt": "template",
        "templates/sitemap.xml": "template",
        "app/templates/app/deep/er/row.htm": "template",
        "deploy/nginx.conf.j2": "template",
    }


APP = {
    "pyproject.toml": "[project]\nname = 'shop'\n",
    "Procfile": "web: gunicorn shop.wsgi --workers 4 --threads 2\n",
    "shop/models.py": (
        "from django.db import models\n\n"
        "class Organizer(models.Model):\n    name = models.CharField(max_length=50)\n\n"
        "class Event(models.Model):\n    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE)\n"
    ),
    "shop/views.py": (
        "from django.shortcuts import render\nfrom shop.models import Event\n\n"
        "def events(request):\n    return render(request, 'shop/events.html', {'events': Event.objects.all()})\n"
    ),
    "shop/urls.py": "from django.urls import path\nfrom shop import views\n\nurlpatterns = [path('events/', views.events)]\n",
}
TEMPLATES: dict[str, str | bytes] = {
    "shop/templates/shop/events.html": EVENTS,
    "shop/templates/shop/macros.html": MACROS,
    "shop/templates/shop/broken.html": "{% for e in %}{{ never closes",
    "shop/templates/shop/utf16.html": "{{ x }}".encode("utf-16"),
    "shop/templates/shop/binary.txt": b"\x00\x01\x02{{",
    "deploy/nginx.conf.j2": "server { listen {{ port }}; {% for u in upstreams %}server {{ u }};{% endfor %} }\n",
}


def test_lint_with_templates_adds_only_the_rendered_loop(tmp_path):
    # broken, undecodable and binary templates cost nothing; the one the view renders is judged
    without = tmp_path / "without"
    write(without, APP)
    with_templates = tmp_path / "with"
    write(with_templates, {**APP, **TEMPLATES})
    before = api.lint([without], cache=False)
    after = api.lint([with_templates], cache=False)
    assert after.internal_errors == []
    assert after.files == before.files + len(TEMPLATES)
    def seen(report, root):
        return [(Path(d.path).resolve().relative_to(root.resolve()).as_posix(), d.line, d.code) for d in report.diagnostics]

    old = seen(before, without)
    new = [d for d in seen(after, with_templates) if d not in old]
    # the routed view's template lists every event (SCL103) and reads a relation per row (SCL101)
    assert sorted(new) == [("shop/templates/shop/events.html", 4, "SCL103"), ("shop/templates/shop/events.html", 5, "SCL101")]


def test_template_facts_come_from_the_cache(tmp_path, monkeypatch):
    write(tmp_path, {**APP, **TEMPLATES})
    files = walk(tmp_path, ())
    first = engine.collect_facts(files, FactsCache(tmp_path / "cache", tmp_path, "f"), jobs=1)
    assert first["shop/templates/shop/events.html"].template is not None

    def boom(*args, **kwargs):
        raise AssertionError("extraction ran although nothing changed")

    monkeypatch.setattr(engine, "extract_file", boom)
    second = engine.collect_facts(files, FactsCache(tmp_path / "cache", tmp_path, "f"), jobs=1)
    # (template facts only: Python facts hold symbolic values that compare by identity)
    assert {rel: ff.template for rel, ff in second.items()} == {rel: ff.template for rel, ff in first.items()}
    assert sum(ff.template is not None for ff in second.values()) == 4  # the two undecodable ones have none
