"""Real processes for integration tests: a Celery worker with beat on the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def worker_database_url() -> str:
    """DATABASE_URL of the test database, for processes that must see what the test commits."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}:{port}/{s['NAME']}"


def start_celery_worker(
    env: dict[str, str],
    tmp_path: Path,
    name: str = "worker",
    app: str = "heart",
    queues: str | None = None,
) -> tuple[subprocess.Popen[bytes], Path]:
    """A worker with embedded beat for the Celery app `app`, logging to tmp_path/NAME.log, in
    its own process group (so a SIGKILL reaches the pool and beat too); `queues` ("urgent")
    limits what it consumes, as `-Q` does."""
    log = tmp_path / f"{name}.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                "--beat",
                "--concurrency=1",
                "--loglevel=info",
                "--schedule",
                str(tmp_path / "beat-schedule"),
                *(["-Q", queues] if queues else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return worker, log


def stop_process_group(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
