"""Container image references: `ghcr.io/acme/web:v2` -> registry, repository, tag, digest.

Follows the distribution reference grammar that the kubelet and the runtimes use: the first
path component is a registry host only if it has a "." or ":" or is "localhost"; otherwise
the image lives on Docker Hub, and a one-component name is an official `library/` image.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

DOCKER_HUB = "docker.io"

# Official Docker Hub images people use in pods; a one-segment name that is not one of
# these, or that is a near miss of one, is most likely a typo.
OFFICIAL = (
    "alpine", "busybox", "ubuntu", "debian", "centos", "fedora", "nginx", "httpd", "redis", "postgres",
    "mysql", "mariadb", "mongo", "memcached", "rabbitmq", "python", "node", "golang", "openjdk",
    "eclipse-temurin", "amazoncorretto", "ruby", "php", "traefik", "haproxy", "elasticsearch", "kibana",
    "logstash", "wordpress", "registry", "consul", "vault", "influxdb", "telegraf", "grafana", "caddy",
    "tomcat", "jenkins", "sonarqube", "nextcloud", "ghost", "drupal", "joomla", "cassandra", "zookeeper",
    "solr", "couchdb", "neo4j", "nats", "hello-world", "perl", "rust", "gcc", "bash", "docker", "adminer",
    "percona", "rethinkdb", "couchbase", "mongo-express", "flink", "spark", "kong", "varnish", "swift",
    "maven", "gradle", "dotnet", "clojure", "erlang", "elixir", "julia", "haskell", "r-base", "nginx-unprivileged",
)


@dataclass(frozen=True)
class ImageRef:
    text: str
    registry: str
    repository: str
    tag: Optional[str]
    digest: Optional[str]
    explicit_registry: bool

    @property
    def name(self) -> str:
        """Registry and repository, as people write it: `ghcr.io/acme/web`, `nginx`."""
        if not self.explicit_registry and self.repository.startswith("library/"):
            return self.repository[len("library/"):]
        if not self.explicit_registry:
            return self.repository
        return f"{self.registry}/{self.repository}"

    @property
    def version(self) -> str:
        return self.digest or self.tag or "latest"

    @property
    def display(self) -> str:
        """`ghcr.io/acme/web:v2`, `nginx:latest`, `quay.io/org/app@sha256:…`: how to write it back."""
        if self.digest:
            return f"{self.name}:{self.tag}@{self.digest}" if self.tag else f"{self.name}@{self.digest}"
        return f"{self.name}:{self.tag or 'latest'}"

    @property
    def is_docker_hub(self) -> bool:
        return self.registry in (DOCKER_HUB, "index.docker.io", "registry-1.docker.io")

    @property
    def is_official(self) -> bool:
        return self.is_docker_hub and self.repository.startswith("library/")


_PARSED: dict = {}                   # reference text -> ImageRef (immutable): a paste of many pods repeats its images


def parse_image(text: str) -> ImageRef:
    if type(text) is not str:
        return _parse_image(text)
    got = _PARSED.get(text)
    if got is None:
        if len(_PARSED) > 4096:
            _PARSED.clear()
        got = _PARSED[text] = _parse_image(text)
    return got


def _parse_image(text: str) -> ImageRef:
    ref = text.strip().strip('"')
    for scheme in ("docker://", "https://", "http://"):
        if ref.startswith(scheme):
            ref = ref[len(scheme):]
    digest = None
    if "@" in ref:
        ref, _, digest = ref.partition("@")
    tag = None
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref, _, tag = ref.rpartition(":")
    first, sep, rest = ref.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, repo, explicit = first, rest, True
    else:
        registry, repo, explicit = DOCKER_HUB, ref, False
        if "/" not in repo:
            repo = "library/" + repo
    if registry in ("index.docker.io", "registry-1.docker.io"):
        registry = DOCKER_HUB
        if "/" not in repo:
            repo = "library/" + repo
    return ImageRef(text.strip(), registry, repo, tag, digest, explicit)


def same_image(a: str, b: str) -> bool:
    """True when two references name the same image (`nginx` == `docker.io/library/nginx:latest`)."""
    ra, rb = parse_image(a), parse_image(b)
    return (ra.registry, ra.repository, ra.version) == (rb.registry, rb.repository, rb.version)


def near_official(repo_name: str) -> Optional[str]:
    """`ngimx` -> `nginx`: an official image one or two edits away."""
    best = None
    for name in OFFICIAL:
        if name == repo_name:
            return None
        d = _distance(repo_name, name, 2)
        if d <= (1 if len(name) <= 4 else 2) and (best is None or d < best[0]):
            best = (d, name)
    return best[1] if best else None


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]
