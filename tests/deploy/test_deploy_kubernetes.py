from scalelint.deploy import extract_deploy
from scalelint.facts import Span

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  template:
    spec:
      containers:
        - name: web
          command: ["gunicorn"]
          args:
            - app:app
            - --workers=2
          env:
            - name: WEB_CONCURRENCY
              value: "3"
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}
          envFrom: [{configMapRef: {name: settings}}]
        - name: sidecar
          image: nginx
---
apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: batch/v1
kind: CronJob
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: cleanup
              command:
                - /bin/sh
                - -c
                - |
                  python manage.py clearsessions
                  echo ok
"""


def test_deployment_and_cronjob():
    commands, runs, problems = extract_deploy("k8s/web.yaml", "yaml", MANIFEST)
    assert problems == []
    web, clear, echo = commands
    assert web.source == "kubernetes" and web.process == "web" and web.instances == 4
    assert [w.text for w in web.argv] == ["gunicorn", "app:app", "--workers=2"]
    assert web.argv[0].span == Span(10, 21, 10, 31)
    assert web.argv[1].span == Span(12, 15, 12, 22)
    assert [(e.name, e.value) for e in web.env] == [("WEB_CONCURRENCY", "3"), ("DB_PASSWORD", None)]
    assert web.env_opaque is True
    assert [w.text for w in clear.argv] == ["python", "manage.py", "clearsessions"]
    assert clear.argv[0].span == Span(40, 19, 40, 25)  # inside the literal block
    assert clear.process == "cleanup" and clear.instances is None
    assert [w.text for w in echo.argv] == ["echo", "ok"]
    (sidecar,) = runs
    assert sidecar.process == "sidecar" and sidecar.dockerfile is None and sidecar.instances == 4


def test_pod_with_string_args_and_list_of_objects():
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    spec:
      containers:
        - name: app
          command: ["sh", "-c"]
          args: ["uvicorn main:app --workers 2"]
"""
    (cmd,), _, _ = extract_deploy("deploy/pod.yml", "yaml", text)
    assert [w.text for w in cmd.argv] == ["uvicorn", "main:app", "--workers", "2"]
    assert cmd.argv[0].span == Span(10, 19, 10, 26)
    assert cmd.context == "production"


def test_helm_template_is_skipped_silently():
    text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n  {{- if .Values.x }}\n"
    assert extract_deploy("chart/templates/deployment.yaml", "yaml", text) == ([], [], [])


def test_broken_manifest_is_silent():
    assert extract_deploy("k8s/bad.yaml", "yaml", "apiVersion: v1\nkind: Pod\nspec: [\n") == ([], [], [])
