from scalelint.deploy.shell import expand_sh_c, positions, split_commands, tokenize
from scalelint.facts import Span, Word


def flat(commands):
    return [[(w.text, w.span.line, w.span.column, w.span.end_column) for w in cmd] for cmd in commands]


def test_words_and_positions_with_start_offset():
    assert flat(split_commands("gunicorn app:app --threads 8", line=1, column=6)) == [
        [("gunicorn", 1, 6, 14), ("app:app", 1, 15, 22), ("--threads", 1, 23, 32), ("8", 1, 33, 34)]
    ]


def test_quotes_are_removed_but_span_covers_them():
    (cmd,) = split_commands("""echo "a b" 'c d' e\\ f x"y"z""")
    assert [w.text for w in cmd] == ["echo", "a b", "c d", "e f", "xyz"]
    assert cmd[1].span == Span(1, 6, 1, 11)
    assert cmd[2].span == Span(1, 12, 1, 17)
    assert cmd[3].span == Span(1, 18, 1, 22)


def test_operators_split_simple_commands():
    text = "a 1 && b 2 || c; d | e & f\ng"
    assert [[w.text for w in c] for c in split_commands(text)] == [
        ["a", "1"], ["b", "2"], ["c"], ["d"], ["e"], ["f"], ["g"]
    ]


def test_backslash_newline_continuation_keeps_real_positions():
    text = "gunicorn app:app \\\n    --workers 4 \\\n    --bind :8000"
    (cmd,) = flat(split_commands(text, line=3, column=5))
    assert cmd == [
        ("gunicorn", 3, 5, 13),
        ("app:app", 3, 14, 21),
        ("--workers", 4, 5, 14),
        ("4", 4, 15, 16),
        ("--bind", 5, 5, 11),
        (":8000", 5, 12, 17),
    ]


def test_comments_only_at_word_start():
    (cmd,) = split_commands("run a#b # trailing comment")
    assert [w.text for w in cmd] == ["run", "a#b"]


def test_variables_and_substitutions_kept_verbatim():
    (cmd,) = split_commands('gunicorn -w $(( 2 * $(nproc) + 1 )) --bind "0.0.0.0:${PORT:-8000}" $X')
    assert [w.text for w in cmd] == ["gunicorn", "-w", "$(( 2 * $(nproc) + 1 ))", "--bind", "0.0.0.0:${PORT:-8000}", "$X"]
    assert cmd[2].span == Span(1, 13, 1, 36)


def test_operators_inside_quotes_do_not_split():
    (cmd,) = split_commands("""sh -c 'a && b; c | d'""")
    assert [w.text for w in cmd] == ["sh", "-c", "a && b; c | d"]


def test_redirections_are_dropped_and_do_not_split():
    (cmd,) = split_commands("gunicorn app >> /var/log/app.log 2>&1 </dev/null")
    assert [w.text for w in cmd] == ["gunicorn", "app"]


def test_heredoc_bodies_are_skipped():
    text = "cat <<EOF > x\ngunicorn inside heredoc\nEOF\nuvicorn main:app\ncat <<-'END'\n\tnot me\n\tEND\necho done"
    assert [[w.text for w in c] for c in split_commands(text)] == [
        ["cat"], ["uvicorn", "main:app"], ["cat"], ["echo", "done"]
    ]
    assert split_commands(text)[1][0].span.line == 4


def test_reserved_words_and_function_names_are_not_commands():
    text = "if [ -n x ]; then\n  exec gunicorn app\nfi\nrun() {\n  uvicorn m:a\n}\nfor i in 1 2; do echo $i; done"
    assert [[w.text for w in c] for c in split_commands(text)] == [
        ["[", "-n", "x", "]"], ["exec", "gunicorn", "app"], ["uvicorn", "m:a"], ["echo", "$i"]
    ]


def test_expand_sh_c_positions_inside_the_string():
    (cmd,) = split_commands('sh -c "gunicorn app:app -w 4"', line=2, column=5)
    inner = expand_sh_c(cmd)
    assert flat(inner) == [[("gunicorn", 2, 12, 20), ("app:app", 2, 21, 28), ("-w", 2, 29, 31), ("4", 2, 32, 33)]]


def test_expand_sh_c_variants():
    for text in ("bash -c 'a 1 && b 2'", "exec /bin/sh -ec 'a 1 && b 2'", "bash -o pipefail -lc 'a 1 && b 2'"):
        (cmd,) = split_commands(text)
        assert [[w.text for w in c] for c in expand_sh_c(cmd)] == [["a", "1"], ["b", "2"]], text
    (cmd,) = split_commands("bash script.sh -c x")
    assert expand_sh_c(cmd) == [cmd]
    assert expand_sh_c([Word("gunicorn", Span(1, 1, 1, 9))]) == [[Word("gunicorn", Span(1, 1, 1, 9))]]


def test_exact_positions_through_escapes_with_internal_map():
    text = 'sh -c "echo \\"hi\\" && gunicorn app"'
    (cmd,) = tokenize(text, positions(text))
    from scalelint.deploy.shell import expand_toks

    inner = expand_toks(cmd)
    assert [[t.text for t in c] for c in inner] == [["echo", "hi"], ["gunicorn", "app"]]
    gunicorn = inner[1][0].word()
    assert text[gunicorn.span.column - 1 : gunicorn.span.end_column - 1] == "gunicorn"


def test_unterminated_quote_does_not_raise():
    assert [[w.text for w in c] for c in split_commands("echo 'abc")] == [["echo", "abc"]]
    assert [[w.text for w in c] for c in split_commands('echo "abc $(x')] == [["echo", "abc $(x"]]
