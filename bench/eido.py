"""EIDO intake (``POST /api/v1/eido/``) beside the plain call create, under gunicorn.

- ``eido-intake``: a partner's EIDO (the demo ECC's kind: incident, call, callback, a PIDF-LO
  civic address and point, a note), a new incident $id per request, so each one is validated
  against NENA's schema, its PIDF-LO parsed, its type mapped, triaged and stored with its
  transfer record. Target: p95 under 50 ms at 1 client.
- ``call-create@eido``: ``POST /api/v1/calls/`` in the same run, the baseline it is printed
  against.
"""

from __future__ import annotations

import json

from bench.dispatch import _body as call_body
from bench.dispatch import _fresh_key, _keyed_headers
from bench.harness import BenchConfig, ensure_token_user, gunicorn_server, run_load

TARGET_MS = 50.0


def _partner_token() -> str:
    from django.db import connection

    from interop.models import Agency

    token = ensure_token_user("bench-ecc", roles=("partner",))
    agency, _ = Agency.objects.get_or_create(
        eido_agency_id="bench.ecc.example", defaults={"name": "Bench ECC"}
    )
    from django.contrib.auth import get_user_model

    agency.users.add(get_user_model().objects.get(username="bench-ecc"))
    connection.close()
    return token


def _eido_template() -> str:
    from django.utils import timezone

    from interop.demo import DEMO_TRANSFERS, demo_eido

    document = demo_eido(DEMO_TRANSFERS[0], now=timezone.now())
    return json.dumps(document).replace("26-0310-4471", "bench-__N__")


def run(config: BenchConfig) -> None:
    template = _eido_template()
    partner = _partner_token()
    taker = ensure_token_user("bench-calltaker", roles=("call_taker",))
    with gunicorn_server(workers=config.workers) as server:
        plain = run_load(
            f"{server.url}/api/v1/calls/",
            name="call-create@eido",
            clients=1,
            duration=config.duration,
            warmup=config.warmup,
            method="POST",
            body=call_body,
            expect={201},
            headers=_keyed_headers(taker),
            request_headers=_fresh_key,
        )
        config.table.add(plain, baseline="raw-insert")
        eido = run_load(
            f"{server.url}/api/v1/eido/",
            name="eido-intake",
            clients=1,
            duration=config.duration,
            warmup=config.warmup,
            method="POST",
            body=lambda number: template.replace("__N__", f"{number}-{id(template)}").encode(),
            expect={201},
            headers={"Content-Type": "application/json", "Authorization": f"Token {partner}"},
        )
        config.table.add(eido, baseline="call-create@eido")
        verdict = "meets" if eido.p95_ms < TARGET_MS else "MISSES"
        print(
            f"  eido-intake @1: p95 {eido.p95_ms:.1f} ms {verdict} the {TARGET_MS:.0f} ms target "
            f"(call-create p95 {plain.p95_ms:.1f} ms in the same run)"
        )
