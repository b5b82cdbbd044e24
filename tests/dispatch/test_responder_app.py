"""The responder app's installable pieces (issue 16): the manifest, its icons, the service
worker served under the responder's pages, and what the page gives the queue."""

import json
import struct
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from dispatch.services import unit_assign

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_it_serves_the_worker_under_the_responders_pages(client):
    worker = reverse("dispatch:responder_worker")
    assert worker.startswith(reverse("dispatch:responder"))  # its scope is the responder's
    response = client.get(worker)  # no sign-in: code, no data
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    source = Path(finders.find("js/responder-sw.js")).read_bytes()
    assert response.content == source


def test_it_describes_an_installable_app_with_its_icons():
    manifest = json.loads((STATIC / "responder" / "manifest.webmanifest").read_text())
    scope = reverse("dispatch:responder")
    assert (manifest["scope"], manifest["start_url"], manifest["display"]) == (
        scope,
        scope,
        "standalone",
    )
    sizes = set()
    for icon in manifest["icons"]:
        data = (STATIC / "responder" / icon["src"]).read_bytes()
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", data[16:24])
            assert icon["sizes"] == f"{width}x{height}"
            sizes.add(width)
        else:
            assert data.startswith(b"<svg")
    assert {192, 512} <= sizes


def test_it_gives_the_queue_the_unit_the_call_and_the_time_of_the_page(
    client, responder, dispatcher, heart_unit, make_call
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    client.force_login(responder)
    page = client.get(reverse("dispatch:responder")).content.decode()
    assert 'rel="manifest"' in page
    assert f'data-unit="{heart_unit.pk}" data-call="{call.pk}" data-rendered-at="' in page
    for kind in ("status", "backup", "clear"):
        assert f'data-queue="{kind}"' in page
    assert 'href="geo:35.994000,-78.898000?q=35.994000,-78.898000(101%20City%20Hall%20Plaza)"' in (
        page
    )
    assert "https://www.openstreetmap.org/?mlat=35.994000&amp;mlon=-78.898000" in page
