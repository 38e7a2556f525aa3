import ast

from scalelint.facts import Choice, Const, EnvVar, Span, Unknown
from scalelint.python.fold import TEXT_LIMIT, Folder, SourceText, fold


def f(code: str, consts=None) -> object:
    """Fold the value of the last statement (`x = <expr>` or an expression)."""
    tree = ast.parse(code)
    node = tree.body[-1]
    node = node.value
    return fold(node, consts or {}, SourceText(code))


def test_constants_and_spans():
    assert f("x = 5") == Const(5, Span(1, 5, 1, 6))
    assert f("x = 'abc'") == Const("abc", Span(1, 5, 1, 10))
    assert f("x = None") == Const(None, Span(1, 5, 1, 9))
    assert f("x = -3") == Const(-3, Span(1, 5, 1, 7))
    assert f("x = not True").value is False
    assert isinstance(f("x = b'raw'"), Unknown)


def test_module_constants_are_followed():
    src = "POOL = 5\nx = POOL"
    consts = {"POOL": Const(5, Span(1, 8, 1, 9))}
    assert f(src, consts) == Const(5, Span(1, 8, 1, 9))  # the definition's span: where to change it
    assert f("x = OTHER", consts) == Unknown("OTHER", Span(1, 5, 1, 10))


def test_choice_of_conditional_expression():
    r = f("x = 5 if 'pooler' in URL else 10")
    assert isinstance(r, Choice)
    assert [o.value for o in r.options] == [5, 10]
    assert r.options[0].span == Span(1, 5, 1, 6)
    assert r.span == Span(1, 5, 1, 33)
    # nested choices flatten; a constant test picks its branch
    r = f("x = 1 if a else (2 if b else 3)")
    assert [o.value for o in r.options] == [1, 2, 3]
    assert f("x = 1 if True else 2").value == 1
    assert f("x = 1 if DEBUG else 2", {"DEBUG": Const(False)}).value == 2


def test_environment_reads():
    src = 'x = os.environ.get("POOL_SIZE", 5)'
    r = f(src)
    assert r == EnvVar("POOL_SIZE", Const(5, Span(1, 33, 1, 34)), Span(1, 5, 1, 35))
    assert f('x = os.getenv("A")') == EnvVar("A", None, Span(1, 5, 1, 19))
    assert f('x = os.environ["A"]') == EnvVar("A", None, Span(1, 5, 1, 20))
    assert f('x = os.environ.get("A", None)').default == Const(None, Span(1, 25, 1, 29))
    assert f('x = getenv("A", "1")').default.value == "1"
    assert f('x = environ.get("A")').name == "A"
    assert isinstance(f("x = os.environ.get(KEY)"), Unknown)


def test_casts_apply_to_defaults():
    r = f('x = int(os.environ.get("WEB_CONCURRENCY", "4"))')
    assert isinstance(r, EnvVar) and r.name == "WEB_CONCURRENCY"
    assert r.default.value == 4 and r.span == Span(1, 5, 1, 48)
    assert f('x = float(os.getenv("T", "2.5"))').default.value == 2.5
    assert f('x = int("12")').value == 12
    assert f("x = str(5)").value == "5"
    assert isinstance(f('x = int("abc")'), Unknown)
    assert isinstance(f("x = int(a, b)"), Unknown)


def test_env_libraries():
    assert f('x = env("POOL", default=3)') == EnvVar("POOL", Const(3, Span(1, 25, 1, 26)), Span(1, 5, 1, 27))
    assert f('x = env.int("POOL", default="5")').default.value == 5
    assert f('x = env.int("POOL", 6)').default.value == 6  # environs: second positional is the default
    assert f('x = env.bool("DEBUG", default="true")').default.value is True
    assert f('x = env.str("NAME")') == EnvVar("NAME", None, Span(1, 5, 1, 20))
    assert f('x = config("POOL", default="7", cast=int)').default.value == 7
    assert f('x = config("DEBUG", default="off", cast=bool)').default.value is False
    assert f('x = decouple.config("POOL", default=2, cast=int)').default.value == 2
    assert f('x = config("URL")').default is None
    # a custom reader name (`cfg = AutoConfig()`) only when the extractor says so
    assert isinstance(f('x = cfg("POOL", default=1)'), Unknown)
    node = ast.parse('cfg("POOL", default=1)', mode="eval").body
    assert Folder({}, None, frozenset({"cfg"})).fold(node).name == "POOL"
    assert isinstance(f('x = something.int("POOL", 1)'), Unknown)


def test_or_gives_env_a_default():
    r = f('x = os.environ.get("WORKERS") or 4')
    assert r == EnvVar("WORKERS", Const(4, Span(1, 34, 1, 35)), Span(1, 5, 1, 35))
    r = f('x = int(os.getenv("WORKERS") or "2")')
    assert r.default.value == 2
    assert f("x = 0 or 3").value == 3
    assert f("x = 'a' or b").value == "a"
    assert isinstance(f("x = a or 3"), Unknown)


def test_arithmetic():
    assert f("x = 2 * 4 + 1").value == 9
    assert f("x = 10 // 3 - 1").value == 2
    assert f("x = 'a' + 'b'").value == "ab"
    assert f("x = 2 ** 10").value == 1024
    assert isinstance(f("x = 10 ** 100"), Unknown)
    assert isinstance(f("x = 1 / 0"), Unknown)
    assert isinstance(f("x = 'a' * 3"), Unknown)
    r = f("x = (5 if a else 10) + 1")
    assert [o.value for o in r.options] == [6, 11]
    assert f("x = A * 2", {"A": Const(3)}).value == 6


def test_cpu_count_expression_is_unknown_with_text():
    src = "workers = multiprocessing.cpu_count() * 2 + 1"
    r = f(src)
    assert r == Unknown("multiprocessing.cpu_count() * 2 + 1", Span(1, 11, 1, 46))


def test_unknown_text_is_source_and_capped():
    assert f("x = f'{a}'").text == "f'{a}'"
    assert f("x = settings.POOL").text == "settings.POOL"
    big = "x = [" + ", ".join(str(i) for i in range(200)) + "]"
    r = f(big)
    assert len(r.text) == TEXT_LIMIT and r.text.endswith("...")
    multi = "x = {\n    'a': 1,\n    'b': 2,\n}"
    r = f(multi)
    assert r.text == "{\n    'a': 1,\n    'b': 2,\n}"
    assert r.span == Span(1, 5, 4, 2)


def test_columns_are_characters_not_bytes():
    src = 'x = {"é": 1}; y = os.getenv("ÉTAT", "ça")'
    tree = ast.parse(src)
    r = fold(tree.body[1].value, {}, SourceText(src))
    assert r.name == "ÉTAT"
    start = src.index("os.getenv") + 1
    assert r.span == Span(1, start, 1, start + len('os.getenv("ÉTAT", "ça")'))
    assert r.default.span == Span(1, src.index('"ça"') + 1, 1, src.index('"ça"') + 5)
    assert src[r.span.column - 1 : r.span.end_column - 1] == 'os.getenv("ÉTAT", "ça")'


def test_without_source_text():
    node = ast.parse("x = 5 + a").body[0].value
    r = fold(node)
    assert r == Unknown("5 + a", Span(1, 5, 1, 10))


def test_deep_nesting_does_not_raise():
    code = "x = " + " + ".join(["a"] * 3000)
    try:
        tree = ast.parse(code)
    except RecursionError:  # pragma: no cover - depends on the interpreter
        return
    r = fold(tree.body[0].value, {}, SourceText(code))
    assert isinstance(r, Unknown)
