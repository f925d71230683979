"""Redaction for sharing a paste: secrets and identifying values replaced, consistently.

`redact(text)` replaces what a paste should not carry into a ticket or a chat with stable
placeholders: the same value gets the same placeholder everywhere (`<secret-1>`, `<ip-2>`,
`<host-1>`...), so the redacted paste still reads, and still gets the same diagnosis.

What is replaced, and what is kept on purpose:

* Literal environment values (describe's `NAME:  value` under `Environment:`; the `name:` and
  `value:` lines of `kubectl get pod -o yaml|json`, in either order, block scalars too; the
  kubelet's `EnvVar{Name:X,Value:Y,}`; the JSON of last-applied annotations) become
  `<secret-N>` when the name says secret (PASSWORD, TOKEN, KEY...), `<value-N>` otherwise.
  Kept: `<set to the key ...>` references and `(v1:...)` field references (they name where a
  value comes from, not the value), and values that identify nothing: numbers up to 8 digits,
  quantities and durations (`512Mi`, `30s`), booleans, log levels, absolute paths and JVM
  memory flags (the OOM rule reads `-Xmx`). Option lists (`-Dkey=value -Xmx1g`) are redacted
  option by option, so `-Xmx1g` survives next to a redacted `-Dapp.password=<secret-1>`. A
  value that is an address (`10.0.0.5`, `db.acme.corp:5432`) is left to the IP and host rules,
  so it gets the same placeholder as the same address elsewhere.
* Credentials anywhere: values of `--password=`/`--token x`/`password=`/`key = value`/`"apiKey": "..."`
  (also inside another value: `--url=https://host/hook?token=...`), `redis-cli -a`,
  `docker login -p`, `curl -u user:PASS`, webhook URLs (Slack, Discord, Teams), Azure
  connection strings (AccountKey; AccountName is an account),
  (a key naming a secret, not one naming a file, a name or a TTL), `Authorization:` headers
  and `Bearer` tokens, mysql's `-pSECRET`, the password (and user) in `scheme://user:pass@host`,
  JWTs, AWS access key ids, provider tokens (`sk-...`, `ghp_...`, `xoxb-...`, `glpat-...`,
  `AIza...`) and PEM blocks (the BEGIN/END lines stay, the body lines are replaced one by one).
  A credential seen once is replaced wherever else it appears (last-applied annotations),
  unless it is a plain word (`postgres`), which would also hide names and messages.
* IP addresses, v4 and v6 (`<ip-N>`; the CIDR suffix and the port stay). Kept: loopback,
  unspecified, broadcast and the cloud metadata address, which identify nothing.
* Host names (`<host-N>`): FQDNs ending in a real or an internal top-level domain
  (`ip-10-0-1-5.ec2.internal`, `db.acme.corp`), a customer's endpoints under amazonaws.com
  (`mydb.c9x2kq.eu-west-1.rds.amazonaws.com`; AWS's own `ecr.us-east-1.amazonaws.com` stays)
  and cloud node names (`ip-10-0-1-5`, `gke-<cluster>-<pool>-<hash>-<id>`, `aks-<pool>-<id>-vmss<n>`).
  Kept: public domains (kubernetes.io label keys, docker.io, ghcr.io, quay.io, gcr.io,
  github.com...), in-cluster DNS (`*.svc.cluster.local`, made of object names: see `names`),
  file and class names (`app.py`, `java.lang.OutOfMemoryError`).
* Registry accounts (`<account-N>`): the account part of an image (`ghcr.io/acme/web` ->
  `ghcr.io/<account-1>/web`), and the account inside cloud registry and storage hosts
  (`123456789012.dkr.ecr...`, `acme.azurecr.io`, `acme.blob.core.windows.net`), so the kind of
  registry stays visible.
  Kept: public hosts, official images and well-known public organisations (`bitnami/...`).
* E-mail addresses (`<email-N>`).
* With `names=True`, object names (`name-N`, which is still a valid Kubernetes name, so the
  parsers read `secret "name-3" not found` as they read the original): pods, namespaces,
  controllers, containers, nodes, service accounts, ConfigMaps, Secrets and claims named in
  the paste's fields or in its events (`Successfully assigned`, `Created pod:`, `Scaled up
  replica set`, `Node x status`, the OBJECT column), and every label of in-cluster DNS names.
  A generated suffix stays (`name-1-7f8d9c6b5-xq5ml`), so a pod still reads as its
  Deployment's. The same placeholder in every form: `ns/pod`, an Event's `pod.17a8b9c0d1e2f3a4`,
  `ReplicaSet/web-5d8f`, `generateName: web-5d8f-`, kubelet's `pod_ns(uid)`, quoted, in URLs'
  paths (`/namespaces/shop/pods/web-1`, `postgres://host/shop`), in a taint's value, in env
  field references (`shop (v1:metadata.namespace)`), in the NAME column of `kubectl get`, and as
  the repository of a private image (`registry/<account-1>/name-1:2.4`; a public image such as
  `quay.io/prometheus/node-exporter` stays). A name with a dash or a digit is replaced wherever
  it appears; a one-word name (`api`, `pull`) where it stands as a name (`container pull`,
  `{pull}`, `"pull"`, `pod/pull`, with a generated suffix), never in `Failed to pull image`, in
  a file path (`/etc/kafka`) or in prose. Kept: `default` and the `kube-*` namespaces.

Never changed: the number of lines (the page highlights evidence by line number), line
endings, the columns of kubectl's tables (a column after a placeholder is put back where it
started, since the Events table is read by position; in kubectl output carried as a JSON/Go
string, counted from each `\n` escape), and anything else. (A paste a terminal
hard-wrapped is the exception: when anything in it is replaced it comes back unwrapped, each
logical line on the line it started on and its continuation lines empty; see `redact`.) Pure,
deterministic, idempotent (a redacted paste redacts to itself); every pattern is linear in
the input.
"""
from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass

from .parse.text import carried_strings

KINDS = ("secret", "value", "user", "email", "ip", "host", "account", "name")
_PLACEHOLDER = re.compile(r"<(?:secret|value|user|email|ip|host|account|name)-\d+>")


@dataclass(frozen=True)
class Redacted:
    text: str
    replacements: dict      # kind -> number of distinct values replaced, e.g. {"ip": 3, "secret": 2}


class _Table:
    """One placeholder per distinct value, whatever kind first saw it."""

    def __init__(self) -> None:
        self.by_value: dict = {}         # value -> placeholder
        self.kind_of: dict = {}          # value -> kind
        self.last: dict = {}             # kind -> last number given
        self.used: set = set()           # values replaced at least once
        self.secrets: dict = {}          # credential -> placeholder, for the global pass

    def reserve(self, kind: str, value: str) -> str:
        ph = self.by_value.get(value)
        if ph is None:
            n = self.last.get(kind, 0) + 1
            self.last[kind] = n
            # An object name stays a valid Kubernetes name (`secret "name-3" not found` still
            # reads, and parses, as a name); the other kinds are marked <kind-N>.
            ph = f"{kind}-{n}" if kind == "name" else f"<{kind}-{n}>"
            self.by_value[value] = ph
            self.kind_of[value] = kind
        return ph

    def get(self, kind: str, value: str) -> str:
        ph = self.reserve(kind, value)
        self.used.add(value)
        return ph

    def counts(self) -> dict:
        out: dict = {}
        for value in self.used:
            kind = self.kind_of[value]
            out[kind] = out.get(kind, 0) + 1
        return {k: out[k] for k in KINDS if k in out}

    def secret(self, value: str, kind: str = "secret") -> str:
        ph = self.get(kind, value)
        if _distinctive(value, kind):
            self.secrets[value] = ph
        return ph


def _distinctive(value: str, kind: str) -> bool:
    """Whether replacing every other occurrence of the value is safe. A plain word (a password
    `postgres`, an env value `nautobot`) is also a name or a word of the paste's messages:
    replacing it everywhere would hide the diagnosis, so it is only replaced where it is a value."""
    if " " in value or len(value) < 6:
        return False
    mixed = not value.isalpha() or not (value.islower() or value.isupper())
    return kind == "secret" and (len(value) >= 12 or mixed)


# --- what is harmless -------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?\d{1,8}(?:\.\d+)?(?:[a-zA-Z]{1,3}|%)?")      # 8080, 0.5, 512Mi, 30s, 75%
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs|ns))+")      # 1h30m
_WORDS = frozenset("""true false yes no on off enabled disabled enable disable null nil none
    debug info warn warning error trace fatal critical notice verbose""".split())
_ABS_PATH = re.compile(r"/[\w.@+/-]*")
_SHELL_VAR = re.compile(r"\$\{?\w+\}?")                                     # "$MYSQL_PASSWORD": a reference
_BYTES = re.compile(r"\d+ bytes")                                        # describe secret: `password:  16 bytes`
_JVM_FLAG = re.compile(r"-X(?:m[sxn]|ss)\d+[kKmMgGtT]?|-XX:[+-]\w+|-XX:\w+=\d+[kKmMgGtT%]?|-Xlog\S*|-server|-client")


def _harmless(value: str) -> bool:
    v = value.strip().strip("\"'")
    if not v or v.startswith("<") or _PLACEHOLDER.search(v) or not any(ch.isalnum() for ch in v) or \
            _NAME_PLACEHOLDER.fullmatch(v):
        return True
    return bool(_NUMBER.fullmatch(v) or _DURATION.fullmatch(v) or v.lower() in _WORDS
                or _ABS_PATH.fullmatch(v) or _JVM_FLAG.fullmatch(v) or _BYTES.fullmatch(v) or _SHELL_VAR.fullmatch(v))


# A key that names a credential (`DB_PASSWORD`, `--api-key`, `"clientSecret"`), unless it names
# something about the credential (`SecretName`, `--password-file`, `TokenExpirationSeconds`).
_SECRET_KEY = re.compile(
    r"pass(?:word|wd|phrase)?(?![a-z])|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|"
    r"signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|ssh[_.-]?key|[_.-]key$|credential|"
    r"auth(?:[_.-]?(?:token|key|secret|header|string|info))?$|"
    r"session[_.-]?key|account[_.-]?key|signature|(?<![a-z])sig$|(?<![a-z])dsn$|conn(?:ection)?[_.-]?str|cookie",
    re.IGNORECASE)
_NOT_SECRET_KEY = re.compile(
    r"(?:name|names|ref|refs|file|files|path|paths|dir|ttl|seconds|expiration\w*|expiry|length|type|mode|kind|"
    r"optional|version|id|ids|arn|header|policy|size|count|enabled|format|algorithm|location|url|uri|endpoint|"
    r"provider|source|mount|volume|items|keys|from|secretref|keyref|lifetime|timeout|period|audience|class)$",
    re.IGNORECASE)

_CAMEL_KEY = re.compile(r"[a-z]Key$")          # stripeKey, licenseKey (not a bare `key:`)


@functools.lru_cache(maxsize=4096)
def _secret_key(key: str) -> bool:
    k = key.lstrip("-").rstrip(".")
    return bool(k) and bool(_SECRET_KEY.search(k) or _CAMEL_KEY.search(k)) and \
        not _NOT_SECRET_KEY.search(re.sub(r"[_.-]", "", k))


# --- the line pass: Environment and Command/Args blocks, PEM blocks ---------------------

_KEY_VALUE = re.compile(r"^([ \t]*)([A-Za-z_][\w.-]*):([ \t]+)(\S.*)$")
_ENV_HEAD = re.compile(r"^([ \t]*)Environment:[ \t]*$")
_ARGS_HEAD = re.compile(r"^([ \t]*)(?:Command|Args):[ \t]*$")
_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]{1,40}-----")
_MYSQL = re.compile(r"\b(?:mysql\w*|mariadb\w*)\b", re.IGNORECASE)
_MYSQL_P = re.compile(r"(?<![\w-])-p([^\s'\"]{2,})")
_FLAG_ALONE = re.compile(r"^[ \t]*(--?[A-Za-z][\w.-]*)[ \t]*$")
_FIELD_REF = re.compile(r"\((?:v1:[\w.\[\]'/-]+|(?:limits|requests)\.[\w.-]+)\)\s*$")


def _indent(line: str) -> int:
    e = line.expandtabs(8) if "\t" in line else line
    return len(e) - len(e.lstrip(" "))


def _env_value(name: str, value: str, t: _Table) -> str:
    """A literal env value -> its redacted form (the value itself when it is harmless)."""
    if value.startswith("<") or _FIELD_REF.search(value) or _harmless(value) or _PEM_BEGIN.fullmatch(value):
        return value
    addr = value.rsplit(":", 1)[0] if re.fullmatch(r"[^:]+:\d{1,5}", value) else value
    if _IPV4.fullmatch(addr) or _HOSTISH.fullmatch(addr) or (":" in value and _IPV6.fullmatch(value)):
        return value                  # an address: the IP and host passes replace it as they do elsewhere
    kind = "secret" if _secret_key(name) or _TOKENS.fullmatch(value) else "value"
    words = value.split()
    if words and all(w.startswith("-") for w in words):
        # An option list (JAVA_OPTS): redact option by option, keeping the harmless ones.
        out = []
        for w in words:
            if _harmless(w):
                out.append(w)
            elif "=" in w:
                k, _, v = w.partition("=")
                out.append(w if _harmless(v) else f"{k}={t.secret(v, 'secret' if _secret_key(k) else kind)}")
            else:
                out.append(t.secret(w, kind))
        return " ".join(out)
    return t.secret(value, kind)


def _line_pass(lines: list, t: _Table) -> None:
    env_at = args_at = -1          # indentation of the open Environment / Command|Args block
    env_entry = -1                 # indentation of the block's entries
    env_ph = ""                    # placeholder of the value a continuation line belongs to
    mysql = False
    flag_waits = False             # the previous argument was a credential flag: this one is its value
    pem_end = -1                   # inside a PEM block up to this line
    pem = ""
    for i, line in enumerate(lines):
        if i < pem_end:
            if line.strip():
                lines[i] = line[: len(line) - len(line.lstrip())] + pem
            continue
        begin = _PEM_BEGIN.search(line)
        if begin and not _PEM_END.search(line, begin.end()):
            end = next((j for j in range(i + 1, min(len(lines), i + 400)) if _PEM_END.search(lines[j])), -1)
            body = "".join(ln.strip() for ln in lines[i + 1:end])
            if end > i + 1 and not _PLACEHOLDER.fullmatch(lines[i + 1].strip()):     # not redacted already
                pem, pem_end, env_ph = t.get("secret", body), end, ""
                continue
        ind = _indent(line) if line.strip() else -1

        if env_at >= 0 and line.strip():
            if ind <= env_at:
                env_at = -1
            else:
                if env_entry < 0:
                    env_entry = ind
                m = _KEY_VALUE.match(line)
                if ind <= env_entry:
                    env_ph = ""
                    if m:
                        new = _env_value(m.group(2), m.group(4).rstrip(), t)
                        env_ph = new if new != m.group(4).rstrip() and _PLACEHOLDER.fullmatch(new) else ""
                        lines[i] = m.group(1) + m.group(2) + ":" + m.group(3) + new
                elif env_ph and not _PEM_END.search(line) and not _PLACEHOLDER.fullmatch(line.strip()):
                    # The next line of a multi-line value: describe prints it aligned under the value.
                    lead = line[: len(line) - len(line.lstrip())]
                    lines[i] = lead + env_ph
                continue
        if args_at >= 0 and line.strip():
            if ind <= args_at:
                args_at = -1
                mysql = flag_waits = False
            else:
                mysql = mysql or bool(_MYSQL.search(line))
                stripped = line.strip()
                if flag_waits and not stripped.startswith("-") and not _harmless(stripped):
                    lead = line[: len(line) - len(line.lstrip())]
                    lines[i] = lead + t.secret(stripped)
                flag = _FLAG_ALONE.match(line)
                flag_waits = bool(flag and _secret_key(flag.group(1)))
        if args_at < 0 and env_at < 0:
            head = _ENV_HEAD.match(line)
            if head:
                env_at, env_entry, env_ph = _indent(line), -1, ""
                continue
            head = _ARGS_HEAD.match(line)
            if head:
                args_at, mysql, flag_waits = _indent(line), False, False
                continue
        if mysql or _MYSQL.search(lines[i]):
            lines[i] = _MYSQL_P.sub(lambda m: "-p" + (m.group(1) if _PLACEHOLDER.fullmatch(m.group(1))
                                                       else t.secret(m.group(1))), lines[i])


# --- env entries of `kubectl get pod -o yaml|json`: name and value on lines of their own ---------

_ITEM_KEY = re.compile(r"^([ \t]*)(- )?([\"']?)(name|value)\3[ \t]*:[ \t]*(.*?)[ \t]*$")
_BLOCK_SCALAR = re.compile(r"[|>][+-]?")


def _item_key(line: str):
    """-> (key column, is the item's first line, key, value) of a `name:`/`value:` line, or None."""
    m = _ITEM_KEY.match(line)
    if not m:
        return None
    col = _indent(line) + (2 if m.group(2) else 0)
    return col, bool(m.group(2)), m.group(4), m.group(5)


def _env_items(lines: list, t: _Table) -> None:
    """`- name: DB_PASSWORD` / `value: ...` (either order), and JSON's `"name": ...,` / `"value": ...`
    on separate lines: the value is redacted as an env value of that name."""
    for i, line in enumerate(lines):
        if "value" not in line:
            continue
        here = _item_key(line)
        if not here or here[2] != "value":
            continue
        col, first, _, raw = here
        name = None
        for j in range(i - 1, max(-1, i - 8), -1):          # the item's lines before this one
            k = _item_key(lines[j])
            if k and k[0] == col and k[2] == "name":
                name = k[3]
                break
            if (k and k[1] and k[0] == col) or _indent(lines[j]) < col or first:
                break
        if name is None:
            for j in range(i + 1, min(len(lines), i + 8)):  # ...and after it
                k = _item_key(lines[j])
                if _indent(lines[j]) < col or (k and k[1]):
                    break
                if k and k[0] == col and k[2] == "name":
                    name = k[3]
                    break
        if name is None:
            continue
        name = name.rstrip(",").strip("\"'")
        comma = "," if raw.endswith(",") else ""
        value = raw[:-1].rstrip() if comma else raw
        quote = value[0] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else ""
        inner = value[1:-1] if quote else value
        if not inner or inner[:1] in "{[" or _PLACEHOLDER.fullmatch(inner):
            continue
        if _BLOCK_SCALAR.fullmatch(inner):                # `value: |` and the lines under it
            block = []
            for j in range(i + 1, len(lines)):
                if lines[j].strip() and _indent(lines[j]) <= col:
                    break
                block.append(j)
            body = "\n".join(lines[j].strip() for j in block)
            if not body.strip() or _PLACEHOLDER.fullmatch(body.strip()) or _harmless(body):
                continue
            ph = t.secret(body, "secret" if _secret_key(name) else "value")
            for j in block:
                if lines[j].strip():
                    lines[j] = lines[j][: len(lines[j]) - len(lines[j].lstrip())] + ph
            continue
        if quote == '"':
            inner = inner.replace('\\"', '"')
        new = _env_value(name, inner, t)
        if new != inner:
            lines[i] = line[: len(line) - len(raw)] + quote + new + quote + comma


_LIST_FLAG = re.compile(r"^[ \t]*(?:- )?([\"']?)(--?[A-Za-z][\w.-]*)\1,?[ \t]*$")
_LIST_VALUE = re.compile(r"^([ \t]*(?:- )?)([\"']?)([^\s\"'-][^\"']*?)\2(,?[ \t]*)$")
# `["--api-key", "VALUE"]`: a credential flag and its value as items of one list.
_INLINE_FLAG = re.compile(r"([\"'])(--?[A-Za-z][\w.-]{0,100})\1([ \t]*,[ \t]*)([\"'])([^\"'\s-][^\"'\n]{0,4096}?)\4")


def _list_flags(lines: list, t: _Table) -> None:
    """A credential flag as one item of a YAML or JSON list and its value as the next item:
    `- --token` / `- VALUE`, `"--client-secret",` / `"VALUE"`."""
    for i in range(len(lines) - 1):
        m = _LIST_FLAG.match(lines[i])
        if not m or not _secret_key(m.group(2)):
            continue
        nxt = _LIST_VALUE.match(lines[i + 1])
        if nxt and not _harmless(nxt.group(3)) and not _PLACEHOLDER.fullmatch(nxt.group(3)):
            lines[i + 1] = nxt.group(1) + nxt.group(2) + t.secret(nxt.group(3)) + nxt.group(2) + nxt.group(4)


_GO_ENV = re.compile(r"EnvVar\{Name:([\w.-]{1,200}),Value:([^,{}\n]*),")


# --- the text passes --------------------------------------------------------------------

_PEM_INLINE = re.compile(r"(-----BEGIN ([A-Z0-9 ]{1,40})-----)([^\n]*?)(-----END \2-----)")
# `docker-pullable://nginx@sha256:...` is an image digest, not a user.
_URL_USERINFO = re.compile(r"(?<![\w+.-])([A-Za-z][A-Za-z0-9+.-]{1,30}://)([^\s:/@'\"<>]*)(?::([^\s/@'\"<>]*))?@(?!sha\d+:)")
_TOKENS = re.compile(
    r"(?<![\w-])(?:"
    r"eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*"                                   # JWT
    r"|(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}(?![A-Za-z0-9])"   # AWS key id
    r"|sk-(?:live-|test-|proj-|ant-)?[A-Za-z0-9_-]{16,}"               # sk-... API keys
    r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}"                    # Stripe
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,}"                  # GitHub
    r"|glpat-[\w-]{20,}|xox[abposr]-[\w-]{10,}|AIza[\w-]{35}|npm_[A-Za-z0-9]{36}"
    r")")
_BEARER = re.compile(r"(?i)(\bbearer[ \t]+(?=[A-Za-z0-9._~+/=-]{16})|"
                     r"\b(?:proxy-)?authorization[ \t]*[:=][ \t]*(?:(?:bearer|basic|digest|negotiate|token)[ \t]+)?)"
                     r"([A-Za-z0-9._~+/=-]{8,})")
_BEARER_HINT = re.compile(r"[Bb]earer|BEARER|[Aa]uthorization|AUTHORIZATION")
_ASSIGN = re.compile(r"(?<![\w.-])(-{0,2}[A-Za-z_][\w.-]{0,100})(=)(\"[^\"\n]*\"|'[^'\n]*'|[^\s;,&'\"<>]+)")
_JSON_PAIR = re.compile(r"\"([\w.-]{1,100})\"([ \t]*:[ \t]*)\"((?:[^\"\\\n]|\\.){1,4096})\"")
_JSON_ENV = re.compile(r"\"name\"[ \t]*:[ \t]*\"([\w.-]{1,200})\"[ \t]*,[ \t]*\"value\"[ \t]*:[ \t]*\"((?:[^\"\\\n]|\\.){1,4096})\"")
_FLAG_SPACE = re.compile(r"(?<![\w-])(--?[A-Za-z][\w.-]{0,100})([ \t]+)(['\"]?)([^\s'\"<>-][^\s'\"<>]*)\3(?=[\s'\";]|$)")
_YAML_LINE = re.compile(r"^([ \t]*)([\"']?)([A-Za-z_][\w.-]{0,100})\2(:[ \t]+)([^\s<].*)$", re.MULTILINE)
_HEADER = re.compile(r"(?i)(\bx-[\w-]*(?:key|token|secret|auth)[\w-]*[ \t]*:[ \t]*)([^\s'\",]+)")
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w-])")
_IPV4 = re.compile(r"(?:(?<![\w.])|(?<=\\u[0-9a-fA-F]{4})|(?<=\\[ntr]))((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])((?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?)(?![\w:]|\.\d)")
_KEEP_IPS = frozenset({"0.0.0.0", "127.0.0.1", "255.255.255.255", "169.254.169.254", "::", "::1"})
# A host starts after a separator, or right after a JSON/Go string escape (`\\n`, `\\u00a0`), never at the escape's
# own letter: `quay\\n.io` is no host `n.io`, and `\\u00a0swr.example.com` loses the host, not the escape.
_AFTER_ESCAPE = r"(?:(?<![\w.\\-])|(?<=\\u[0-9a-fA-F]{4})|(?<=\\[ntr]))"
_HOSTISH = re.compile(_AFTER_ESCAPE + r"[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){1,20}(?![\w-]|\.[\w-])")
_IP_NODE = re.compile(r"(?<![\w.-])(?:ip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}"
                      r"|gke-[a-z0-9-]{1,80}?-[0-9a-f]{7,8}-(?:node-)?[a-z0-9]{4}"   # GKE: gke-<cluster>-<pool>-<hash>-<id>
                      r"|aks-[a-z0-9]{1,12}-\d{8}-vmss[0-9a-z]{6})(?![\w-])")   # AKS: aks-<pool>-<id>-vmss<n>
# Credentials some tools take as a bare option: `redis-cli -a PASS`, `docker login -u me -p PASS`,
# `curl -u user:PASS`.
_REDIS_A = re.compile(r"(?<![\w-])(-a[ \t]+)([^\s'\"-][^\s'\"]*)")
_LOGIN_P = re.compile(r"(?<![\w-])((?:-p|--password)[ \t]+)([^\s'\"-][^\s'\"]*)")
_USER_PASS = re.compile(r"(?<![\w-])((?:-u|--user)[ \t]+['\"]?[^\s:'\"]+:)([^\s'\"@]+)")
_SPACED_ASSIGN = re.compile(r"(?<![\w.-])([A-Za-z_][\w.-]{0,100})([ \t]+=[ \t]*|[ \t]*=[ \t]+)([^\s'\"<>]+)")
_WEBHOOK = re.compile(r"((?:hooks\.slack\.com/services|discord(?:app)?\.com/api/webhooks|outlook\.office\.com/webhook)/)"
                      r"([\w/@-]{10,})")
# Cloud accounts in resource names: an ARN's account (the same placeholder as the account in an
# ECR host) and its IAM principal; a GCP project; an Azure subscription or tenant.
_ARN = re.compile(r"\b(arn:aws[\w-]*:[\w-]*:[\w-]*:)(\d{12})(:(?:role|user|assumed-role|instance-profile|group|policy)/)?"
                  r"((?(3)[\w+=,.@/-]{1,200}))")
_GCP_PROJECT = re.compile(r"(?<![\w-])(projects/)([a-z][a-z0-9-]{4,28}[a-z0-9])(?=/|\b)")
_AZURE_IDS = re.compile(r"(?i)\b((?:subscriptions?|tenants?|tenant[ _-]?id)[/ :=]+)"
                        r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")
_AZURE_ACCOUNT = re.compile(r"(?<![\w-])(AccountName=)([a-z0-9]{3,24})(?![\w])")

# Top-level domains a host name in a paste ends with: the common public ones and the suffixes
# internal networks use. File extensions (.py, .sh, .pl, .md) are left out on purpose.
_TLDS = frozenset("""com net org edu gov mil int io ai app dev cloud co info biz tech online site xyz
    eu us uk de fr nl se fi dk ch es pt cz ru ua cn jp kr au nz ca br mx za sg hk tw ie il ae
    internal local lan corp home intra intranet private priv localdomain example test invalid""".split())
# Public domains: label keys (app.kubernetes.io/name), registries, well-known sites.
_PUBLIC = frozenset("""kubernetes.io k8s.io x-k8s.io docker.io docker.com ghcr.io github.com github.io
    githubusercontent.com gitlab.com aws.com windows.net quay.io gcr.io pkg.dev google.com googleapis.com gke.io
    amazonaws.com amazon.com aws.dev microsoft.com azure.com azure.net mcr.microsoft.com
    openshift.io openshift.com redhat.io redhat.com helm.sh istio.io prometheus.io cert-manager.io
    argoproj.io karpenter.sh linkerd.io kyverno.io fluxcd.io elastic.co grafana.com nvcr.io
    nvidia.com hashicorp.com cilium.io projectcalico.org tigera.io rancher.io cattle.io k3s.io
    knative.dev tekton.dev opentelemetry.io sigstore.dev golang.org go.dev python.org pypi.org
    npmjs.org npmjs.com maven.org apache.org ubuntu.com debian.org alpinelinux.org letsencrypt.org
    kubeflow.org cncf.io cluster.local example.com example.org example.net localhost public.ecr.aws""".split())
# Registry hosts whose first label is the customer's account.
_ACCOUNT_HOST = re.compile(r"^([a-z0-9-]{2,63})(\.(?:dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?|azurecr\.(?:io|cn|us)|jfrog\.io|"
                           r"(?:blob|file|queue|table|dfs|web)\.core\.windows\.net))$")
# Public image organisations: naming them identifies nobody.
_PUBLIC_ORGS = frozenset("""library bitnami bitnamicharts grafana prom prometheus jetstack istio hashicorp
    elastic confluentinc rancher calico cilium fluent kubernetesui google-containers google_containers
    distroless k8s-artifacts-prod coredns nginxinc openpolicyagent argoproj minio linkerd traefik amazon
    aws eks-distro docker curlimages apache redhat ubi8 ubi9 openshift cert-manager kyverno fluxcd
    external-secrets kedacore strimzi projectcontour envoyproxy kong nvidia datadog newrelic
    ingress-nginx kube-state-metrics metrics-server sig-storage autoscaling provider-aws cloud-provider-gcp
    dotnet azure-cli oss eclipse-temurin""".split())
# Words a generated-looking suffix is not stripped down to (`node-7` is a name, `node` a word).
_STOP_BASES = frozenset("node nodes worker workers master masters minion pod pods agent k8s kube ip host".split())
_RESERVED_NAMES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease", "none", "unknown"})


# The labels of AWS's own endpoints and label keys (`ecr.us-east-1.amazonaws.com`,
# `eks.amazonaws.com/role-arn`); any other label under amazonaws.com is the customer's
# (`mydb.c9x2kq7v1abc.eu-west-1.rds.amazonaws.com`, `ec2-3-4-5-6.compute-1.amazonaws.com`).
_AWS_LABELS = frozenset("""ecr dkr s3 sts ec2 eks iam elasticloadbalancing autoscaling logs monitoring ssm kms
    secretsmanager sqs sns dynamodb lambda route53 elasticfilesystem ebs api vpc k8s ecs cloudformation elb rds
    events fips dualstack s3-accelerate s3-external-1 sagemaker ssmmessages ec2messages""".split())
_AWS_REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d")


def _in_public(host: str) -> bool:
    parts = host.split(".")
    if host.endswith(".amazonaws.com") or host.endswith(".amazonaws.com.cn"):
        return all(p in _AWS_LABELS or _AWS_REGION.fullmatch(p) for p in parts[:parts.index("amazonaws")])
    return any(".".join(parts[i:]) in _PUBLIC for i in range(len(parts) - 1)) or \
        host.endswith(".gcr.io") or host.endswith(".pkg.dev")


def _host_repl(host: str, t: _Table) -> str:
    """A host name -> its redacted form (itself when public)."""
    labels = host.split(".")
    if len(labels) < 2 or labels[-1] not in _TLDS or any(not lb for lb in labels):
        return host
    if ".svc." in host + "." or host.endswith(".cluster.local"):
        return host                                   # in-cluster DNS: object names, see `names`
    acct = _ACCOUNT_HOST.match(host)
    if acct:
        return t.get("account", acct.group(1)) + acct.group(2)
    if _in_public(host):
        return host
    return t.get("host", host)


def _in_placeholder(s: str, start: int) -> bool:
    lt = s.rfind("<", max(0, start - 12), start + 1)
    if lt < 0:
        return False
    m = _PLACEHOLDER.match(s, lt)
    return m is not None and m.end() > start


def _replace_known(text: str, values: dict) -> str:
    """Every other occurrence of a known credential, as a whole token."""
    for value in sorted(values, key=lambda v: (-len(v), v)):
        if value not in text:
            continue
        ph = values[value]
        word = value[:1].isalnum() or value[:1] == "_", value[-1:].isalnum() or value[-1:] == "_"
        out, pos = [], 0
        while True:
            j = text.find(value, pos)
            if j < 0:
                break
            end = j + len(value)
            before = text[j - 1] if j else " "
            after = text[end] if end < len(text) else " "
            if _in_placeholder(text, j) or (word[0] and (before.isalnum() or before == "_")) or \
                    (word[1] and (after.isalnum() or after == "_")):
                out.append(text[pos:end])
            else:
                out.append(text[pos:j])
                out.append(ph)
            pos = end
        out.append(text[pos:])
        text = "".join(out)
    return text


# --- images and accounts ----------------------------------------------------------------

_IMAGE_FIELD = re.compile(r"^[ \t]*(?:Image(?: ID)?:|\"?image(?:ID)?\"?:)[ \t]+\"?([^\s\",]+)", re.MULTILINE)
_IMAGE_QUOTED = re.compile(r"(?i)\b(?:image|reference|manifest for|pull access denied for|repository)[ \t]+\"?([\w.:/@-]+/[\w.:/@-]+)")


def _accounts(text: str) -> set:
    """The account part of every image the paste names, with the repository after it:
    {("acme", "web")} for ghcr.io/acme/web and acme/web."""
    found = set()
    refs = [m.group(1) for m in _IMAGE_FIELD.finditer(text)] + [m.group(1) for m in _IMAGE_QUOTED.finditer(text)]
    for ref in refs:
        ref = re.sub(r"^[a-z-]+://", "", ref).split("@")[0].rstrip(",.\"'")
        comps = ref.split("/")
        if len(comps) < 2:
            continue
        host = None
        if "." in comps[0] or ":" in comps[0] or comps[0] == "localhost":
            host, comps = comps[0], comps[1:]
        if len(comps) < 2:
            continue
        account = comps[0]
        if host and (host.split(":")[0] in ("registry.k8s.io", "k8s.gcr.io", "mcr.microsoft.com", "nvcr.io",
                                            "docker.elastic.co", "registry.access.redhat.com")):
            continue
        if account in _PUBLIC_ORGS or len(account) < 2 or not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", account) or \
                _NAME_PLACEHOLDER.match(account):
            continue
        found.add((account, comps[1].split(":")[0]))
    return found


# --- object names (names=True) -----------------------------------------------------------

_NAME_FIELDS = re.compile(
    r"^[ \t]*(?:\d{1,6}(?:\.|:| \|)[ \t]+)?(?:Name|Namespace|Node|Service Account|Hostname|ClaimName|SecretName|ConfigMapName|"
    r"Controlled By|Controllers|Replication Controllers|NewReplicaSet|OldReplicaSets|HolderIdentity):[ \t]+([^\s(]+)",
    re.MULTILINE)
_REF_NAMES = re.compile(r"(?:in secret|of config map) '([^']+)'")
# Names the events say even when no field does (a `kubectl get events` table, a bare message):
# `Successfully assigned shop/web-1 to node-1`, `Created pod: web-1`, `Scaled up replica set
# web-5d8f to 3`, `Node node-1 status is now: ...`, the OBJECT column's `pod/web-1`.
_MESSAGE_NAMES = re.compile(
    r"Successfully assigned (?:([a-z0-9][a-z0-9.-]*)/)?([a-z0-9][a-z0-9.-]*) to ([a-z0-9][a-z0-9.-]*)"
    r"|(?:Created|Deleted) pod: ([a-z0-9][a-z0-9.-]*)"
    r"|Scaled (?:up|down) replica set ([a-z0-9][a-z0-9.-]*)"
    r"|\bNode ([a-z0-9][a-z0-9.-]*) (?:status is now|event)"
    r"|\b(?:create|delete) (?:Pod|Claim) ([a-z0-9][a-z0-9.-]*) (?:Pod [a-z0-9][a-z0-9.-]* )?in StatefulSet ([a-z0-9][a-z0-9.-]*)"
    r"|(?<![\w/.-])(?:pod|replicaset|deployment|statefulset|daemonset|job|cronjob|node|persistentvolumeclaim|"
    r"service|configmap|secret)/([a-z0-9][a-z0-9.-]*)(?=[ \t])")


@functools.lru_cache(maxsize=1)
def _command_names() -> re.Pattern:
    """The names on a pasted command line: `kubectl describe rs web-5d8f`, `get pod/web-1`,
    `logs web-1`, `-n shop`, `--namespace=shop`, `-nshop`."""
    kinds = "|".join(sorted(_KIND_WORDS, key=lambda k: (-len(k), k)))
    name = r"([a-z0-9][a-z0-9.-]*[a-z0-9])"
    return re.compile(
        r"\b(?:describe|get|edit|delete|logs)[ \t]+(?:" + kinds + r")(?:\.[a-z0-9.]+)?(?:[ \t]+|/)" + name + r"(?![\w/-])"
        r"|\blogs[ \t]+(?:-f[ \t]+)?" + name + r"(?![\w/-])"
        r"|\b(?:kubectl|oc|kc)\b[^\n]{0,200}?[ \t](?:-n[ \t]*|--namespace[ \t=]+)" + name + r"(?![\w/-])")


_CONTAINERS_HEAD = re.compile(r"^([ \t]*)(?:Init |Ephemeral )?Containers:[ \t]*$")
_CONTAINER_NAME = re.compile(r"^[ \t]*([a-z0-9][a-z0-9.-]*):[ \t]*$")
_ENV_FROM = re.compile(r"^[ \t]+([a-z0-9][a-z0-9.-]*)[ \t]+(?:ConfigMap|Secret)[ \t]+Optional:")
_GENERATED = re.compile(r"-(?:[bcdfghjklmnpqrstvwxz2456789]{5,10}|\d+)$")
# `web.shop.svc`, and a pod's own name under a headless service: `db-0.db.shop.svc.cluster.local`.
_DNS_SVC = re.compile(r"(?<![\w.-])(?:([a-z0-9][a-z0-9-]*)\.)?([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9-]*)\.svc(?![\w-])")
_EVENT_HASH = re.compile(r"\.[0-9a-f]{12,17}(?![\w.-])")       # an Event's name: `web-5d8f-xq5ml.17a8b9c0d1e2f3a4`
# The names of `kubectl get -o yaml|json`: metadata, owner references, containers, volumes' sources.
_YAML_NAMES = re.compile(r"^[ \t]*(?:- )?([\"']?)(?:name|namespace|nodeName|serviceAccountName|serviceAccount|claimName|"
                         r"secretName|generateName|hostname)\1[ \t]*:[ \t]*[\"']?([a-z0-9][a-z0-9.-]*)[\"']?,?[ \t]*$",
                         re.MULTILINE)
# Port and volume names that every chart uses: no one is identified by them.
_COMMON_ITEM_NAMES = frozenset("""http https http-metrics metrics grpc health healthz tcp udp dns dns-tcp data
    config tmp cache logs certs tls token""".split())
_OLD_POD_SUFFIX = re.compile(r"(.+-(?:\d{6,10}|[bcdfghjklmnpqrstvwxz2456789]{6,10}))-[a-z0-9]{5}")
_NAME_OK = re.compile(r"[a-z0-9][a-z0-9.-]*[a-z0-9]")
_NAME_PLACEHOLDER = re.compile(r"name-\d+(?:-\S*)?")      # a paste redacted before


def _names(lines: list) -> set:
    text = "\n".join(lines)
    raw = [m.group(1) for m in _NAME_FIELDS.finditer(text)] + [m.group(1) for m in _REF_NAMES.finditer(text)]
    raw += [g for m in _MESSAGE_NAMES.finditer(text) for g in m.groups() if g]
    if "ame" in text:
        raw += [m.group(2).rstrip("-") for m in _YAML_NAMES.finditer(text) if m.group(2) not in _COMMON_ITEM_NAMES]
    if "describe" in text or " get " in text or "logs" in text or "-n" in text:
        raw += [g for m in _command_names().finditer(text) for g in m.groups() if g]
    base = -1
    for line in lines:
        head = _CONTAINERS_HEAD.match(line)
        if head:
            base = _indent(line)
            continue
        if base >= 0 and line.strip():
            ind = _indent(line)
            if ind <= base:
                base = -1
            elif ind == base + 2:
                m = _CONTAINER_NAME.match(line)
                if m:
                    raw.append(m.group(1))
        m = _ENV_FROM.match(line)
        if m:
            raw.append(m.group(1))
    names = set()
    for n in raw:
        if "/" in n:       # `Controlled By: ReplicaSet/web-7f8d9c6b5`, `Node: node-1/10.0.1.5`
            n = next((p for p in n.split("/") if _NAME_OK.fullmatch(p) and not _IPV4.fullmatch(p)), "")
        if n.startswith("<") or not _NAME_OK.fullmatch(n) or _NAME_PLACEHOLDER.match(n):
            continue
        old = _OLD_POD_SUFFIX.fullmatch(n)
        if old:
            n = old.group(1)              # kubectl before 1.8: `web-2119924379-2efjx`, vowels in the suffix
        while "." not in n:
            m = _GENERATED.search(n)
            if not m or m.start() < 2 or n[: m.start()] in _STOP_BASES:
                break             # `node-7`, `worker-2`: the word alone is no name, so the name stays whole
            n = n[: m.start()]
        if n not in _RESERVED_NAMES and not n.isdigit() and len(n) >= 2:
            names.add(n)
    return names


_NAME_VALUE = re.compile(
    r"^([ \t]*(?:\d{1,6}(?:\.|:| \|)[ \t]+)?(?:- )?(?:Name|Namespace|Node|Service Account|Hostname|ClaimName|SecretName|ConfigMapName|"
    r"Controlled By|Controllers|Replication Controllers|NewReplicaSet|OldReplicaSets|name|namespace|nodeName|serviceAccountName|serviceAccount|"
    r"claimName|secretName|hostname|host|HolderIdentity|ExternalID):[ \t]+)([^\s(]+)", re.MULTILINE)
_FILE_EXT = re.compile(r"\.(?:ya?ml|json|txt|log|out|conf|env|sh)(?![\w.-])")
_TAINT_EFFECT = re.compile(r":(?:NoSchedule|PreferNoSchedule|NoExecute)(?![\w])")
# An env value taken from the pod itself: `POD_NAMESPACE:  shop (v1:metadata.namespace)`.
_FIELD_NAME = re.compile(r"(?<=[ \t])([a-z0-9][a-z0-9.-]*)(?=[ \t]+\(v1:(?:metadata\.name|metadata\.namespace|"
                         r"spec\.nodeName|spec\.serviceAccountName)\))")
# A URL's path: `postgres://<host-1>:5432/payments`, `https://api.acme.dev/v1/shop/orders`.
_URL = re.compile(r"\b[a-z][a-z0-9+.-]{1,20}://[^\s\"'<>]*(?:<[a-z]+-\d+>[^\s\"'<>]*)*")
_STATUS_LIST = re.compile(r"(containers with (?:unready|incomplete|unknown) status: \[)([a-z0-9 .-]*)\]")
_ASSIGNED = re.compile(r"(Successfully assigned )([a-z0-9][a-z0-9./-]*)( to )([a-z0-9][a-z0-9.-]*[a-z0-9])")
_HEADER_NAME = re.compile(r"^([ \t]+)([a-z][a-z0-9.-]*)(:[ \t]*)$", re.MULTILINE)
_ENV_FROM_NAME = re.compile(r"^([ \t]+)([a-z0-9][a-z0-9.-]*)([ \t]+(?:ConfigMap|Secret)[ \t]+Optional:)", re.MULTILINE)
# Where a one-word name (`api`, `util`, `pull`) stands as a name in kubelet's and describe's
# wording; elsewhere the same word is English (`Failed to pull image`) and stays.
_KIND_WORDS = ("pod", "pods", "svc", "service", "services", "deployment", "deployments", "deploy", "replicaset",
               "replicasets", "rs", "statefulset", "statefulsets", "sts", "daemonset", "daemonsets", "ds", "job",
               "jobs", "cronjob", "cronjobs", "node", "nodes", "namespace", "namespaces", "ns", "configmap",
               "configmaps", "cm", "secret", "secrets", "pvc", "persistentvolumeclaim", "persistentvolumeclaims",
               "serviceaccount", "serviceaccounts", "sa", "endpoints", "ingress", "ingresses", "rc",
               "replicationcontroller", "po")
_PLAIN_BEFORE = re.compile("(?:" + "|".join(
    [r"[{\"'=,]", r"-n", r"-n ", r"-c ", r"container ", r"containers ", r"kubelet, ", r"kube-proxy, ", r"\{kubelet ",
     r"--namespace ", r"--container ", r"container: ", r"Container ", r"Node ", r"Pod ", r"\.apps ", r"name: ",
     r"namespace: ", r"assigned ", r"StatefulSet ", r"ReplicaSet ", r"DaemonSet ", r"Deployment ", r"CronJob ",
     r"replica set "]
    # `pod web`, `describe svc web`, `deployment/web`, `ReplicaSet/web`, `/namespaces/shop/pods/web`
    + [f"{k} " for k in _KIND_WORDS]
    + [f"(?:^|[ \t(/]){k}/" for k in _KIND_WORDS]
    + [f"{k}/" for k in ("ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Node",
                         "Pod", "Service", "Namespace")]) + r")\Z", re.MULTILINE)
_WORD = re.compile(r"(?<![a-z])[a-z]+(?![a-z])")
_NAME_TOKEN = re.compile(r"(?<![A-Za-z0-9.-])[a-z0-9][a-z0-9.-]*")
# A generated suffix after a name (`web-5d8f9c6b5-xq5ml`, `db-0`, `wiki-3861457702-2zj8t`): the
# name with it is a name wherever it appears, even a one-word name.
# An Event's name adds a dot and a hex stamp: `web-5d8f9c6b5-xq5ml.17a8b9c0d1e2f3a4`, `web.17a8b9c0d1e2f3a4`.
_SUFFIXES = r"(?:(?:(?:-(?:[bcdfghjklmnpqrstvwxz2456789]{5,10}|\d{1,10}))+-?|-(?=[\s\"',]|$))(?![A-Za-z0-9-]|\.\d)" \
            r"|-(?:[bcdfghjklmnpqrstvwxz2456789]{6,10}|\d{6,10})-[a-z0-9]{5}(?![A-Za-z0-9-]|\.\d)" \
            r"|(?:-(?:[bcdfghjklmnpqrstvwxz2456789]{5,10}|\d{1,10}))*\.[0-9a-f]{12,17}(?![\w.-]))"


def _names_pass(text: str, names: set, t: _Table) -> str:
    def one(n: str) -> str:
        base = n
        old = _OLD_POD_SUFFIX.fullmatch(n)
        if old and n not in names:
            base = old.group(1)
        while base not in names:
            m = _GENERATED.search(base)
            if not m or m.start() < 2:
                return n
            base = base[: m.start()]
        return t.get("name", base) + n[len(base):]

    def label(x: str) -> str:
        if _NAME_PLACEHOLDER.fullmatch(x):
            return x
        new = one(x)
        if new != x:
            return new
        base = x
        while True:                   # an unknown name: its generated suffix stays, as for known ones
            m = _GENERATED.search(base)
            if not m or m.start() < 2:
                break
            base = base[: m.start()]
        return t.get("name", base) + x[len(base):]

    def dns(m: re.Match) -> str:
        if _in_placeholder(m.string, m.start()):
            return m.group(0)
        pod = label(m.group(1)) + "." if m.group(1) else ""
        return f"{pod}{label(m.group(2))}.{label(m.group(3))}.svc"

    text = _DNS_SVC.sub(dns, text)
    if not names:
        return text

    # Where the paste says a name: field values, container headers, envFrom sources, the scheduler's message.
    text = _STATUS_LIST.sub(lambda m: m.group(1) + " ".join(one(w) for w in m.group(2).split(" ")) + "]", text)
    text = _ASSIGNED.sub(lambda m: m.group(1) + "/".join(one(p) for p in m.group(2).split("/")) + m.group(3)
                         + one(m.group(4)), text)
    text = _NAME_VALUE.sub(lambda m: m.group(1) + "/".join(one(p) for p in m.group(2).split("/")), text)
    text = _HEADER_NAME.sub(lambda m: m.group(1) + one(m.group(2)) + m.group(3), text)
    text = _FIELD_NAME.sub(lambda m: label(m.group(1)), text)
    if "://" in text:
        def url(m: re.Match) -> str:
            head, sep, path = m.group(0).partition("://")
            parts = re.split(r"([/?&=#])", path)
            return head + sep + "".join(one(p) if i and i % 2 == 0 and p and parts[i - 1] != "?" else p
                                        for i, p in enumerate(parts))
        text = _URL.sub(url, text)
    text = _ENV_FROM_NAME.sub(lambda m: m.group(1) + one(m.group(2)) + m.group(3), text)

    def alt(ns: list) -> str:
        return "|".join(re.escape(n) for n in sorted(ns, key=lambda n: (-len(n), n)))

    def name(m: re.Match) -> str:
        return name_at(m.string, m.start(), m.end())

    def name_at(s: str, start: int, end: int) -> str:
        """The placeholder for the name at s[start:end], or the text itself where it is no name."""
        word = s[start:end]
        nxt = s[end:end + 2]
        if _in_placeholder(s, start) or (nxt == '":' and s[start - 1:start] == '"' and not s[max(0, start - 12):start - 1]
                                         .endswith(("container ", "pod ", "Container ", "init container "))):
            return word        # a JSON key (not `failed to start container "web": ...`)
        if nxt[:1] in (":", "@") and s[start - 1:start] == "/" and nxt[1:2].isalnum():
            # An image `registry/<account>/web:1.2`: its repository is the workload's name, unless
            # the image is a public one (`bitnami/redis:7`, `quay.io/prometheus/node-exporter`).
            org = s[s.rfind("/", max(0, start - 80), start - 1) + 1:start - 1]
            if org in _PUBLIC_ORGS or org in ("quay.io", "docker.io", "ghcr.io", "gcr.io", "registry.k8s.io"):
                return word
            return t.get("name", word)
        if nxt[:1] == "." and _FILE_EXT.match(s, end):
            return t.get("name", word)                  # a manifest named after it: `web.yaml`
        if nxt[:1] == "." and _EVENT_HASH.match(s, end):
            return t.get("name", word)            # an Event's name: the object's, then a hash
        if nxt[:1] == ":" and re.match(r":\d{1,5}(?![\w.])", s[end:end + 7]) and s[start - 1:start] != "/":
            return t.get("name", word)            # a host and port: `db-0:5432`
        if nxt[:1] == ":" and _TAINT_EFFECT.match(s, end):
            return t.get("name", word)            # a taint's value: `dedicated=payments:NoSchedule`
        if nxt[:1] == ":" and not word.isalpha() and s[start - 1:start] in (" ", "\t", '"') and \
                re.match(r":[\w.-]+(?=[\s\"]|$)", s[end:end + 130]):
            return t.get("name", word)            # a local image named after the workload: `shop-api:latest`
        if nxt[:1] in ("=", "@") or (nxt[:1] in (":", ".") and nxt[1:2].isalnum()):
            return word        # a label key, an image tag or digest, a longer dotted name
        return t.get("name", word)

    # A name with a dash, a digit or a dot is a name wherever it appears, generated suffix or not:
    # each token of name characters, cut at its longest prefix that is a name (`web-1` in
    # `web-1-7d9f8c6b5`, `web-1.17a8b9c0d1e2f3a4`). `_` separates too: kubelet's `web-1_shop(uid)`.
    # (A scan and set lookups: an alternation of thousands of names would cost seconds a MB.)
    spread = {n for n in names if not n.isalpha()}
    if spread:
        longest = max(map(len, spread))

        def spread_token(m: re.Match) -> str:
            tok, s, start = m.group(0), m.string, m.start()
            cuts = [i for i, ch in enumerate(tok) if ch in "-." and i] + [len(tok)]
            for cut in reversed(cuts):
                if cut <= longest and tok[:cut] in spread and not s[start + cut:start + cut + 1].isalnum():
                    return name_at(s, start, start + cut) + tok[cut:]
            return tok

        text = _NAME_TOKEN.sub(spread_token, text)
    plain = {n for n in names if n.isalpha()}
    if plain:
        def plain_word(m: re.Match) -> str:
            w, s, start, end = m.group(0), m.string, m.start(), m.end()
            if w[:1] == "n" and w[1:] in plain and s[start - 1:start] == "-" and not s[end:end + 1].isalnum():
                return "n" + name_at(s, start + 1, end)       # `kubectl -nshop`
            if w not in plain or s[start - 1:start].isdigit() or s[end:end + 1].isdigit():
                return w
            before, nxt = s[max(0, start - 40):start], s[end:end + 1]
            line_start = start == 0 or s[start - 1] == "\n"
            if nxt in ("(",) and s[start - 1:start] == "_":
                return name_at(s, start, end)                   # kubelet's `pod_namespace(uid)`
            if nxt in (":", "@") and re.search(r"[\w.>-]/\Z", before) and s[end + 1:end + 2].isalnum():
                return name_at(s, start, end)                   # an image's repository: see name_at
            if nxt == "_" or nxt == "-" or nxt.isalnum():
                return w
            if _PLAIN_BEFORE.search(before) or \
                    (nxt == "/" and not re.search(r"[\w./-]\Z", before)) or \
                    (line_start and re.match(r"[ \t]{2}|\t", s[end:end + 2])):   # the NAME column of `kubectl get`
                return name_at(s, start, end)
            return w

        text = _WORD.sub(plain_word, text)
        a = alt(sorted(plain))
        text = re.compile(r"(?<![A-Za-z0-9.-])(?:" + a + r")(?=" + _SUFFIXES + ")").sub(name, text)
    return text


# --- keeping tables aligned ---------------------------------------------------------------

_CELL_GAP = re.compile(r" {2,}")


def _realign(orig: str, new: str) -> str:
    """Put each column of a redacted line back where it started: kubectl's tables (Events, a
    node's pods) are read by column position, and a placeholder is rarely as long as its value."""
    if orig == new or "\t" in orig or "  " not in orig.strip():
        return new
    o_starts = [0] + [m.end() for m in _CELL_GAP.finditer(orig)]
    n_cells = _CELL_GAP.split(new)
    if len(n_cells) != len(o_starts) or o_starts[-1] == len(orig):
        return new
    out = n_cells[0]
    for start, cell in zip(o_starts[1:], n_cells[1:]):
        out += " " * max(2, start - len(out)) + cell
    return out


# --- the whole thing ----------------------------------------------------------------------


def _wrapped_groups(raw_lines: list) -> list:
    """The lines a terminal or a k9s/tmux pane hard-wrapped (the parser's own test), as
    (first, last, the logical line as it would be pasted unwrapped)."""
    if not any(len(ln) >= 60 for ln in raw_lines):
        return []
    from .parse.text import _clean, clean_lines, wrap_width

    plain = [ln[:-1] if ln.endswith("\r") else ln for ln in raw_lines]
    pane = any("\u2502" in ln[:4] for ln in plain)
    if not pane and not wrap_width([_clean(ln) for ln in plain]):
        return []
    groups = []
    for line in clean_lines("\n".join(plain)):
        if line.last > line.no:
            first, last = line.no - 1, line.last - 1
            head = plain[first]
            if pane and "\u2502" in head[:4]:
                logical = head[: head.index("\u2502") + 1] + line.text + " \u2502"
            elif "".join(plain[first:last + 1]).rstrip() == line.text.rstrip():
                logical = "".join(plain[first:last + 1])
            else:
                return []         # a prefix (a quote, a prompt) on the wrapped lines: left as they are
            groups.append((first, last, logical))
    return groups


def redact(text: str, *, names: bool = False) -> Redacted:
    """Replace secrets and identifying values with consistent placeholders (see the module doc).

    A line that carries kubectl output as an escaped string (a JSON log field, an API response: `"Name:  web\\n
    Namespace:  shop\\n…"`) is redacted as the lines it carries, each on its own (what is found by a line's start,
    `Name:` and the container headers, is found there too), then put back on its one line with its escapes."""
    if "\\n" in text:
        return _redact_carried(text, names)
    return _redact_wrapped(text, names)


def _redact_carried(text: str, names: bool) -> Redacted:
    pasted = text.split("\n")
    expanded: list = []
    rebuild: list = []                 # per pasted line: None (as is), or its (pieces, escapes between them)
    for line in pasted:
        cut = _carried_pieces(line)
        expanded.extend(cut[0] if cut is not None else [line])
        rebuild.append(cut)
    if not any(rebuild):
        return _redact_wrapped(text, names)
    done = _redact_wrapped("\n".join(expanded), names)
    out_lines = done.text.split("\n")
    if len(out_lines) != len(expanded):
        return _redact_wrapped(text, names)     # (never seen: redaction keeps the line count)
    out, at = [], 0
    for cut in rebuild:
        if cut is None:
            out.append(out_lines[at])
            at += 1
            continue
        was, seps, decoded = cut
        pieces = [_encode_piece(p) if d else p for p, d in zip(out_lines[at:at + len(was)], decoded)]
        at += len(was)
        line = pieces[0]
        for sep, old, new in zip(seps, was[1:], pieces[1:]):
            if sep and old.strip() and not new:
                continue               # a carried line a terminal had wrapped, joined onto the one before: no blank
            line += sep + new
        out.append(line)
    return Redacted("\n".join(out), done.replacements)


_ESCAPE = re.compile(r"\\.")


def _carried_pieces(line: str):
    """A pasted line that carries kubectl output in an escaped string -> (pieces, seps, decoded): the text before the
    string, the string's lines (cut at its `\\n` escapes, not at an escaped backslash before an `n`), the text after;
    seps[i] goes between pieces[i] and pieces[i + 1] (`\\n`, or nothing at the string's ends). A JSON string's pieces
    are decoded[i]: their `\\"` and `\\t` read as `"` and a tab, as the redaction's patterns expect (a JSON string
    holds neither raw, so _encode_piece() puts them back exactly). None for any other line."""
    strings = carried_strings(line)
    if strings is None:
        return None
    spans = [m.span(1) for m in strings]
    json_strings = bool(spans)
    spans = spans or [(0, len(line))]
    pieces, seps, decoded = [], [], []
    at = 0
    for start, end in spans:
        if start > at or not pieces:
            pieces.append(line[at:start])
            seps.append("")
            decoded.append(False)
        part, piece_start = [], start
        for m in _ESCAPE.finditer(line, start, end):
            esc = m.group(0)
            if esc == "\\n":
                pieces.append("".join(part) + line[piece_start:m.start()])
                seps.append("\\n")
                decoded.append(json_strings)
                part, piece_start = [], m.end()
            elif json_strings and esc in ('\\"', "\\t"):
                part.append(line[piece_start:m.start()] + ('"' if esc == '\\"' else "\t"))
                piece_start = m.end()
        pieces.append("".join(part) + line[piece_start:end])
        seps.append("")
        decoded.append(json_strings)
        at = end
    pieces.append(line[at:])
    decoded.append(False)
    return pieces, seps, decoded


def _encode_piece(text: str) -> str:
    return text.replace('"', '\\"').replace("\t", "\\t")


def _redact_wrapped(text: str, names: bool) -> Redacted:
    """redact() of a text with no carried output. A paste a terminal hard-wrapped is redacted line
    by logical line (a value cut in two by the wrap is still found). When a wrapped line changes, the paste is given back unwrapped, the
    continuation lines left empty: a placeholder is rarely as long as its value, and lines of
    other lengths would no longer read as wrapped. The line count, and the line each logical
    line starts on, stay."""
    raw_lines = text.split("\n")
    groups = _wrapped_groups(raw_lines)
    if not groups:
        return _redact(text, names)
    logical = list(raw_lines)
    for first, last, joined in groups:
        logical[first] = joined + ("\r" if raw_lines[first].endswith("\r") else "")
        for k in range(first + 1, last + 1):
            logical[k] = "\r" if raw_lines[k].endswith("\r") else ""
    done = _redact("\n".join(logical), names)
    out = done.text.split("\n")
    if all(out[first] == logical[first] for first, _, _ in groups):
        for first, last, _ in groups:               # no wrapped line changed: the paste as it was
            out[first:last + 1] = raw_lines[first:last + 1]
    return Redacted("\n".join(out), done.replacements)


def _redact(text: str, names: bool) -> Redacted:
    t = _Table()
    raw_lines = text.split("\n")
    ends = ["\r" if ln.endswith("\r") else "" for ln in raw_lines]
    lines = [ln[:-1] if e else ln for ln, e in zip(raw_lines, ends)]
    found_names = _names(lines) if names else set()
    for n in sorted(found_names):
        t.reserve("name", n)         # a name that is also an env value or an account keeps one placeholder
    accounts = _accounts(text)
    _line_pass(lines, t)
    if "value" in text:
        _env_items(lines, t)
    if "-" in text:
        _list_flags(lines, t)
    text = "\n".join(ln + e for ln, e in zip(lines, ends))

    def pem(m: re.Match) -> str:
        return m.group(1) + t.secret(m.group(3)) + m.group(4) if m.group(3).strip() else m.group(0)

    def userinfo(m: re.Match) -> str:
        scheme, user, pw = m.group(1), m.group(2), m.group(3)
        if _PLACEHOLDER.fullmatch(user or "") and (pw is None or _PLACEHOLDER.fullmatch(pw)):
            return m.group(0)
        if pw is None:                                # https://TOKEN@host: the user part is the credential
            return f"{scheme}{t.secret(user) if user else ''}@"
        u = t.get("user", user) if user and not _PLACEHOLDER.fullmatch(user) else user
        p = t.secret(pw) if pw and not _PLACEHOLDER.fullmatch(pw) else pw
        return f"{scheme}{u}:{p}@"

    def token(m: re.Match) -> str:
        return t.secret(m.group(0))

    def bearer(m: re.Match) -> str:
        return m.group(1) + (m.group(2) if _harmless(m.group(2)) else t.secret(m.group(2)))

    def unquote(v: str) -> tuple:
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
            return v[0], v[1:-1]
        return "", v

    def assign(m: re.Match, inside: bool = False) -> str:
        key, val = m.group(1), m.group(3)
        q, inner = unquote(val)
        if not _secret_key(key) or _harmless(inner):
            if "=" in val and not inside:   # `--url=https://host/hook?token=SECRET`: the pairs in the value
                return f"{key}={_ASSIGN.sub(lambda n: assign(n, True), val)}"
            return m.group(0)
        return f"{key}={q}{t.secret(inner)}{q}"

    def spaced(m: re.Match) -> str:
        if not _secret_key(m.group(1)) or _harmless(m.group(3)):
            return m.group(0)
        return m.group(1) + m.group(2) + t.secret(m.group(3))

    def keep_or_secret(m: re.Match) -> str:
        v = m.group(2)
        return m.group(0) if _harmless(v) or _PLACEHOLDER.fullmatch(v) else m.group(1) + t.secret(v)

    def json_pair(m: re.Match) -> str:
        if not _secret_key(m.group(1)) or _harmless(m.group(3)):
            return m.group(0)
        return f"\"{m.group(1)}\"{m.group(2)}\"{t.secret(m.group(3))}\""

    def go_env(m: re.Match) -> str:
        new = _env_value(m.group(1), m.group(2), t) if m.group(2) else m.group(2)
        return f"EnvVar{{Name:{m.group(1)},Value:{new},"

    def json_env(m: re.Match) -> str:
        new = _env_value(m.group(1), m.group(2), t)
        return m.group(0) if new == m.group(2) else m.group(0)[: m.start(2) - m.start(0)] + new + "\""

    def flag_space(m: re.Match) -> str:
        if not _secret_key(m.group(1)) or _harmless(m.group(4)):
            return m.group(0)
        q = m.group(3)
        return f"{m.group(1)}{m.group(2)}{q}{t.secret(m.group(4))}{q}"

    def yaml_line(m: re.Match) -> str:
        val = m.group(5).rstrip()
        q, inner = unquote(val)
        if not _secret_key(m.group(3)) or _harmless(inner) or inner.startswith("-----BEGIN"):
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(2)}{m.group(4)}{q}{t.secret(inner)}{q}"

    def header(m: re.Match) -> str:
        return m.group(1) + (m.group(2) if _harmless(m.group(2)) else t.secret(m.group(2)))

    # A pass whose marker is absent from the paste is skipped: a 10 MB paste costs a few passes less.
    if "-----BEGIN" in text:
        text = _PEM_INLINE.sub(pem, text)
    if "://" in text and "@" in text:
        text = _URL_USERINFO.sub(userinfo, text)
    text = _TOKENS.sub(token, text)
    if _BEARER_HINT.search(text):
        text = _BEARER.sub(bearer, text)
    def inline_flag(m: re.Match) -> str:
        if not _secret_key(m.group(2)) or _harmless(m.group(5)) or _PLACEHOLDER.fullmatch(m.group(5)):
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{m.group(1)}{m.group(3)}{m.group(4)}{t.secret(m.group(5))}{m.group(4)}"

    if "EnvVar{" in text:
        text = _GO_ENV.sub(go_env, text)
    if '"' in text:
        if '"value"' in text:
            text = _JSON_ENV.sub(json_env, text)
        text = _JSON_PAIR.sub(json_pair, text)
    if "=" in text:
        text = _ASSIGN.sub(assign, text)
        text = _SPACED_ASSIGN.sub(spaced, text)
        if "AccountName=" in text:
            text = _AZURE_ACCOUNT.sub(lambda m: m.group(1) + t.get("account", m.group(2)), text)
    if "arn:aws" in text:
        text = _ARN.sub(lambda m: m.group(1) + t.get("account", m.group(2)) + (m.group(3) or "")
                        + (t.get("value", m.group(4)) if m.group(3) and m.group(4) and not _PLACEHOLDER.fullmatch(m.group(4))
                           else m.group(4)), text)
    if "projects/" in text:
        text = _GCP_PROJECT.sub(lambda m: m.group(1) + t.get("account", m.group(2)), text)
    if "ubscription" in text or "enant" in text:
        text = _AZURE_IDS.sub(lambda m: m.group(1) + t.get("account", m.group(2).lower()), text)
    if "/webhook" in text or "hooks.slack.com" in text:
        text = _WEBHOOK.sub(keep_or_secret, text)
    if "redis-cli" in text or " login" in text or "-u" in text or "--user" in text:
        out_lines = []
        for ln in text.split("\n"):
            if "redis-cli" in ln:
                ln = _REDIS_A.sub(keep_or_secret, ln)
            if re.search(r"\blogin\b", ln):
                ln = _LOGIN_P.sub(keep_or_secret, ln)
            if "-u" in ln:
                ln = _USER_PASS.sub(keep_or_secret, ln)
            out_lines.append(ln)
        text = "\n".join(out_lines)
    text = _FLAG_SPACE.sub(flag_space, text)
    if "-" in text and ("\"," in text or "'," in text):
        text = _INLINE_FLAG.sub(inline_flag, text)
    text = _YAML_LINE.sub(yaml_line, text)
    if "x-" in text or "X-" in text:
        text = _HEADER.sub(header, text)
    text = _replace_known(text, t.secrets)

    def email(m: re.Match) -> str:
        host = m.group(0).rsplit("@", 1)[1].lower()
        return m.group(0) if host.split(".")[-2:-1] == ["example"] else t.get("email", m.group(0).lower())

    def ip(m: re.Match) -> str:
        v = m.group(1)
        try:
            addr = ipaddress.ip_address(v)
        except ValueError:
            return m.group(0)
        if v in _KEEP_IPS or addr.is_loopback or addr.is_unspecified:
            return m.group(0)
        return t.get("ip", str(addr))

    def host(m: re.Match) -> str:
        s = m.group(0)
        core = s.rstrip(".-")
        return _host_repl(core, t) + s[len(core):]

    if "@" in text:
        text = _EMAIL.sub(email, text)
    text = _IPV6.sub(ip, text)
    text = _IPV4.sub(ip, text)
    text = _HOSTISH.sub(host, text)
    text = _IP_NODE.sub(lambda m: t.get("host", m.group(0)), text)

    if accounts:
        # The account where it stands before one of its repositories: in image names, registry URLs
        # (`/v2/acme/web/manifests`) and token scopes (`repository%3Aacme%2Fweb`), but not in
        # `acme/web-7f8d9c6b5-xq5ml`, a namespace/pod that happens to share the name.
        alt = "|".join(f"{re.escape(a)}(?=(?:/|%2[Ff]){re.escape(r)}(?![\\w.-]))"
                       for a, r in sorted(accounts, key=lambda ar: (-len(ar[0]), ar)))
        rx = re.compile(r"(?:(?<![\w.-])|(?<=%2F)|(?<=%2f)|(?<=%3A)|(?<=%3a))(?:" + alt + ")")
        text = rx.sub(lambda m: t.get("account", m.group(0)), text)
    if names:
        text = _names_pass(text, found_names, t)
    new_lines = text.split("\n")
    if len(new_lines) == len(raw_lines):      # always: no pass adds or removes a line break
        text = "\n".join(_realign(o, n) for o, n in zip(raw_lines, new_lines))
    return Redacted(text, t.counts())


__all__ = ["Redacted", "redact", "KINDS"]
