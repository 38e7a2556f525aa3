import pytest

from scalelint.deploy import context_of


@pytest.mark.parametrize(
    "path, process, expected",
    [
        ("Procfile", "web", "unknown"),
        ("Procfile.dev", "web", "development"),
        ("deploy/docker-compose.prod.yml", "web", "production"),
        ("docker-compose.override.yml", "web", "development"),
        ("compose.override.yaml", None, "development"),
        ("examples/deploy/Dockerfile", None, "development"),
        ("docker/Dockerfile.production", None, "production"),
        ("k8s/web-release.yaml", "web", "production"),
        ("docker-compose.yml", "web_debug", "development"),
        ("Makefile", "run", "development"),
        ("Makefile", "serve-dev", "development"),
        ("Makefile", "serve", "unknown"),
        ("Procfile", "run", "unknown"),
        ("tests/fixtures/Procfile", "web", "development"),
        ("devops/Procfile", "web", "unknown"),  # a segment, not a substring
        ("latest/Dockerfile", None, "unknown"),
    ],
)
def test_context_of(path, process, expected):
    assert context_of(path, process) == expected
