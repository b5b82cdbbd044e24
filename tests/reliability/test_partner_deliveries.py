"""Partners hear back for real: a gunicorn taking EIDOs, a Celery worker with beat sending the
deliveries to a partner's receiver on a local port, Redis stopped and the worker killed on the
way. Every event reaches the partner, signed, and is processed there exactly once."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import http.server
import json
import signal
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from dispatch.models import Call
from dispatch.services import unit_assign, unit_status_set
from interop.models import Agency, PartnerDelivery, PartnerEndpoint
from tests.factories import UnitFactory, UserFactory
from tests.processes import start_celery_worker, stop_process_group, worker_database_url
from tests.reliability.servers import base_env, free_port, gunicorn, private_redis, wait_until

pytestmark = pytest.mark.integration
SAMPLE = Path(__file__).resolve().parents[2] / "interop" / "schema" / "sample-call-transfer.json"
SECRET = "reliability-secret"


class PartnerReceiver:
    """The partner's side: checks each signature, processes each delivery id once (as
    docs/interop.md asks of partners), and can be told to take its time answering."""

    def __init__(self) -> None:
        self.processed: list[str] = []  # delivery ids, in the order first processed
        self.posts = 0
        self.bad_signatures = 0
        self.slow = threading.Event()
        self.in_slow_post = threading.Event()
        lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                with lock:
                    outer.posts += 1
                    if not hmac.compare_digest(expected, self.headers["X-Fifth-Branch-Signature"]):
                        outer.bad_signatures += 1
                    delivery = self.headers["X-Fifth-Branch-Delivery"]
                    if delivery not in outer.processed:
                        outer.processed.append(delivery)
                if outer.slow.is_set():
                    outer.in_slow_post.set()
                    time.sleep(8)  # the worker is killed while it waits for this answer
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the worker died meanwhile

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/eido"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def post_eido(url: str, token: str, number: int) -> tuple[int, dict]:
    document = json.loads(SAMPLE.read_text())
    document["$id"] = f"urn:emergency:uid:incidentid:rel-{number}:ecc.example"
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    try:
        connection.request(
            "POST",
            "/api/v1/eido/",
            json.dumps(document),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def delivered() -> int:
    return PartnerDelivery.objects.filter(status="delivered").count()


def test_it_delivers_every_event_once_through_a_redis_stop_and_a_worker_kill(seeded, tmp_path):
    partner = UserFactory(username="rel-ecc")
    partner.groups.set(Group.objects.filter(name="partner"))
    ecc = Agency.objects.create(name="Reliability ECC", eido_agency_id="ecc.example")
    ecc.users.add(partner)
    dispatcher = UserFactory(username="rel-dispatcher")
    dispatcher.groups.set(Group.objects.filter(name="dispatcher"))
    token = Token.objects.create(user=partner).key
    receiver = PartnerReceiver()
    PartnerEndpoint.objects.create(
        agency=ecc,
        url=receiver.url,
        secret=SECRET,
        events=["assigned", "on_scene", "cleared", "fallen_back", "transferred"],
    )
    port = free_port()
    env = base_env(
        DATABASE_URL=worker_database_url(),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        VAR_DIR=str(tmp_path),
        OUTBOX_RELAY_SECONDS="1",
        PARTNER_RETRY_SECONDS="1",
        PARTNER_BACKOFF_SECONDS="1",
        PARTNER_TIMEOUT_SECONDS="2",  # a claim's lease: 6 s
        ROLLUP_REFRESH_SECONDS="600",
        WORKER_HEARTBEAT_SECONDS="600",
    )

    def assign_new_unit(call_id: int) -> int:
        # A unit of whatever route the call took at this hour (HEART by day, police at night).
        call = Call.objects.get(pk=call_id)
        unit = UnitFactory(name=f"REL-{call_id}", kind=call.route)
        unit_assign(call_id=call_id, unit_id=unit.pk, by=dispatcher)
        return unit.pk

    worker, worker_log = start_celery_worker(env, tmp_path)
    calls: list[int] = []
    try:
        with gunicorn(env) as url:
            with private_redis(port):
                status, body = post_eido(url, token, 1)
                assert status == 201, body
                calls.append(body["id"])
                first_unit = assign_new_unit(body["id"])
                wait_until(lambda: delivered() == 1, 60, "the first event to reach the partner")

            # Redis is gone: transfers and dispatch go on, the deliveries wait in the database.
            started = time.monotonic()
            status, body = post_eido(url, token, 2)
            assert status == 201, "EIDO intake failed while Redis was down"
            calls.append(body["id"])
            assign_new_unit(body["id"])
            unit_status_set(unit_id=first_unit, status="on_scene", by=dispatcher)
            assert time.monotonic() - started < 15
            assert PartnerDelivery.objects.filter(status="pending").count() == 2
            with private_redis(port):
                wait_until(lambda: delivered() == 3, 90, "the deliveries kept during the outage")

                # The worker dies while the partner is answering an event.
                receiver.slow.set()
                status, body = post_eido(url, token, 3)
                assert status == 201, body
                calls.append(body["id"])
                assign_new_unit(body["id"])
                wait_until(receiver.in_slow_post.is_set, 60, "the worker to post the event")
                stop_process_group(worker, signal.SIGKILL)
                receiver.slow.clear()
                assert PartnerDelivery.objects.filter(status="pending").count() == 1
                worker, worker_log = start_celery_worker(env, tmp_path, name="worker-2")
                wait_until(lambda: delivered() == 4, 90, "the event cut short to be sent again")
    finally:
        stop_process_group(worker)
        receiver.close()
    log = worker_log.read_text()
    rows = list(PartnerDelivery.objects.order_by("id"))
    assert [r.event for r in rows] == ["assigned", "assigned", "on_scene", "assigned"], log[-3000:]
    assert {r.status for r in rows} == {"delivered"}
    assert sorted(Call.objects.filter(source="eido").values_list("id", flat=True)) == calls
    # Every event processed by the partner exactly once, all signatures right; the event cut
    # short arrived twice and was dropped by its delivery id the second time.
    assert receiver.processed == [str(r.delivery_id) for r in rows]
    assert receiver.bad_signatures == 0
    assert receiver.posts == len(rows) + 1
