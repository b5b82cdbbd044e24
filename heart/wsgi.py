import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heart.settings")
application = get_wsgi_application()

# NENA's EIDO schema is read and compiled once per process (about 0.25 s): here, before the
# first request, not on a partner's first transfer (docs/interop.md).
from interop.eido_schema import eido_validator  # noqa: E402

eido_validator()
