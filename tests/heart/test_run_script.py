"""`make run` stops cleanly: Ctrl+C or SIGTERM ends the console and its Celery worker.

A newcomer's Ctrl+C used to leave the worker hung after "Restoring 1 unacknowledged message(s)"
(it needed SIGKILL). The script is run as a terminal would run it: in a process group of its
own with SIGINT at its default, on a scratch SQLite database and the filesystem broker.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import ROOT
from tests.reliability.servers import free_port

pytestmark = pytest.mark.integration

# run.sh's own deadline is 8 s before a cold stop; this leaves room for a slow machine.
STOP_DEADLINE_S = 10.0


def _restore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _started(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    for _ in range(600):
        if process.poll() is not None:
            pytest.fail(f"run.sh exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the console never answered:\n{log.read_text()}")


def _descendants(root: int) -> list[int]:
    """Every live process below ``root`` (runserver and the worker start sessions of their own,
    so a process group does not find them)."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, check=True)
    children: dict[int, list[int]] = {}
    for line in out.stdout.splitlines():
        pid, ppid = (int(x) for x in line.split())
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_it_stops_the_console_and_the_worker_within_ten_seconds(tmp_path, sig):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(VAR_DIR=str(tmp_path), DEMO="0", DEBUG="1")
    log = tmp_path / "run.log"
    with log.open("w") as out:
        script = subprocess.Popen(
            ["scripts/run.sh", "127.0.0.1", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_restore_sigint,  # noqa: PLW1509 - as a terminal starts it
        )
    try:
        _started(script, port, log)
        descendants = _descendants(script.pid)
        assert len(descendants) >= 3, descendants  # the script, runserver, the worker
        # A terminal's Ctrl+C goes to the foreground process group; a service manager's
        # SIGTERM to the process it started.
        if sig == signal.SIGINT:
            os.killpg(script.pid, sig)
        else:
            script.send_signal(sig)
        started = time.monotonic()
        script.wait(timeout=30)
        while time.monotonic() - started < 30 and any(_alive(pid) for pid in descendants):
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        left = [pid for pid in descendants if _alive(pid)]
        assert not left, f"still running after {elapsed:.1f} s: {left}\n{log.read_text()}"
        assert elapsed < STOP_DEADLINE_S, log.read_text()
    finally:
        for pid in _descendants(script.pid) + [script.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for its parent counts as stopped.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ", 1)[1][:1] != "Z"
