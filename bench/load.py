"""Load test: 20 call-takers and 10 dispatchers working the console for 2 minutes.

    .venv/bin/python bench/load.py [--duration 120] [--call-takers 20] [--dispatchers 10]

Against gunicorn (sync workers) on the bench PostgreSQL database. Each call-taker asks for the
live recommendation twice while "asking the questions", then logs the call with an
Idempotency-Key, then pauses; each dispatcher polls the board every 2 s (a conditional request),
assigns an available unit of the route to the oldest waiting call, and later clears units so
they come back. Prints p50/p95 per operation and exits 1 on any error: a 5xx, a broken
connection, or an unexpected 4xx (a 409, "unit already assigned" or "call no longer open", is
the expected answer when two dispatchers race for one unit or call, and is counted apart).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    ensure_token_user,
    gunicorn_server,
    machine_summary,
    prepare_database,
    setup_django,
)

TYPES = [
    "WELFARE_CHECK",
    "TRESPASS",
    "MENTAL_HEALTH",
    "INTOXICATED",
    "THEFT",
    "NOISE",
    "VERBAL_DISTURBANCE",
    "MEDICAL",
]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.conflicts = 0

    def add(self, op: str, ms: float) -> None:
        with self.lock:
            self.times[op].append(ms)

    def error(self, op: str, what: str) -> None:
        with self.lock:
            self.errors[op].append(what)


class Client:
    def __init__(self, url: str, token: str, recorder: Recorder) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.recorder = recorder

    def request(
        self,
        op: str,
        method: str,
        path: str,
        body: object = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201),
    ) -> tuple[int, object, dict[str, str]]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request(
                method,
                path,
                None if body is None else json.dumps(body),
                {**self.headers, **(headers or {})},
            )
            response = connection.getresponse()
            raw = response.read()
        except OSError as exc:
            self.recorder.error(op, f"connection: {exc}")
            return 0, None, {}
        finally:
            connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        status = response.status
        if status not in expect and status not in (304, 409):
            self.recorder.error(op, f"HTTP {status}: {raw[:200]!r}")
            return status, None, {}
        self.recorder.add(op, elapsed)
        payload = json.loads(raw) if raw and status != 304 else None
        return status, payload, dict(response.getheaders())


def call_taker(client: Client, stop: threading.Event, rng: random.Random) -> None:
    while not stop.is_set():
        call_type = rng.choice(TYPES)
        answers = {"weapon": rng.choice(["no", "no", "no", "unknown"]), "violence": "no"}
        for _question in range(2):
            client.request(
                "recommend",
                "POST",
                "/api/v1/triage/evaluate/",
                {"call_type": call_type, "answers": answers},
                expect=(200,),
            )
            stop.wait(rng.uniform(0.5, 1.5))
        client.request(
            "call-create",
            "POST",
            "/api/v1/calls/",
            {
                "call_type": call_type,
                "address": f"{rng.randint(1, 999)} Main St",
                "lat": 35.99 + rng.uniform(-0.03, 0.03),
                "lon": -78.90 + rng.uniform(-0.03, 0.03),
                "answers": answers,
                "narrative": "load test",
            },
            headers={"Idempotency-Key": uuid.uuid4().hex},
            expect=(201,),
        )
        stop.wait(rng.uniform(2, 5))


def dispatcher(client: Client, stop: threading.Event, rng: random.Random) -> None:
    etag = ""
    mine: dict[int, tuple[int, str]] = {}  # unit id -> (call id, kind): units I dispatched
    while not stop.is_set():
        status, board, headers = client.request(
            "board-poll",
            "GET",
            "/api/v1/board/",
            headers={"If-None-Match": etag} if etag else None,
            expect=(200,),
        )
        if status == 200 and isinstance(board, dict):
            etag = headers.get("ETag", "")
            _work_the_board(client, board, rng, mine)
        stop.wait(2.0)


def _work_the_board(
    client: Client, board: dict, rng: random.Random, mine: dict[int, tuple[int, str]]
) -> None:
    free = [u for u in board["units"] if u["status"] == "available"]
    for call in board["waiting"][:1]:
        candidates = [u for u in free if u["kind"] == call["route"]]
        if not candidates:
            continue
        unit = rng.choice(candidates)
        status, _, _ = client.request(
            "assign",
            "POST",
            f"/api/v1/calls/{call['id']}/assign/",
            {"unit": unit["id"]},
            expect=(200,),
        )
        if status == 409:
            client.recorder.conflicts += 1
        elif status == 200:
            mine[unit["id"]] = (call["id"], unit["kind"])
    # Each dispatcher clears the units it sent, as dispatchers work their own sectors.
    for unit_id, (call_id, kind) in list(mine.items()):
        if rng.random() > 0.3:
            continue
        del mine[unit_id]
        if kind in ("HEART", "CO_RESPONSE"):
            client.request(
                "clear",
                "POST",
                f"/api/v1/calls/{call_id}/clear/",
                {"disposition": "resolved_on_scene", "unit": unit_id},
                expect=(200,),
            )
        else:
            client.request(
                "unit-status",
                "POST",
                f"/api/v1/units/{unit_id}/status/",
                {"status": "available"},
                expect=(200,),
            )
        break


def _units() -> None:
    """The bench's 60 field units (shared with bench/dispatch.py), without members: clearing
    them needs no felt-safe answers."""
    from django.db import connection
    from django.utils import timezone

    from dispatch.models import Assignment, Call, Unit

    # A clean floor: earlier runs' calls closed, their units cleared and available.
    Call.objects.exclude(status="closed").update(status="closed")
    Assignment.objects.filter(cleared_at__isnull=True).update(cleared_at=timezone.now())
    Unit.objects.update(status="available")
    kinds = ["HEART"] * 20 + ["CO_RESPONSE"] * 10 + ["POLICE"] * 20 + ["FIRE"] * 5 + ["EMS"] * 5
    for i, kind in enumerate(kinds):
        Unit.objects.get_or_create(
            name=f"BENCH-{i:02d}", defaults={"kind": kind, "lat": 35.99, "lon": -78.9}
        )
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--call-takers", type=int, default=20)
    parser.add_argument("--dispatchers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    setup_django()
    prepare_database()
    _units()
    taker_token = ensure_token_user("load-calltaker", roles=("call_taker",))
    dispatcher_token = ensure_token_user("load-dispatcher", roles=("dispatcher",))
    recorder = Recorder()
    stop = threading.Event()
    with gunicorn_server(workers=args.workers) as server:
        for line in machine_summary(server.workers):
            print(line)
        threads = [
            threading.Thread(
                target=call_taker,
                args=(Client(server.url, taker_token, recorder), stop, random.Random(i)),
            )
            for i in range(args.call_takers)
        ] + [
            threading.Thread(
                target=dispatcher,
                args=(
                    Client(server.url, dispatcher_token, recorder),
                    stop,
                    random.Random(1000 + i),
                ),
            )
            for i in range(args.dispatchers)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    print(
        f"\n{args.call_takers} call-takers, {args.dispatchers} dispatchers, {args.duration:.0f} s"
    )
    print(f"{'operation':<14}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}")
    for op in sorted(set(recorder.times) | set(recorder.errors)):
        times = sorted(recorder.times.get(op, []))
        p50 = times[len(times) // 2] if times else 0.0
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))] if times else 0.0
        print(f"{op:<14}{len(times):>8}{p50:>10.1f}{p95:>10.1f}{len(recorder.errors[op]):>8}")
    print(f"409 conflicts (two dispatchers, one unit or call): {recorder.conflicts}")
    errors = sum(len(e) for e in recorder.errors.values())
    for op, problems in recorder.errors.items():
        for problem in problems[:3]:
            print(f"  {op}: {problem}")
    print("no errors" if not errors else f"{errors} ERRORS")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
