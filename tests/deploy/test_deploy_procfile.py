from scalelint.deploy import extract_deploy
from scalelint.facts import Span


def test_procfile_lines_and_positions():
    text = "web: gunicorn app:app --threads 8\n# comment\nworker:   celery -A proj worker\nnot a process line\n"
    commands, runs, problems = extract_deploy("Procfile", "procfile", text)
    assert runs == [] and problems == []
    web, worker = commands
    assert web.process == "web" and web.web is True and web.source == "procfile"
    assert web.argv[0].text == "gunicorn"
    assert web.argv[0].span == Span(1, 6, 1, 14)
    assert [w.text for w in web.argv] == ["gunicorn", "app:app", "--threads", "8"]
    assert worker.process == "worker" and worker.web is False
    assert worker.argv[0].span == Span(3, 11, 3, 17)


def test_procfile_compound_command_assignments_and_context():
    text = "web: python manage.py migrate && WEB_CONCURRENCY=3 exec gunicorn app.wsgi\nrelease: ./bin/release.sh\n"
    commands, _, _ = extract_deploy("backend/Procfile.dev", "procfile", text)
    migrate, web, release = commands
    assert [w.text for w in migrate.argv] == ["python", "manage.py", "migrate"]
    assert [w.text for w in web.argv] == ["exec", "gunicorn", "app.wsgi"]
    assert [(e.name, e.value) for e in web.env] == [("WEB_CONCURRENCY", "3")]
    assert web.env[0].span == Span(1, 34, 1, 51)
    assert all(c.context == "development" for c in commands)
    assert release.runs_script == "bin/release.sh"
