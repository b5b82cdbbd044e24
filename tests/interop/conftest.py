"""Interop's actors: the Durham ECC as a partner agency, its CAD's account, a receiver of
partner deliveries on a local port."""

from __future__ import annotations

import copy
import http.server
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from access import roles
from interop.models import Agency, PartnerEndpoint
from tests.dispatch.conftest import far_heart_unit, heart_unit, make_call, police_unit

NY = ZoneInfo("America/New_York")
# A Tuesday afternoon: HEART (07-19) and co-response (09-21) are on duty.
AFTERNOON = datetime(2026, 3, 10, 14, 5, tzinfo=NY)
SAMPLE = Path(__file__).resolve().parents[2] / "interop" / "schema" / "sample-call-transfer.json"

__all__ = ["far_heart_unit", "heart_unit", "make_call", "police_unit"]


@pytest.fixture
def afternoon() -> Iterator[None]:
    with time_machine.travel(AFTERNOON, tick=False):
        yield


@pytest.fixture
def sample() -> dict:
    return copy.deepcopy(json.loads(SAMPLE.read_text()))


@pytest.fixture
def ecc(db: None) -> Agency:
    return Agency.objects.create(
        name="Durham Emergency Communications Center", eido_agency_id="ecc.durhamnc.gov"
    )


@pytest.fixture
def partner(make_user, ecc):  # type: ignore[no-untyped-def]
    user = make_user("ecc", roles.PARTNER)
    ecc.users.add(user)
    return user


class Receiver:
    """A partner's endpoint on a local port: keeps every POST, answers what it is told."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.answers: list[int] = []  # the next answers' status codes; 200 when empty
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = outer.answers.pop(0) if outer.answers else 200
                outer.received.append(
                    {"headers": dict(self.headers), "body": body, "status": status}
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/eido"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def endpoint(ecc, receiver) -> PartnerEndpoint:
    return PartnerEndpoint.objects.create(
        agency=ecc,
        url=receiver.url,
        secret="s3cret-shared",
        events=["assigned", "on_scene", "cleared", "fallen_back", "transferred"],
    )
