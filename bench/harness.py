"""Reusable pieces for the benchmarks: the server, the load generator, results and their table.

A benchmark module imports these and measures endpoints against the baselines of the same run::

    with gunicorn_server(workers=config.workers) as server:
        result = run_load(server.url + "/api/v1/me/", name="me", clients=16,
                          duration=config.duration, headers={"Authorization": f"Token {key}"})
    config.table.add(result, baseline="bare")

Figures are only comparable within one run: the machines are shared and noisy, so a target is
always printed as a ratio against a baseline row, never asserted.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import itertools
import math
import os
import platform
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "bench.settings"

# A body factory gets the request's sequence number (0, 1, 2... across all clients of one load).
BodyFactory = Callable[[int], bytes]

__all__ = [
    "REPO_ROOT",
    "BenchConfig",
    "BodyFactory",
    "Result",
    "Server",
    "Table",
    "default_workers",
    "ensure_database",
    "ensure_token_user",
    "signed_in_session",
    "gunicorn_server",
    "machine_summary",
    "migrate_database",
    "prepare_database",
    "run_load",
    "setup_django",
]


# Django and the bench database ------------------------------------------------------------


def setup_django(settings_module: str = SETTINGS_MODULE) -> None:
    """Configure Django in this (the harness's) process, with the bench settings."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()


def ensure_database() -> str:
    """Create the configured PostgreSQL database if it does not exist; return its name."""
    import psycopg
    from django.conf import settings
    from psycopg import sql

    db = settings.DATABASES["default"]
    params = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }
    name = str(db["NAME"])
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def migrate_database() -> None:
    """Apply every migration to the bench database, quietly; a no-op when it is up to date."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    connection.close()


def prepare_database() -> str:
    """Create the bench database if missing and migrate it; return its name."""
    name = ensure_database()
    migrate_database()
    return name


def ensure_token_user(
    username: str = "bench", *, roles: Sequence[str] = (), superuser: bool = False
) -> str:
    """Get or create a user holding exactly ``roles`` (group names) and return its DRF token.

    The password is unusable: benchmarks authenticate with the token, and hashing a password
    on every run would only slow the setup.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from rest_framework.authtoken.models import Token

    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
    user.is_superuser = superuser
    user.is_staff = superuser
    user.save()
    groups = list(Group.objects.filter(name__in=roles))
    missing = set(roles) - {group.name for group in groups}
    if missing:
        raise ValueError(f"unknown roles {sorted(missing)}: migrate first, or check access.roles")
    user.groups.set(groups)
    # A fresh token each run: tokens expire after API_TOKEN_HOURS (access/token_auth.py), and
    # the bench database outlives a shift.
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    connection.close()
    return str(token.key)


def signed_in_session(username: str) -> str:
    """The key of a signed-in session for an existing user, for the console's pages (pages use
    sessions; the API uses tokens). Send it as the ``sessionid`` cookie."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    connection.close()
    return str(session.session_key)


def machine_summary(workers: int) -> list[str]:
    """Lines describing this run's machine and configuration, for the top of the output."""
    import django
    import gunicorn
    from django.conf import settings
    from django.db import connection

    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    connection.close()
    db = settings.DATABASES["default"]
    return [
        datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, gunicorn {gunicorn.__version__}, "
        f"PostgreSQL {pg_version}",
        f"gunicorn: {workers} sync workers; database {db['NAME']} on {db['HOST']}:{db['PORT']}, "
        f"CONN_MAX_AGE={db.get('CONN_MAX_AGE')}, CONN_HEALTH_CHECKS={db.get('CONN_HEALTH_CHECKS')}",
        "load: one client thread on non-blocking sockets; sync workers close every connection, "
        "so each request includes its TCP connect",
    ]


# The server ---------------------------------------------------------------------------------


def default_workers() -> int:
    """Sync workers for this machine: gunicorn's (2 x cores) + 1, so 5 on 2 cores.

    A sync worker is idle while PostgreSQL commits, so more workers than cores keep the CPUs
    busy on the insert view; many more would only add context switches on the bare view.
    """
    return 2 * (os.cpu_count() or 1) + 1


@dataclass(frozen=True)
class Server:
    url: str  # "http://127.0.0.1:PORT", no trailing slash
    port: int
    pid: int
    workers: int
    log_path: Path


@contextlib.contextmanager
def gunicorn_server(
    *,
    workers: int | None = None,
    app: str = "heart.wsgi:application",
    settings_module: str = SETTINGS_MODULE,
    env: Mapping[str, str] | None = None,
    extra_args: Sequence[str] = (),
    ready_path: str = "/healthz",
    ready_timeout: float = 60.0,
) -> Iterator[Server]:
    """Run gunicorn (sync workers) on a free loopback port until the block ends.

    The listening socket is bound here and handed to gunicorn as ``fd://N``, so no other
    process can take the port between choosing and binding it. The app is preloaded in the
    master, so every worker is ready when ``ready_path`` first answers 200. Gunicorn's log is
    kept in a temporary file (``server.log_path``), shown if the server fails to start and
    removed when the block ends.
    """
    workers = workers or default_workers()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    port = listener.getsockname()[1]
    log_dir = Path(tempfile.mkdtemp(prefix="fifth-bench-"))
    log_path = log_dir / "gunicorn.log"
    child_env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, **(env or {})}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        f"--bind=fd://{listener.fileno()}",
        "--worker-class=sync",
        f"--workers={workers}",
        "--preload",
        "--log-level=warning",
        "--graceful-timeout=5",
        *extra_args,
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=child_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
    # Gunicorn holds the socket now; our copy would keep connections queued after it exits.
    listener.close()
    server = Server(f"http://127.0.0.1:{port}", port, process.pid, workers, log_path)
    try:
        _wait_until_ready(process, server.url + ready_path, ready_timeout, log_path)
        yield server
    finally:
        _stop(process)
        shutil.rmtree(log_dir, ignore_errors=True)


def _wait_until_ready(
    process: subprocess.Popen[bytes], url: str, timeout: float, log_path: Path
) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {process.returncode} before it was ready; its log:\n"
                + log_path.read_text()
            )
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
        try:
            conn.request("GET", parts.path)
            status = conn.getresponse().status
            if status == 200:
                return
            last_error = f"HTTP {status}"
        except OSError as exc:
            last_error = str(exc)
        finally:
            conn.close()
        time.sleep(0.1)
    _stop(process)
    raise RuntimeError(
        f"gunicorn was not ready at {url} after {timeout:.0f} s ({last_error}); its log:\n"
        + log_path.read_text()
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if it outlives its graceful timeout."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# The load generator -------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One measurement: successful requests in the window, errors, throughput and latency."""

    name: str
    clients: int
    requests: int  # responses with an expected status, completed inside the window
    errors: int  # unexpected statuses, broken connections, requests still open at the end
    seconds: float  # length of the measured window
    p50_ms: float
    p95_ms: float
    p99_ms: float
    client_cpu: float  # the load generator's CPU time over the window, in cores (1.0 = one)
    error_examples: tuple[str, ...] = ()  # the commonest reasons, as "COUNT x REASON"

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _Slot:
    """One simulated client: at most one request in flight on its connection."""

    sock: socket.socket | None = None
    busy: bool = False  # a request is in flight
    connecting: bool = False
    started: float = 0.0
    buffer: bytearray = field(default_factory=bytearray)


class _ResponseError(Exception):
    pass


def _parse_response(buffer: bytearray, *, eof: bool) -> tuple[int, bool, bytes] | None:
    """(status, keep-alive, body) once ``buffer`` holds a whole response; None until then."""
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        if eof:
            raise _ResponseError("connection closed inside the response head")
        return None
    lines = bytes(buffer[:head_end]).split(b"\r\n")
    version, _, rest = lines[0].partition(b" ")
    status = int(rest[:3])
    length: int | None = None
    keep_alive = version == b"HTTP/1.1"
    for line in lines[1:]:
        key, _, value = line.partition(b":")
        key = key.strip().lower()
        if key == b"content-length":
            length = int(value)
        elif key == b"connection":
            keep_alive = value.strip().lower() == b"keep-alive"
        elif key == b"transfer-encoding":
            raise _ResponseError("chunked responses are not supported by the load generator")
    body_start = head_end + 4
    if length is None:
        if status in (204, 304):
            length = 0
        elif not eof:
            return None  # the body runs to the end of the connection
        else:
            length = len(buffer) - body_start
        keep_alive = keep_alive and status in (204, 304)
    if len(buffer) - body_start < length:
        if eof:
            raise _ResponseError("connection closed inside the response body")
        return None
    body = bytes(buffer[body_start : body_start + length])
    del buffer[: body_start + length]
    return status, keep_alive, body


def run_load(
    url: str,
    *,
    name: str,
    clients: int,
    duration: float | None = 10.0,
    requests: int | None = None,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | BodyFactory | None = None,
    expect: Container[int] = range(200, 300),
    warmup: float = 1.0,
    grace: float = 10.0,
    request_headers: Callable[[int], Mapping[str, str]] | None = None,
) -> Result:
    """Drive ``url`` with ``clients`` concurrent connections and measure it.

    Stops after ``duration`` seconds, or after ``requests`` measured requests when that is
    given. The first ``warmup`` seconds (workers opening their database connections) are
    not measured. Connections are reused when the server keeps them alive; gunicorn's sync
    workers close each one, so there every request includes its TCP connect, as it would
    for a real client.

    One thread, non-blocking sockets and ``selectors``, with a minimal HTTP/1.1 reader
    (Content-Length or close-delimited bodies). It costs about 0.1 ms of CPU per request,
    kernel time for the connect included: under a fifth of one core at 2,000 req/s, leaving
    the rest of a 2-core machine to gunicorn and PostgreSQL. ``Result.client_cpu`` reports it.
    """
    if duration is None and requests is None:
        raise ValueError("give a duration or a number of requests")
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname is None:
        raise ValueError(f"only plain http URLs are supported, not {url!r}")
    address = (parts.hostname, parts.port or 80)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    head = f"{method} {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
    for key, value in (headers or {}).items():
        head += f"{key}: {value}\r\n"
    sequence = itertools.count()

    def next_request() -> bytes:
        number = next(sequence)
        payload = body(number) if callable(body) else body
        # Per-request headers (an Idempotency-Key per call) come after the fixed ones.
        lines = head + "".join(
            f"{key}: {value}\r\n"
            for key, value in (request_headers(number).items() if request_headers else ())
        )
        if payload is None:
            return (lines + "\r\n").encode("latin-1")
        return (lines + f"Content-Length: {len(payload)}\r\n\r\n").encode("latin-1") + payload

    selector = selectors.DefaultSelector()
    slots = [_Slot() for _ in range(clients)]
    latencies: list[float] = []
    reasons: Counter[str] = Counter()

    measure_start = time.perf_counter() + warmup
    deadline = measure_start + duration if duration is not None else math.inf
    measure_end: float | None = None
    cpu_start: float | None = None

    def close(slot: _Slot) -> None:
        if slot.sock is not None:
            selector.unregister(slot.sock)
            slot.sock.close()
            slot.sock = None
        slot.buffer.clear()

    def fail(slot: _Slot, reason: str) -> None:
        if slot.busy and slot.started >= measure_start:
            reasons[" ".join(reason.split())[:160]] += 1
        slot.busy = False
        close(slot)

    def finished(now: float) -> bool:
        return now >= deadline or (requests is not None and len(latencies) >= requests)

    def start(slot: _Slot, now: float) -> None:
        slot.busy = True
        slot.started = now
        if slot.sock is not None:
            send(slot)
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        code = sock.connect_ex(address)
        if code not in (0, errno.EINPROGRESS):
            sock.close()
            fail(slot, f"connect: {os.strerror(code)}")
            return
        slot.sock = sock
        slot.connecting = True
        selector.register(sock, selectors.EVENT_WRITE, slot)

    def send(slot: _Slot) -> None:
        assert slot.sock is not None
        payload = next_request()
        try:
            # Requests are small: loopback takes them in one call or the connection is broken.
            if slot.sock.send(payload) != len(payload):
                fail(slot, "partial send")
        except OSError as exc:
            fail(slot, f"send: {exc}")

    def on_event(slot: _Slot, now: float) -> None:
        assert slot.sock is not None
        if slot.connecting:
            code = slot.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                fail(slot, f"connect: {os.strerror(code)}")
                return
            slot.connecting = False
            selector.modify(slot.sock, selectors.EVENT_READ, slot)
            send(slot)
            return
        try:
            data = slot.sock.recv(65536)
        except OSError as exc:
            fail(slot, f"recv: {exc}")
            return
        if not slot.busy:
            close(slot)  # the server closed an idle kept-alive connection
            return
        if data:
            slot.buffer += data
        try:
            parsed = _parse_response(slot.buffer, eof=not data)
        except (_ResponseError, ValueError) as exc:
            fail(slot, str(exc))
            return
        if parsed is None:
            return
        status, keep_alive, content = parsed
        if slot.started >= measure_start and now <= deadline:
            if status not in expect:
                fail(slot, f"HTTP {status}: {content[:120]!r}")
                return
            latencies.append(now - slot.started)
        slot.busy = False
        if not keep_alive:
            close(slot)

    while True:
        now = time.perf_counter()
        if cpu_start is None and now >= measure_start:
            cpu_start = time.process_time()
        if finished(now):
            if measure_end is None:
                measure_end = min(now, deadline)
            in_flight = [slot for slot in slots if slot.busy]
            if not in_flight:
                break
            if now >= measure_end + grace:
                for slot in in_flight:
                    fail(slot, f"no response within {grace:.0f} s after the end")
                break
        else:
            # Normally a slot is restarted as soon as its response arrives (below); this
            # catches those whose connect or send failed.
            for slot in slots:
                if not slot.busy:
                    start(slot, now)
        for key, _ in selector.select(timeout=0.05):
            slot = key.data
            now = time.perf_counter()
            on_event(slot, now)
            if not slot.busy and not finished(now):
                start(slot, now)
    for slot in slots:
        close(slot)
    selector.close()
    cpu = time.process_time() - cpu_start if cpu_start is not None else 0.0
    seconds = max((measure_end or measure_start) - measure_start, 0.0)
    latencies.sort()
    return Result(
        name=name,
        clients=clients,
        requests=len(latencies),
        errors=reasons.total(),
        seconds=seconds,
        p50_ms=_percentile(latencies, 50) * 1000,
        p95_ms=_percentile(latencies, 95) * 1000,
        p99_ms=_percentile(latencies, 99) * 1000,
        client_cpu=cpu / seconds if seconds > 0 else 0.0,
        error_examples=tuple(f"{count} x {reason}" for reason, count in reasons.most_common(3)),
    )


def _percentile(ordered: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile of an ascending sequence; 0.0 when it is empty."""
    if not ordered:
        return 0.0
    rank = math.ceil(percent / 100 * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


# Results ------------------------------------------------------------------------------------


class Table:
    """Prints each result as a row as soon as it is added, with its ratio to a baseline row.

    ``add(result, baseline="bare")`` compares the row's req/s with the row named "bare" at the
    same number of clients, measured earlier in the same run.
    """

    _HEADER = (
        f"{'benchmark':<24} {'clients':>7} {'requests':>9} {'errors':>6} {'req/s':>9} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'client cpu':>10}  vs baseline"
    )

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.results: list[Result] = []

    def find(self, name: str, clients: int) -> Result | None:
        for result in self.results:
            if result.name == name and result.clients == clients:
                return result
        return None

    def add(self, result: Result, *, baseline: str | None = None) -> None:
        if not self.results:
            print(self._HEADER, file=self.out)
            print("-" * len(self._HEADER), file=self.out)
        self.results.append(result)
        if baseline is None:
            ratio = "(baseline)"
        else:
            base = self.find(baseline, result.clients)
            if base is None or base.rps == 0:
                ratio = f"{baseline} not measured at {result.clients} clients in this run"
            else:
                ratio = f"{result.rps / base.rps:.2f}x {baseline}"
        print(
            f"{result.name:<24} {result.clients:>7} {result.requests:>9} {result.errors:>6} "
            f"{result.rps:>9.0f} {result.p50_ms:>8.2f} {result.p95_ms:>8.2f} "
            f"{result.p99_ms:>8.2f} {result.client_cpu:>9.0%}  {ratio}",
            file=self.out,
            flush=True,
        )
        for example in result.error_examples:
            print(f"    error: {example}", file=self.out)


@dataclass
class BenchConfig:
    """What ``bench/run.py`` hands each benchmark module's ``run(config)``."""

    duration: float
    clients: tuple[int, ...]
    workers: int
    warmup: float
    table: Table
