"""HimSwasthya settings: everything that differs between machines comes from the environment.

Safe defaults: SQLite, console SMS, the local ABDM simulator, DEBUG off. A missing SECRET_KEY is an
error unless DEBUG is on, so a production deploy can never run with a known key.
"""

import base64
import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HIMSWASTHYA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_keys(name: str, dev_default: str) -> list[str]:
    """Comma-separated base64 keys of 32 bytes, newest first; required when DEBUG is off.

    Checked here so a bad key stops the start-up, not the first request (core/crypto reads them).
    """
    keys = [k.strip() for k in os.environ.get(name, "").split(",") if k.strip()]
    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")
        keys = [dev_default]  # dev only: not a secret
    for position, key in enumerate(keys, start=1):
        try:
            key_ok = len(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))) == 32
        except ValueError:
            key_ok = False
        if not key_ok:
            raise ImproperlyConfigured(f"{name}: key {position} must be base64 of 32 bytes")
    return keys


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-dev-only-key-never-use-in-production"

# SEC-30/31: keys for field-level encryption of identifiers (core/crypto.py): comma-separated base64 of 32
# bytes, newest first (encrypt with the first, decrypt with any). Required when DEBUG is off, like SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env_keys("FIELD_ENCRYPTION_KEYS", "ZGV2LW9ubHkgZmllbGQga2V5IC0gbmV2ZXIgcHJvZCE=")

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    # django.contrib.admin, on a site that needs a second factor
    "himswasthya.accounts.admin_config.HimAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from its static files (the CDN page's scripts break the CSP)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "himswasthya.core",
    "himswasthya.notify",
    "himswasthya.places",
    "himswasthya.codelists",
    "himswasthya.accounts",
    "himswasthya.audit",
    "himswasthya.facilities",
    "himswasthya.people",
    "himswasthya.himparivar",
    "himswasthya.abdm",
    "himswasthya.records",
    "himswasthya.registration",
    "himswasthya.himcare",
    "himswasthya.demo",  # demo loaders (manage.py make_population, make_demo_users...); nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "himswasthya.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "himswasthya.core.text.TextInputGuardMiddleware",  # SEC-27: deep JSON, lone surrogates, NUL -> 400
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "himswasthya.accounts.middleware.SignedInCookieMiddleware",  # "your session ended" on the sign-in pages
    "himswasthya.accounts.middleware.SessionIdleTimeoutMiddleware",
    "himswasthya.accounts.middleware.SingleSessionMiddleware",
    "himswasthya.accounts.middleware.SecondFactorMiddleware",
    "himswasthya.accounts.middleware.PasswordExpiryMiddleware",
    "himswasthya.accounts.languages.LanguageChoiceMiddleware",  # remembers a citizen's choice of language
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "himswasthya.audit.middleware.AuditContextMiddleware",
    "himswasthya.core.middleware.DemoNotFoundMiddleware",  # the site's 404 page in a demo served with DEBUG
]

ROOT_URLCONF = "himswasthya.urls"
WSGI_APPLICATION = "himswasthya.wsgi.application"
ASGI_APPLICATION = "himswasthya.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "himswasthya" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "himswasthya.core.context_processors.platform",
                "himswasthya.people.context_processors.own_name",
            ],
        },
    },
]

# Database: SQLite file by default (zero set-up); PostgreSQL in production via DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'himswasthya.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let concurrent requests wait for the writer instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Who seals the audit chain (audit/chain.py): "inline" = the committing request, after commit; "worker" = the
# `manage.py seal_audit --every 0.2` worker process, off the request path (production on PostgreSQL). No web
# process runs a sealing thread. SQLite and DEBUG keep "inline" (nothing else to run).
AUDIT_SEAL_MODE = os.environ.get("AUDIT_SEAL_MODE") or (
    "inline" if DEBUG or DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "worker"
)
if AUDIT_SEAL_MODE not in ("inline", "worker"):
    raise ImproperlyConfigured(
        f"AUDIT_SEAL_MODE must be 'inline' or 'worker', not {AUDIT_SEAL_MODE!r} ('background', a sealing "
        f"thread in every web process, was replaced by 'worker' with `manage.py seal_audit --every 0.2`)"
    )
# SEC-29 7.3.3: keys of the audit chain's HMAC (audit/keys.py), from the environment so that whoever can write
# the database cannot re-hash the chain: comma-separated base64 of 32 bytes, newest first (seal with the
# first, verify with the one an entry names). Required when DEBUG is off, like FIELD_ENCRYPTION_KEYS.
AUDIT_HMAC_KEYS = env_keys("AUDIT_HMAC_KEYS", "ZGV2LW9ubHkgYXVkaXQgY2hhaW4ga2V5OiBuZXZlciE=")
# The chain head anchored outside the database: `manage.py checkpoint_audit` appends HMAC-signed checkpoints
# to this append-only file and `verify_audit` checks the chain against every one (audit/chain.py).
AUDIT_CHECKPOINT_PATH = Path(os.environ.get("AUDIT_CHECKPOINT_PATH", VAR_DIR / "audit-checkpoints.log"))

REDIS_URL = os.environ.get("REDIS_URL", "")
# Rate limits, lockouts and OTP counters live in the default cache. Without REDIS_URL it is per process, so
# with several workers each counts alone: with DEBUG off the `core.E001` system check refuses to start unless
# this says the deployment is one single process (core/checks.py).
ALLOW_LOCAL_CACHE = env_bool("ALLOW_LOCAL_CACHE", False)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "himswasthya"}
    }
# Sessions are read from the shared cache and written through to the database: one database read less per
# request. Only with Redis: a per-process cache would keep serving a session another process logged out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    # ModelBackend with the staff lockout and its audit rows, for every authenticate() (SEC-15, SEC-29).
    "himswasthya.accounts.backends.LockoutModelBackend",
]
# Second factor (accounts/mfa.py): TOTP for state-level roles and the admin. The issuer names the account in
# authenticator apps; the admin never shows a device's key after it is created.
OTP_TOTP_ISSUER = "HimSwasthya"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# SEC-23: length and mix for staff passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "himswasthya.accounts.validators.CharacterMixValidator"},
]

# SEC-25: sessions. Absolute lifetime 12 h; idle timeout (NDHM: 15 min) enforced by middleware.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 15 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "himswasthya.core.api.csrf_failure"  # JSON under /api/, the usual page elsewhere
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
# `manage.py check --deploy` is clean with production settings (issue #10): HSTS for subdomains too and marked
# for preloading, and plain HTTP redirected to HTTPS behind the TLS proxy (except the proxy's health check).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and SECURE_PROXY_SSL_HEADER is not None)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# SEC-24/SEC-29: how many proxies we run in front of the app, each appending to X-Forwarded-For. The client's
# address is that many hops from the right; anything further left was written by the client and is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if SECURE_PROXY_SSL_HEADER else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Internationalisation: English and Hindi for every user-facing string.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
LOCALE_PATHS = [BASE_DIR / "himswasthya" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Kolkata"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "himswasthya" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# SMS (SEC-33): every message carries the registered DLT principal-entity and template ids.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")  # console | file | http | memory (tests)
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms.log"))
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_API_KEY = os.environ.get("SMS_HTTP_API_KEY", "")
SMS_HTTP_TIMEOUT_SECONDS = env_int("SMS_HTTP_TIMEOUT_SECONDS", 10)
SMS_SENDER_HEADER = os.environ.get("SMS_SENDER_HEADER", "HPHLTH")
SMS_DLT_ENTITY_ID = os.environ.get("SMS_DLT_ENTITY_ID", "1101000000000000000")
# Template ids registered on DLT (templates: notify/sms.py); the defaults are placeholders for demo and tests.
SMS_DLT_TEMPLATE_IDS = {
    "otp_login": os.environ.get("SMS_DLT_TEMPLATE_OTP_LOGIN", "1107000000000000001"),
    "otp_login_hi": os.environ.get("SMS_DLT_TEMPLATE_OTP_LOGIN_HI", "1107000000000000002"),
    # OPD registration (registration/notifications.py); env SMS_DLT_TEMPLATE_<KEY> overrides each id.
    **{
        key: os.environ.get(f"SMS_DLT_TEMPLATE_{key.upper()}", f"11070000000000001{n:02d}")
        for n, key in enumerate(
            (
                "appointment_booked",
                "appointment_booked_hi",
                "appointment_cancelled",
                "appointment_cancelled_hi",
                "appointment_rescheduled",
                "appointment_rescheduled_hi",
                "scan_share_token",
                "scan_share_token_hi",
                "scan_share_counter_token",
                "scan_share_counter_token_hi",
            ),
            start=1,
        )
    },
    # ABDM: the OTP to link health records to an ABHA (abdm/hip.py).
    "abdm_link_otp": os.environ.get("SMS_DLT_TEMPLATE_ABDM_LINK_OTP", "1107000000000000301"),
    "abdm_link_otp_hi": os.environ.get("SMS_DLT_TEMPLATE_ABDM_LINK_OTP_HI", "1107000000000000302"),
    # HIMCARE card issued (himcare/enrolment/services.py).
    "himcare_card_issued": os.environ.get("SMS_DLT_TEMPLATE_HIMCARE_CARD_ISSUED", "1107000000000000201"),
    "himcare_card_issued_hi": os.environ.get(
        "SMS_DLT_TEMPLATE_HIMCARE_CARD_ISSUED_HI", "1107000000000000202"
    ),
    # A health record signed (records/services.py): its date and the link to its page.
    "record_signed": os.environ.get("SMS_DLT_TEMPLATE_RECORD_SIGNED", "1107000000000000301"),
    "record_signed_hi": os.environ.get("SMS_DLT_TEMPLATE_RECORD_SIGNED_HI", "1107000000000000302"),
}

# Citizen OTP (SEC-23/24).
OTP_LENGTH = 6
OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 5 * 60)
OTP_RESEND_INTERVAL_SECONDS = env_int("OTP_RESEND_INTERVAL_SECONDS", 60)
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 5)
OTP_MAX_SENDS_PER_MOBILE_PER_HOUR = env_int("OTP_MAX_SENDS_PER_MOBILE_PER_HOUR", 5)
OTP_MAX_SENDS_PER_IP_PER_HOUR = env_int("OTP_MAX_SENDS_PER_IP_PER_HOUR", 30)
OTP_MAX_VERIFY_PER_IP_PER_HOUR = env_int("OTP_MAX_VERIFY_PER_IP_PER_HOUR", 100)
# Staff lockout after repeated failed passwords (SEC-15).
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# SEC-24: person searches per user and minute (people/services.py).
PEOPLE_SEARCH_PER_MINUTE = env_int("PEOPLE_SEARCH_PER_MINUTE", 60)
# NIC policy (SEC-23): staff must change their password at least every 90 days.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)

# Only for demo machines: show the last OTP on the login page so a tester needs no phone.
DEMO_MODE = env_bool("DEMO_MODE", False)
# SMS of the outbox (notify/outbox.py): sent by the request right after commit, so a demo
# user sees it at once, or left to `manage.py send_pending_sms` (production: requests never wait for SMS).
SMS_SEND_IN_REQUEST = env_bool("SMS_SEND_IN_REQUEST", DEBUG or DEMO_MODE or SMS_BACKEND == "console")

# ABDM (abdm-api.md). Defaults point at the local simulator served by this very site (/abdm-sim/),
# so a fresh checkout works offline; production sets the gateway/ABHA hosts and real client credentials.
ABDM_SIMULATOR_ENABLED = env_bool("ABDM_SIMULATOR_ENABLED", DEBUG)
ABDM_GATEWAY_URL = os.environ.get("ABDM_GATEWAY_URL", "http://127.0.0.1:8000/abdm-sim/gateway").rstrip("/")
ABDM_ABHA_URL = os.environ.get("ABDM_ABHA_URL", "http://127.0.0.1:8000/abdm-sim/abha").rstrip("/")
ABDM_CM_ID = os.environ.get("ABDM_CM_ID", "sbx")
ABDM_HIP_ID = os.environ.get("ABDM_HIP_ID", "IN0210000001")
# The one client the simulator knows (abdm/simulator/views.py): not secrets, the simulator is for demos/tests.
ABDM_SIMULATOR_CLIENT_ID = "SBX_HIMSWASTHYA"
ABDM_SIMULATOR_CLIENT_SECRET = "simulator-secret"
# Demo credentials are only ever defaulted for the simulator; a real gateway needs them from the environment.
ABDM_CLIENT_ID = os.environ.get("ABDM_CLIENT_ID", ABDM_SIMULATOR_CLIENT_ID if ABDM_SIMULATOR_ENABLED else "")
ABDM_CLIENT_SECRET = os.environ.get(
    "ABDM_CLIENT_SECRET", ABDM_SIMULATOR_CLIENT_SECRET if ABDM_SIMULATOR_ENABLED else ""
)
ABDM_TIMEOUT_SECONDS = env_int("ABDM_TIMEOUT_SECONDS", 10)
ABDM_RETRIES = env_int("ABDM_RETRIES", 2)
ABDM_RETRY_BACKOFF_SECONDS = float(os.environ.get("ABDM_RETRY_BACKOFF_SECONDS", "0.5"))
ABDM_JWKS_CACHE_SECONDS = env_int("ABDM_JWKS_CACHE_SECONDS", 60 * 60)
ABDM_JWT_AUDIENCE = os.environ.get("ABDM_JWT_AUDIENCE", "account")
# ABHA <-> person match score (0-100): at or above AUTO the link is made; from REVIEW up to AUTO a supervisor
# decides; below REVIEW it is refused with the reasons.
ABHA_LINK_AUTO_THRESHOLD = env_int("ABHA_LINK_AUTO_THRESHOLD", 85)
ABHA_LINK_REVIEW_THRESHOLD = env_int("ABHA_LINK_REVIEW_THRESHOLD", 60)
# Scan and share (registration/scan_share.py): how long a counter token stays valid, and which facility
# answers for ABDM_HIP_ID (the demo facility with the simulator on; real ones are matched by HFR id).
SCAN_SHARE_TOKEN_EXPIRY_SECONDS = env_int("SCAN_SHARE_TOKEN_EXPIRY_SECONDS", 1800)
SCAN_SHARE_DEMO_FACILITY_CODE = os.environ.get(
    "SCAN_SHARE_DEMO_FACILITY_CODE", "SYN-MC-01" if ABDM_SIMULATOR_ENABLED else ""
)
# Host of ABDM's share-profile page in the counter QR codes (sandbox by default; set for production).
ABDM_SHARE_PROFILE_HOST = os.environ.get("ABDM_SHARE_PROFILE_HOST", "")
# The simulator's fixed OTP (documented in abdm/README.md); the simulator never sends SMS.
ABDM_SIMULATOR_OTP = os.environ.get("ABDM_SIMULATOR_OTP", "123456")
# The HIP role (abdm/hip.py; abdm/README.md "HIP role" lists what the contract leaves open).
# ABDM allows this many generate-token requests per ABHA address (and HIP) in 24 hours.
ABDM_LINK_TOKEN_MAX_PER_DAY = env_int("ABDM_LINK_TOKEN_MAX_PER_DAY", 3)
# How long a link token is reused ("up to 6 months").
ABDM_LINK_TOKEN_TTL_DAYS = env_int("ABDM_LINK_TOKEN_TTL_DAYS", 180)
# User-initiated linking: the OTP's life and the wrong OTPs allowed.
ABDM_LINK_OTP_TTL_SECONDS = env_int("ABDM_LINK_OTP_TTL_SECONDS", 10 * 60)
ABDM_LINK_OTP_MAX_ATTEMPTS = env_int("ABDM_LINK_OTP_MAX_ATTEMPTS", 5)
# Health-information push: entries per page, the checksum's encoding (md5 "hex" or "base64"), and the
# hiStatus/sessionStatus we report for a failed entry or transfer (care sends FAILED, the V3 enum ERRORED).
ABDM_HI_ENTRIES_PER_PAGE = env_int("ABDM_HI_ENTRIES_PER_PAGE", 20)
ABDM_HI_CHECKSUM_ENCODING = os.environ.get("ABDM_HI_CHECKSUM_ENCODING", "hex")
ABDM_HI_FAILED_STATUS = os.environ.get("ABDM_HI_FAILED_STATUS", "ERRORED")
if ABDM_HI_CHECKSUM_ENCODING not in ("hex", "base64"):
    raise ImproperlyConfigured("ABDM_HI_CHECKSUM_ENCODING must be hex or base64")
if ABDM_HI_FAILED_STATUS not in ("ERRORED", "FAILED"):
    raise ImproperlyConfigured("ABDM_HI_FAILED_STATUS must be ERRORED or FAILED")
# The simulator's callbacks go to this bridge URL ("" = the host the call came to).
ABDM_SIMULATOR_BRIDGE_URL = os.environ.get("ABDM_SIMULATOR_BRIDGE_URL", "")

# HIMCARE premium payments (himcare/enrolment/payments/): a Razorpay-style gateway. Defaults point at the
# local simulator served by this very site (/himcare-paysim/); production sets the gateway URL, key id and
# secret.
HIMCARE_PAYMENT_SIMULATOR_ENABLED = env_bool("HIMCARE_PAYMENT_SIMULATOR_ENABLED", DEBUG or DEMO_MODE)
HIMCARE_PAYMENT_GATEWAY_URL = os.environ.get(
    "HIMCARE_PAYMENT_GATEWAY_URL", "http://127.0.0.1:8000/himcare-paysim"
).rstrip("/")
HIMCARE_PAYMENT_KEY_ID = os.environ.get(
    "HIMCARE_PAYMENT_KEY_ID", "rzp_test_himswasthya" if HIMCARE_PAYMENT_SIMULATOR_ENABLED else ""
)
HIMCARE_PAYMENT_KEY_SECRET = os.environ.get(
    "HIMCARE_PAYMENT_KEY_SECRET", "simulator-payment-secret" if HIMCARE_PAYMENT_SIMULATOR_ENABLED else ""
)
HIMCARE_PAYMENT_TIMEOUT_SECONDS = env_int("HIMCARE_PAYMENT_TIMEOUT_SECONDS", 10)
# Where the gateway sends the payer back (himcare/enrolment/payments/callbacks.py); empty: our callback,
# request's host.
HIMCARE_PAYMENT_CALLBACK_URL = os.environ.get("HIMCARE_PAYMENT_CALLBACK_URL", "")
# The site's public address: in the verification URL of the HIMCARE card's QR code
# (himcare/enrolment/cards.py), and in a health record's link (its PDF's QR code and the SMS sent when it is
# signed, records/services.py record_url; the host must be whitelisted on DLT).
HIMSWASTHYA_PUBLIC_URL = os.environ.get("HIMSWASTHYA_PUBLIC_URL") or "https://himswasthya.hp.gov.in"
# The private-hospital rule (himcare/hospitals/empanelment.py, notification of 3 Aug 2024): the last day
# private hospitals could be empanelled (None: no restriction) and the specialties still allowed there after
# it (MN: dialysis). Policy, changed with the code and its tests, not per machine: not from the environment.
HIMCARE_PRIVATE_HOSPITALS_UNTIL: datetime.date | None = datetime.date(2024, 8, 31)
HIMCARE_PRIVATE_HOSPITAL_SPECIALTIES: tuple[str, ...] = ("MN",)
# Beneficiary verification (himcare/enrolment/verification.py): per user, verifications a minute;
# verifications that did not match an hour before the user is refused for the rest of the hour (and an alert
# is raised); the hourly volume that raises an alert.
HIMCARE_VERIFY_PER_MINUTE = env_int("HIMCARE_VERIFY_PER_MINUTE", 60)
HIMCARE_VERIFY_FAILURES_PER_HOUR = env_int("HIMCARE_VERIFY_FAILURES_PER_HOUR", 10)
HIMCARE_VERIFY_ALERT_PER_HOUR = env_int("HIMCARE_VERIFY_ALERT_PER_HOUR", 150)
# A new case (pre-authorisation) only for a family this user verified in this session within these hours.
HIMCARE_VERIFIED_FAMILY_HOURS = env_int("HIMCARE_VERIFIED_FAMILY_HOURS", 8)

# Him Parivar register change feed (himparivar/README.md). Defaults to the local simulator (/himparivar-sim/).
HIMPARIVAR_SIMULATOR_ENABLED = env_bool("HIMPARIVAR_SIMULATOR_ENABLED", DEBUG)
HIMPARIVAR_API_URL = os.environ.get("HIMPARIVAR_API_URL", "http://127.0.0.1:8000/himparivar-sim").rstrip("/")
HIMPARIVAR_API_TOKEN = os.environ.get("HIMPARIVAR_API_TOKEN", "")
HIMPARIVAR_TIMEOUT_SECONDS = env_int("HIMPARIVAR_TIMEOUT_SECONDS", 10)
HIMPARIVAR_RETRIES = env_int("HIMPARIVAR_RETRIES", 2)
HIMPARIVAR_RETRY_BACKOFF_SECONDS = float(os.environ.get("HIMPARIVAR_RETRY_BACKOFF_SECONDS", "0.5"))
HIMPARIVAR_IMPORT_DIR = Path(os.environ.get("HIMPARIVAR_IMPORT_DIR", VAR_DIR / "himparivar-imports"))
HIMPARIVAR_IMPORT_MAX_BYTES = env_int("HIMPARIVAR_IMPORT_MAX_MB", 200) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "himswasthya.core.logging.RedactPersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
