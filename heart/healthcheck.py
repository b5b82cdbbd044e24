"""`python -m heart.healthcheck`: exit 0 when the local web process answers /healthz.

Used by the container health checks. It names an allowed host and the forwarded scheme so
the request passes host validation and the HTTPS redirect exactly as proxied traffic does.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    host = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip() or "localhost"
    if host.startswith("."):
        host = host[1:]
    request = urllib.request.Request(  # noqa: S310 - a fixed loopback URL
        "http://127.0.0.1:8000/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
