"""Throwaway PostgreSQL, Redis and gunicorn processes on spare loopback ports, for tests that
stop and restart them."""

from __future__ import annotations

import contextlib
import glob
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not happen within {seconds} s")


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise FileNotFoundError(f"PostgreSQL's {name} not found: apt-get install postgresql")
    return found[-1]


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own; initdb refuses root, so it runs as `postgres` then."""

    directory: Path
    port: int
    # Extra server settings, "name=value" each, given to every start as -c flags.
    settings: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/fifth"

    def _run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        if result.returncode != 0:
            raise subprocess.CalledProcessError(
                result.returncode, command, result.stdout, result.stderr
            ) from RuntimeError(result.stderr)
        return result

    def _pg_ctl(self, action: str, *options: str) -> None:
        # With -l the server's output goes to the log, not to our pipe (which would never close).
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.directory / "log"),
            "-o",
            " ".join(
                [
                    f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1",
                    *(f"-c {shlex.quote(setting)}" for setting in self.settings),
                ]
            ),
            *options,
            action,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def kill(self) -> None:
        """Stop as a lost machine stops: no checkpoint, no goodbye to clients or standbys."""
        self._pg_ctl("stop", "-m", "immediate")

    def promote(self) -> None:
        """Make a standby the primary; returns once it accepts writes."""
        self._pg_ctl("promote")


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    # Not under pytest's tmp_path: as root, initdb runs as `postgres`, which cannot enter
    # pytest's private temporary folders.
    directory = Path(tempfile.mkdtemp(prefix="fifth-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    server = PrivatePostgres(directory=directory, port=free_port())
    server._run(
        _pg_bin("initdb"),
        "-D",
        str(directory / "data"),
        "-U",
        "postgres",
        "--auth=trust",
        "--no-sync",
    )
    server.start()
    try:
        server._run(
            _pg_bin("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(server.port),
            "-U",
            "postgres",
            "fifth",
        )
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def private_redis(port: int | None = None) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = port or free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_real_clock_env(),
    )
    try:
        wait_until(lambda: _redis_ping(port), 20, "redis to answer")
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=20)


def _real_clock_env() -> dict[str, str]:
    """The environment without libfaketime: CI runs the suite a second time with the clock of
    its processes at night (.ci/run), and redis-server's allocator recurses into libfaketime's
    clock_gettime and dies. Redis keeps the machine's clock; nothing the tests check reads it."""
    return {
        key: value
        for key, value in os.environ.items()
        if key != "LD_PRELOAD" and not key.startswith("FAKETIME")
    }


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    port = free_port()
    # Output to a file: a pipe nobody reads fills up and blocks the workers mid-request.
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed when the server stops
        prefix="fifth-gunicorn-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "heart.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    try:
        wait_until(ready, 60, "gunicorn to serve /healthz")
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def base_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"DEBUG": "1", "PYTHONUNBUFFERED": "1", **extra})
    # These processes carry a city's load through one account: the API's throttles are tested
    # in tests/access/test_throttles.py, not here.
    env.setdefault("API_CREATE_THROTTLE_RATE", "off")
    env.setdefault("API_TOKEN_THROTTLE_RATE", "off")
    return env
