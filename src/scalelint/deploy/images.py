"""Images of the services a deployment runs beside the app: databases, caches, brokers,
proxies, ingress controllers. A manifest container running one of them never runs the app's
Dockerfile, so its environment says nothing about the app's processes."""

from __future__ import annotations

from scalelint.frameworks import databases as db

__all__ = ["image_name", "is_service_image"]

# the image's name without registry and tag (`gcr.io/google_containers/nginx-ingress-controller:0.8.3`
# -> nginx-ingress-controller); a database server is decided by frameworks.databases
_SERVICES = frozenset({
    "redis", "redis-stack", "valkey", "keydb", "memcached", "rabbitmq", "kafka", "zookeeper", "nats",
    "mongo", "mongodb", "cassandra", "elasticsearch", "opensearch", "docker-elasticsearch-kubernetes",
    "influxdb", "clickhouse-server", "minio", "etcd", "consul", "vault",
    "nginx", "nginx-ingress-controller", "ingress-nginx", "traefik", "haproxy", "envoy", "caddy", "httpd",
    "defaultbackend", "kube-lego", "cert-manager-controller", "pgbouncer", "cloud-sql-proxy", "cloudsql-proxy",
    "busybox", "alpine", "mailhog", "mailpit",
})  # fmt: skip


def image_name(image: str) -> str:
    name = image.strip().strip("'\"").lower().split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[0] if ":" in last else last


def is_service_image(image: str | None) -> bool:
    """`postgres:16`, `redis:7-alpine`, `jetstack/kube-lego:0.1.4`: not the app's image."""
    if not image or "$" in image:
        return False
    return image_name(image) in _SERVICES or db.image_dialect(image) is not None
