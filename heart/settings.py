"""Settings for Fifth Branch, read from the environment (see README.md, "Configuration")."""

from __future__ import annotations

import os
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import django_stubs_ext

from heart.env import (
    ConfigError,
    check_redis_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_rate,
    env_str,
    env_timezone,
    parse_database_url,
)

# Django's generic classes subscriptable at run time (ModelAdmin[Unit]) for mypy's strict mode.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ConfigError(
            "SECRET_KEY is required when DEBUG is off (50 or more random characters); "
            'generate one with: python -c "import secrets; print(secrets.token_urlsafe(64))"'
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies whose forwarded header names the client (web/addresses.py): their
# addresses or networks, and the header they set (X-Forwarded-For, X-Real-IP). Without both,
# the client is the peer's address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
CLIENT_ADDRESS_HEADER = env_str("CLIENT_ADDRESS_HEADER", "").strip()
for _proxy in TRUSTED_PROXIES:
    try:
        ip_network(_proxy, strict=False)
    except ValueError:
        raise ConfigError(f"TRUSTED_PROXIES: {_proxy!r} is not an address or network") from None
if CLIENT_ADDRESS_HEADER and not TRUSTED_PROXIES:
    raise ConfigError("CLIENT_ADDRESS_HEADER needs TRUSTED_PROXIES: the proxies that set it")
DEPARTMENT_NAME = env_str("DEPARTMENT_NAME", "Community Safety Department")
TIME_ZONE = env_timezone("TIME_ZONE", "America/New_York")
USE_TZ = True
LANGUAGE_CODE = "en-us"
USE_I18N = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    # The apps, floor by floor (docs/architecture.md): an app imports only the floors below.
    "web",
    "people",
    "location",
    "background",
    "access",
    "triage",
    "workforce",
    "dispatch",
    "care_navigation",
    "interop",
    "dashboards",
    "demo",
    # The project holds no models; it stays installed for its migrations, which databases
    # made before the apps above existed still need (heart/migrations/0006_models_moved.py).
    "heart",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After the static files: every other response is no-store unless its view says otherwise
    # (web/no_store.py), so that no page or API answer outlives a sign-out in a cache.
    "web.no_store.NoStoreMiddleware",
    # Early, so it also catches a failure to load the session or the user.
    "heart.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A NUL in the path, a query parameter or a form field: 400 naming the field, before any
    # view, query or audit entry sees it (web/input_guard.py).
    "web.input_guard.InputGuardMiddleware",
    # Who changed users and permissions, from where; refusals (403) as `denied` entries.
    "access.audit_signals.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "heart.urls"
WSGI_APPLICATION = "heart.wsgi.application"
ASGI_APPLICATION = "heart.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "access.context_processors.console",
                "care_navigation.context_processors.care_unread",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fifth_branch.sqlite3'}")
DATABASES = {"default": parse_database_url(DATABASE_URL, base_dir=BASE_DIR)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse so a restarted PostgreSQL heals by itself.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The PostgreSQL role the web and worker processes connect as, when `migrate` runs as the
# tables' owner (access/db_roles.py): each migrate grants it what the console needs, and on
# the audit log only SELECT and INSERT. Empty: the console connects as the owner.
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE", "").strip()

REDIS_URL = os.environ.get("REDIS_URL", "").strip() or None
if REDIS_URL:
    check_redis_url(REDIS_URL)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds a process keeps a computed value (web/cache.py), by name: how long a change takes to
# reach every process. The compiled triage engine (an edited call type, schedule or
# publication); the staffing model's calls of a period (kept only while no call changes); a
# user's permissions (access/permission_cache.py: a change of roles applies at once in the
# process that made it, within this many seconds in the others).
CACHE_SECONDS: dict[str, float] = {}
for _name, (_variable, _default) in {
    "triage_engine": ("TRIAGE_ENGINE_CACHE_SECONDS", 5.0),
    "staffing_demand": ("STAFFING_DEMAND_CACHE_SECONDS", 300.0),
    "permissions": ("PERMISSION_CACHE_SECONDS", 5.0),
}.items():
    CACHE_SECONDS[_name] = env_float(_variable, _default)
    if CACHE_SECONDS[_name] < 0:
        raise ConfigError(f"{_variable}={CACHE_SECONDS[_name]:g} must not be negative")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with each process keeping a user's permissions for a few seconds:
    # the one fast path that stayed (access/permission_cache.py says why, with the figures).
    "access.permission_cache.PermissionCacheBackend",
]
# Sign-in throttling (access/login_throttle.py): 5 failed logins lock an account from the
# address they came from, for 10 minutes; 20 failures from one address across any accounts
# pause sign-in from that address. A 911 floor shares one address, and a lock by username
# alone let anyone lock anyone out.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 10, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "access.login_throttle.LoginThrottleHandler"
AXES_LOCKOUT_CALLABLE = "access.login_throttle.lockout_response"
AXES_USERNAME_CALLABLE = "access.login_throttle.attempted_username"
AXES_CLIENT_IP_CALLABLE = "web.addresses.client_address"
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
if LOGIN_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ConfigError("LOGIN_ADDRESS_FAILURE_LIMIT must not be below LOGIN_FAILURE_LIMIT")
# Supervisors are alerted when this many accounts lock within one lockout window.
LOGIN_LOCKOUT_ALERT_ACCOUNTS = env_int("LOGIN_LOCKOUT_ALERT_ACCOUNTS", 3, minimum=1)
AXES_RESET_ON_SUCCESS = True
# A lock lasts its 10 minutes from when it fell: attempts during it neither count nor extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)  # one shift
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production hardening; `manage.py check --deploy --fail-level WARNING` passes with DEBUG off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Django 6's built-in CSP: no inline scripts anywhere; scripts and styles come from /static/.
from django.utils.csp import CSP  # noqa: E402
from kombu.entity import Queue  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *env_list("MAP_TILE_HOSTS", [])],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# API tokens (access/token_auth.py): valid for one shift from when they were issued; asking
# for a token again after that issues a new one. Revoked from the user's account page, the
# admin's user page, or on signing out when asked.
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 12, minimum=1)
# DRF throttles (access/api_throttles.py): 429 with Retry-After past the rate; "off" disables.
API_TOKEN_THROTTLE_RATE = env_rate("API_TOKEN_THROTTLE_RATE", "10/min")  # per client address
API_CREATE_THROTTLE_RATE = env_rate("API_CREATE_THROTTLE_RATE", "600/min")  # per user

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "access.token_auth.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "DEFAULT_PARSER_CLASSES": [
        "web.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fifth Branch API",
    "DESCRIPTION": "Dispatch console for alternative crisis response departments.",
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the vendored sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RouteEnum": "triage.models.ROUTE_CHOICES",
        "LocationSourceEnum": "dispatch.models.LOCATION_SOURCES",
        "LocationSourceAtIntakeEnum": "dispatch.models.LOCATION_SOURCES_AT_INTAKE",
        "UnitStatusEnum": "dispatch.models.Unit.Status",
        "CallStatusEnum": "dispatch.models.Call.Status",
        "CaseStatusEnum": "care_navigation.models.Case.Status",
        "ReferralStatusEnum": "care_navigation.models.Referral.Status",
        "NeedEnum": "care_navigation.models.NEEDS",
        "DispositionEnum": "dispatch.models.DISPOSITIONS",
        "CallDispositionEnum": "dispatch.models.CALL_DISPOSITIONS",
        "CcdDispositionEnum": "dispatch.models.CCD_DISPOSITIONS",
        "CcdResolutionEnum": "dispatch.models.CCD_RESOLUTIONS",
    },
}

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under var/ so that a
# real worker and beat run with no server at all.
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
# A publish must fail fast when the broker is away: the outbox keeps the work for later.
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_CONNECTION_TIMEOUT", 2.0)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    for sub in ("queue", "processed", "control"):
        (CELERY_QUEUE_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
# Two queues (docs/deployment.md, "Background work"): `urgent` for the outbox relay and the
# time-bound sweeps (a held call's fall-back, units going on and off duty), `celery` for the
# rest. Every worker consumes both, taking from each in turn, so the relay waits for at most one
# running task, never for a backlog; a deployment may also run a worker for `urgent` alone.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("urgent"), Queue("celery")]
CELERY_TASK_ROUTES = {
    name: {"queue": "urgent"}
    for name in (
        "background.tasks.outbox_relay",
        "dispatch.tasks.holds_sweep",
        "dispatch.tasks.duty_sync",
    )
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "outbox-relay": {
        "task": "background.tasks.outbox_relay",
        "schedule": env_float("OUTBOX_RELAY_SECONDS", 2.0),
    },
    # Sent messages are kept OUTBOX_RETENTION_DAYS, then deleted.
    "outbox-purge": {
        "task": "background.tasks.outbox_purge",
        "schedule": 3600.0,
    },
    # A held call falls back when its hold runs out (docs/domain.md section 5).
    "dispatch-holds-sweep": {
        "task": "dispatch.tasks.holds_sweep",
        "schedule": env_float("HOLD_SWEEP_SECONDS", 30.0),
    },
    # Department units follow the schedules: off duty outside their service's hours.
    "dispatch-duty-sync": {
        "task": "dispatch.tasks.duty_sync",
        "schedule": 60.0,
    },
    "worker-heartbeat": {
        "task": "background.tasks.worker_heartbeat",
        "schedule": env_float("WORKER_HEARTBEAT_SECONDS", 30.0),
    },
    # Partners hear back: deliveries whose first try failed, retried with backoff
    # (docs/interop.md).
    "interop-deliveries-retry": {
        "task": "interop.tasks.deliveries_retry",
        "schedule": env_float("PARTNER_RETRY_SECONDS", 30.0),
    },
    "care-sweep": {
        "task": "care_navigation.tasks.care_sweep",
        "schedule": env_float("CARE_SWEEP_SECONDS", 300.0),
    },
    # Supervisor dashboards: recompute the rollup days whose calls changed; hourly, the days
    # a deleted or moved call left stale (docs/dashboards.md).
    "dashboards-rollup-refresh": {
        "task": "dashboards.tasks.rollup_refresh",
        "schedule": env_float("ROLLUP_REFRESH_SECONDS", 60.0),
    },
    "dashboards-rollup-reconcile": {
        "task": "dashboards.tasks.rollup_reconcile",
        "schedule": env_float("ROLLUP_RECONCILE_SECONDS", 3600.0),
    },
}

# The demo department's simulated AVL feed (demo/tasks.py): `make run` sets it when it loads
# the demo; 0 (the default) leaves it off, as production must.
DEMO_AVL_SECONDS = env_float("DEMO_AVL_SECONDS", 0.0)
if DEMO_AVL_SECONDS > 0:
    CELERY_BEAT_SCHEDULE["demo-avl"] = {"task": "demo.tasks.demo_avl", "schedule": DEMO_AVL_SECONDS}

# Days a sent outbox message is kept (what was sent, when, after how many attempts).
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 7, minimum=1)
# A message published and not done after this long is published again (its broker message may
# have been lost, or its task failed), up to OUTBOX_MAX_ATTEMPTS times (background/outbox.py).
OUTBOX_REDELIVER_SECONDS = env_int("OUTBOX_REDELIVER_SECONDS", 300, minimum=5)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10, minimum=1)

# Domain configuration (docs/domain.md sections 5 and 7).
DISPATCH_HOLD_MINUTES = env_int("DISPATCH_HOLD_MINUTES", 20, minimum=0)
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_CENTER = (env_float("MAP_CENTER_LAT", 35.994), env_float("MAP_CENTER_LON", -78.8986))
# A unit position older than this is drawn faded and not trusted for "nearest" (docs/location.md).
UNIT_POSITION_STALE_MINUTES = env_int("UNIT_POSITION_STALE_MINUTES", 5, minimum=1)
CARE_FIRST_CONTACT_HOURS = env_int("CARE_FIRST_CONTACT_HOURS", 48, minimum=1)
CARE_WINDOW_DAYS = env_int("CARE_WINDOW_DAYS", 30, minimum=1)
CARE_CLOSING_WARNING_DAY = env_int("CARE_CLOSING_WARNING_DAY", 25, minimum=0)
if CARE_CLOSING_WARNING_DAY >= CARE_WINDOW_DAYS:
    raise ConfigError("CARE_CLOSING_WARNING_DAY must come before CARE_WINDOW_DAYS")
CARE_FAMILIAR_NEIGHBOR_RESPONSES = env_int("CARE_FAMILIAR_NEIGHBOR_RESPONSES", 5, minimum=1)
CARE_FAMILIAR_NEIGHBOR_DAYS = env_int("CARE_FAMILIAR_NEIGHBOR_DAYS", 365, minimum=1)
CARE_SWEEP_BATCH_SIZE = env_int("CARE_SWEEP_BATCH_SIZE", 5000, minimum=1)

# NENA EIDO and partner agencies (docs/interop.md). A transferred incident whose type maps to no
# call type is logged as this one (and keeps the partner's label); partners hear back with up to
# PARTNER_MAX_ATTEMPTS tries, PARTNER_BACKOFF_SECONDS doubling after each failure.
EIDO_DEFAULT_CALL_TYPE = env_str("EIDO_DEFAULT_CALL_TYPE", "ASSIST_PERSON")
EIDO_AGENCY_ID = env_str("EIDO_AGENCY_ID", "heart.durhamnc.gov")
EIDO_AGENCY_NAME = env_str("EIDO_AGENCY_NAME", "Durham Community Safety Department")
PARTNER_MAX_ATTEMPTS = env_int("PARTNER_MAX_ATTEMPTS", 8, minimum=1)
PARTNER_BACKOFF_SECONDS = env_float("PARTNER_BACKOFF_SECONDS", 30.0)
PARTNER_TIMEOUT_SECONDS = env_float("PARTNER_TIMEOUT_SECONDS", 10.0)

# Supervisor dashboards and the staffing model (docs/dashboards.md, docs/staffing.md).
COST_PER_TEAM_HOUR = env_float("COST_PER_TEAM_HOUR", 165.0)
# Police minutes per call of a type when stored history has fewer than
# POLICE_MINUTES_MIN_SAMPLES police calls of it with on-scene and close times.
POLICE_MINUTES_DEFAULT = env_float("POLICE_MINUTES_DEFAULT", 45.0)
POLICE_MINUTES_MIN_SAMPLES = env_int("POLICE_MINUTES_MIN_SAMPLES", 10, minimum=1)
# A team's time on scene and travel time when too few calls of the period recorded them.
STAFFING_SERVICE_MINUTES = env_float("STAFFING_SERVICE_MINUTES", 45.0)
STAFFING_TRAVEL_MINUTES = env_float("STAFFING_TRAVEL_MINUTES", 12.0)
for _name in (
    "COST_PER_TEAM_HOUR",
    "POLICE_MINUTES_DEFAULT",
    "STAFFING_SERVICE_MINUTES",
    "STAFFING_TRAVEL_MINUTES",
):
    if globals()[_name] < 0:
        raise ConfigError(f"{_name}={globals()[_name]} must not be negative")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
