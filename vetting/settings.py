"""Settings for Vetting, all read from the environment.

With no DATABASE_URL the app uses a SQLite file, and with no REDIS_URL tasks run inline: that is
the embedded mode `make demo` uses. Production sets both (PostgreSQL and a Redis broker).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from kombu import Exchange, Queue

from vetting.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

_DEV_SECRET = "insecure-dev-only-secret-key-change-me"
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
# Keyed hashes of document and bank numbers. Kept apart from SECRET_KEY so that rotating the
# session key does not orphan every link between candidates. Only development (DEBUG) falls back
# to SECRET_KEY; production must set it (system check vetting.E002, and candidates.crypto
# refuses to hash with an empty key).
HASH_KEY = env_str("VETTING_HASH_KEY", SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "vetting.apps.VettingConfig",
    "candidates",
    "links",
    "checks",
]

MIDDLEWARE = [
    "candidates.api.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "vetting.urls"
WSGI_APPLICATION = "vetting.wsgi.application"

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
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Health checks: a connection the server dropped (restart, failover, terminated backend)
    # is replaced on its next use instead of failing every request until a restart.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    _sqlite_path = Path(env_str("SQLITE_PATH", str(BASE_DIR / "var" / "vetting.sqlite3")))
    _sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_sqlite_path),
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"  # images are served only through audited views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

# Request bodies: the API answers 413 itself, so Django's own cap sits just above it.
VETTING_MAX_REQUEST_BYTES = env_int("VETTING_MAX_REQUEST_BYTES", 40 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = VETTING_MAX_REQUEST_BYTES + 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["candidates.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["candidates.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["candidates.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": env_str("VETTING_API_RATE", "600/min")},
    "EXCEPTION_HANDLER": "candidates.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "candidates.api.schema.VettingAutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vetting API",
    "DESCRIPTION": "Identity-fraud vetting of remote job candidates. Reference: docs/api.md.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",  # propertyNames: the schema states profiles' key limit too
    "ENFORCE_NON_BLANK_FIELDS": True,
    "ENUM_NAME_OVERRIDES": {  # one name per choice set in generated clients
        "AssessmentStatus": "candidates.models.Candidate.AssessmentStatus",
        "RiskLevel": "candidates.models.Candidate.RiskLevel",
        "ReviewStatus": "candidates.models.Candidate.ReviewStatus",
        "SessionKind": "candidates.models.Session.Kind",
        "DocumentKind": "candidates.models.Document.Kind",
        "ObservationCode": "candidates.models.Observation.Code",
        "Severity": "candidates.api.outputs.SEVERITIES",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Served from our own static files (scripts/vendor-static): no CDN at run time.
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui/favicon-32x32.png",
}

# Throttle counters live in Redis when there is one, so every web process shares them.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that is down or does not answer must cost a request a second, not hang it
            # (the throttle then fails open: candidates/api/throttling.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker when REDIS_URL is set, otherwise tasks run inline in the caller.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost//"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A save must not hang when the broker is down: fail fast, the sweep re-queues later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Workers outlive a Redis outage of any length (Celery's default gives up after 100 tries).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_DEFAULT_QUEUE = env_str("VETTING_QUEUE", "vetting")
CELERY_BEAT_SCHEDULE = {
    "assessment-sweep": {
        "task": "candidates.tasks.assessment_sweep_task",
        "schedule": env_int("VETTING_SWEEP_SECONDS", 60),
    },
    "link-sweep": {  # linked candidates beyond the per-change cap whose paging task was lost
        "task": "links.tasks.link_sweep_task",
        "schedule": env_int("VETTING_SWEEP_SECONDS", 60),
    },
    "link-refresh-sweep": {  # low-value link refreshes a write left to wait (see below)
        "task": "candidates.tasks.link_refresh_sweep_task",
        "schedule": env_int("VETTING_LINK_REFRESH_SECONDS", 5),
    },
    "webhook-sweep": {
        "task": "candidates.tasks.webhook_sweep_task",
        "schedule": env_int("VETTING_WEBHOOK_SWEEP_SECONDS", 15),
    },
}

# Vetting's own knobs.
VETTING_SWEEP_GRACE_SECONDS = env_int("VETTING_SWEEP_GRACE_SECONDS", 30)
VETTING_STALE_RUNNING_SECONDS = env_int("VETTING_STALE_RUNNING_SECONDS", 600)
# An assessment that fails this many times (an error, or its worker lost) is marked failed.
VETTING_ASSESSMENT_MAX_ATTEMPTS = env_int("VETTING_ASSESSMENT_MAX_ATTEMPTS", 3)
VETTING_LINK_REASSESS_CAP = env_int("VETTING_LINK_REASSESS_CAP", 200)
# A changed value with more other holders than this (a campus network, a VPN egress) is low
# value: its holders' link refresh waits for the sweep instead of being queued at once.
VETTING_LINK_LOW_VALUE_HOLDERS = env_int("VETTING_LINK_LOW_VALUE_HOLDERS", 25)
# Such a refresh waits this long after its request (the writes of a burst sharing the value
# coalesce into it), then beat's link-refresh sweep, every VETTING_LINK_REFRESH_SECONDS, queues
# it on the reassessment queue.
VETTING_LINK_REFRESH_GRACE_SECONDS = env_int("VETTING_LINK_REFRESH_GRACE_SECONDS", 5)
# "Same building" grouping of session IPs for link.ip_subnet_shared.
VETTING_LINK_IPV4_PREFIX = env_int("VETTING_LINK_IPV4_PREFIX", 24)
VETTING_LINK_IPV6_PREFIX = env_int("VETTING_LINK_IPV6_PREFIX", 64)
# Their ranges are checked by the system check vetting.E003 (vetting/system_checks.py).
VETTING_IDEMPOTENCY_HOURS = 24
VETTING_QUEUE_POLL_SECONDS = 10  # how often the review queue's rows refresh in the browser
VETTING_EMAIL_CHECK_DELIVERABILITY = env_bool("VETTING_EMAIL_CHECK_DELIVERABILITY", False)
VETTING_GEOIP_CITY_DB = env_str("VETTING_GEOIP_CITY_DB")  # MaxMind GeoIP2/GeoLite2 City/Country
VETTING_GEOIP_ASN_DB = env_str("VETTING_GEOIP_ASN_DB")  # MaxMind GeoLite2 ASN
VETTING_PHONE_LINE_TYPE_PROVIDER = env_str("VETTING_PHONE_LINE_TYPE_PROVIDER")  # dotted path

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Cookies, HSTS, HTTPS redirect and CSP: see "Security (issue 9)" below.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Inline tasks would log a line per assessment into the web server's output.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
    },
}
# Celery closes the database connection around every task unless this is set; reuse it (0 = close).
CELERY_DB_REUSE_MAX = env_int("VETTING_DB_REUSE_MAX", 1000)

# --- Security (issue 9): cross-client probing, sign-in, production defaults, limits ---
# See SECURITY.md. The operator's reverse proxy terminates TLS, redirects plain HTTP and sets
# X-Forwarded-Proto / X-Forwarded-For; without it Django redirects to HTTPS itself.
VETTING_BEHIND_PROXY = env_bool("VETTING_BEHIND_PROXY", False)
if VETTING_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS: list[str] = []
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("VETTING_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("VETTING_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading commits the whole domain to HTTPS in browsers: the domain owner's decision.
    SECURE_HSTS_PRELOAD = env_bool("VETTING_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    SECURE_SSL_REDIRECT = not VETTING_BEHIND_PROXY
    if VETTING_BEHIND_PROXY:
        SILENCED_SYSTEM_CHECKS.append("security.W008")  # the proxy redirects
    # Probes from inside the network speak plain HTTP to the container.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
# Django's built-in Content-Security-Policy, in every mode so development sees a violation
# first. Templates carry no inline script or style; Swagger UI's start-up script is a file
# (SpectacularSwaggerSplitView); Swagger draws its icons from data: URIs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
)

# Every change made in /admin/ also goes to the audit log (vetting/admin_site.py).
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = "vetting.apps.AuditedAdminConfig"

# Cross-client matches per client and hour past which a `client.probing_suspected` audit event
# is written (candidates.probing).
VETTING_PROBE_ALERT_MATCHES = env_int("VETTING_PROBE_ALERT_MATCHES", 100)

# Sign-in (candidates/signin.py): django-axes counts failed sign-ins per username and per client
# IP and locks either out; django-otp adds the TOTP second factor VETTING_REQUIRE_2FA asks for.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "candidates.signin.SecondFactorMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("VETTING_SIGNIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("VETTING_SIGNIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks, each on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "candidates.signin.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
AXES_VERBOSE = False  # no version banner on every manage.py command; lockouts still log
VETTING_REQUIRE_2FA = env_bool("VETTING_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "Vetting"
SESSION_COOKIE_AGE = env_int("VETTING_SESSION_HOURS", 12) * 3600

# Webhooks (candidates/webhook_http.py): https only unless DEBUG; receivers on loopback, private,
# link-local or reserved addresses only when the operator allows them; one deadline per attempt.
VETTING_WEBHOOK_ALLOW_PRIVATE = env_bool("VETTING_WEBHOOK_ALLOW_PRIVATE", False)
VETTING_WEBHOOK_DEADLINE_SECONDS = env_int("VETTING_WEBHOOK_DEADLINE_SECONDS", 15)

# Limits (candidates/images.py, candidates/api/views.py). The contract allows images up to 40
# megapixels; 16 MP (a 4000 x 4000 scan) keeps one decode near 50 MiB of pixels.
VETTING_MAX_IMAGE_PIXELS = env_int("VETTING_MAX_IMAGE_PIXELS", 16_000_000)
# Bytes of images (metadata removed) one API client may keep; 0 means no quota.
VETTING_CLIENT_STORAGE_QUOTA_BYTES = env_int("VETTING_CLIENT_STORAGE_QUOTA_BYTES", 20 * 1024**3)

# Minimisation: stored idempotent responses (personal data) go once their window has passed.
CELERY_BEAT_SCHEDULE["idempotency-prune"] = {
    "task": "candidates.tasks.idempotency_prune_task",
    "schedule": 3600,
}
if REDIS_URL:  # values in Redis are JSON, never pickle (vetting/cache.py)
    CACHES["default"].setdefault("OPTIONS", {})["serializer"] = "vetting.cache.JSONSerializer"

# Of the candidates one write links to, those other clients own queued at once; the rest wait
# for the assessment sweep (candidates.pipeline.assessment_request_linked).
VETTING_LINK_REASSESS_OTHER_CLIENTS_CAP = env_int("VETTING_LINK_REASSESS_OTHER_CLIENTS_CAP", 20)

# --- Production path (issue 8): queues, re-queue marker, metrics. Kept in one block. ---
# Separate queues, so a long reassessment pass or a slow webhook receiver never starves the
# assessment of a candidate an ATS just posted. VETTING_QUEUE (the default queue: the sweeps) is
# the prefix of the others. `celery -A vetting worker` consumes them all; `-Q` dedicates one.
VETTING_QUEUES = {
    kind: f"{CELERY_TASK_DEFAULT_QUEUE}.{kind}"
    for kind in ("assessments", "reassessment", "webhooks")
}
VETTING_QUEUE_NAMES = [CELERY_TASK_DEFAULT_QUEUE, *VETTING_QUEUES.values()]
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in VETTING_QUEUE_NAMES]
CELERY_TASK_ROUTES = {
    "candidates.tasks.assess_candidate_task": {"queue": VETTING_QUEUES["assessments"]},
    "candidates.tasks.ruleset_reassess_task": {"queue": VETTING_QUEUES["reassessment"]},
    "links.tasks.link_reassess_rest_task": {"queue": VETTING_QUEUES["reassessment"]},
    "candidates.tasks.webhook_deliver_task": {"queue": VETTING_QUEUES["webhooks"]},
}
# The sweep re-queues a pending assessment only if it was never queued (the broker refused it)
# or was queued longer ago than this (the broker may have lost it).
VETTING_REQUEUE_SECONDS = env_int("VETTING_REQUEUE_SECONDS", 600)
# Erased candidates' files still to delete, and orphaned files (written by a transaction that
# rolled back in a process that was killed): beat's storage sweep (candidates.storage_cleanup).
# A file no row names is deleted once older than the grace period, which must exceed the
# longest write transaction.
VETTING_ORPHAN_GRACE_SECONDS = env_int("VETTING_ORPHAN_GRACE_SECONDS", 3600)
CELERY_BEAT_SCHEDULE["storage-sweep"] = {
    "task": "candidates.tasks.storage_sweep_task",
    "schedule": env_int("VETTING_SWEEP_SECONDS", 60),
}
# How long a write waits for a candidate's row lock before answering 503 `unavailable`
# (candidates.locks; PostgreSQL only).
VETTING_LOCK_TIMEOUT_MS = env_int("VETTING_LOCK_TIMEOUT_MS", 5000)
# /metrics answers only with `Authorization: Bearer <this>`; unset, it is 404.
VETTING_METRICS_TOKEN = env_str("VETTING_METRICS_TOKEN")
MIDDLEWARE.insert(1, "candidates.metrics.MetricsMiddleware")  # right after the request id

# Logs: JSON lines in production (LOG_FORMAT=json, the default with DEBUG off), one object per
# record with its request id and Celery task id (candidates/logcontext.py); text for development.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING["filters"] = {"context": {"()": "candidates.logcontext.ContextFilter"}}
LOGGING["formatters"] = {
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
    "text": {
        "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s%(task_id)s] %(message)s"
    },
}
LOGGING["handlers"]["console"].update(filters=["context"], formatter=LOG_FORMAT)
if LOG_FORMAT not in LOGGING["formatters"]:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text")
# Workers log through the same handler (JSON lines too) instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
