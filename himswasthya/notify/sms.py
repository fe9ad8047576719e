"""SMS out of HimSwasthya (SEC-33, TRAI DLT): the templates with their DLT ids, and the one gateway client.

A message is a registered template plus its variables.

Every outgoing SMS carries the sender header, the principal-entity id and the template id registered
on DLT, and its rendered text must match the template's registered pattern - otherwise it is refused
before any backend sees it. The backend is chosen by settings.SMS_BACKEND:

- ``console`` prints the message (the demo reads OTPs here);
- ``file`` appends one JSON line per message to settings.SMS_FILE_PATH;
- ``memory`` keeps messages in ``outbox`` (tests);
- ``http`` POSTs JSON {sender, entity_id, template_id, mobile, text} to settings.SMS_HTTP_URL.

`send_sms` sends at once (the login OTP); messages that must survive a gateway outage go through the outbox
(`outbox.queue_sms`), which calls `send_sms` after commit and retries.
"""

from __future__ import annotations

import json
import re
import string
import sys
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone


class SmsError(Exception):
    """Base class of SMS failures."""


class SmsRefused(SmsError):
    """The message does not satisfy DLT rules (missing ids, text not matching the registered template)."""


class SmsDeliveryError(SmsError):
    """The gateway could not be reached or did not accept the message."""


# Each DLT variable has one registered shape; a template's registered pattern is its text with every
# {variable} replaced by that shape (and everything else taken literally).
VARIABLE_SHAPES: dict[str, str] = {
    "otp": r"\d{6}",
    "minutes": r"\d{1,2}",
    "number": r"OPD\d{6}-\d{1,10}-\d{1,4}",  # appointment number (registration.services.appointment_number)
    "token": r"\d{1,4}",
    "date": r"\d{2}-\d{2}-\d{4}",  # dd-mm-yyyy
    "card": r"HC\d{12}[0-9X]",  # HIMCARE card number
    # a signed health record's page (records.services.record_url) on the site's public address, whose host is
    # the URL whitelisted on DLT
    "record_url": r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?/records/\d{1,12}/",
}


def registered_pattern(text: str) -> str:
    """The DLT pattern of a template text: literal text, each {variable} as its shape in VARIABLE_SHAPES."""
    return "".join(
        re.escape(literal) + (VARIABLE_SHAPES[name] if name is not None else "")
        for literal, name, _spec, _conversion in string.Formatter().parse(text)
    )


@dataclass(frozen=True)
class SmsTemplate:
    key: str  # key into settings.SMS_DLT_TEMPLATE_IDS
    text: str  # str.format template with the DLT variables
    pattern: str = field(init=False)  # the registered shape; rendered text must fullmatch it

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", registered_pattern(self.text))


# Every message in English and in Hindi (`<key>_hi`); both are registered on DLT under their own ids.
_TEXTS: dict[str, str] = {
    "otp_login": (
        "{otp} is your HimSwasthya login OTP. Valid for {minutes} minutes. Do not share it. -HP Health"
    ),
    "otp_login_hi": (
        "{otp} आपका हिमस्वास्थ्य लॉगिन ओटीपी है। {minutes} मिनट तक मान्य। इसे किसी से साझा न करें। -HP Health"
    ),
    # OPD registration (registration/notifications.py, through the outbox): two variables each, as DLT asks.
    "appointment_booked": (
        "HimSwasthya OPD booking {number} confirmed, token {token}. "
        "Show it at the registration counter. -HP Health"
    ),
    "appointment_booked_hi": (
        "हिमस्वास्थ्य ओपीडी बुकिंग {number} पक्की, टोकन {token}। इसे पंजीकरण काउंटर पर दिखाएँ। -HP Health"
    ),
    "appointment_cancelled": "HimSwasthya OPD booking {number} is cancelled. -HP Health",
    "appointment_cancelled_hi": "हिमस्वास्थ्य ओपीडी बुकिंग {number} रद्द कर दी गई है। -HP Health",
    "appointment_rescheduled": (
        "HimSwasthya OPD booking moved: new booking {number}, token {token}. -HP Health"
    ),
    "appointment_rescheduled_hi": (
        "हिमस्वास्थ्य ओपीडी बुकिंग बदली गई: नई बुकिंग {number}, टोकन {token}। -HP Health"
    ),
    "scan_share_token": (
        "Your HimSwasthya OPD token is {token} ({number}). Please wait to be called. -HP Health"
    ),
    "scan_share_token_hi": (
        "आपका हिमस्वास्थ्य ओपीडी टोकन {token} ({number}) है। कृपया बुलाए जाने की प्रतीक्षा करें। -HP Health"
    ),
    # ABDM scan and share (registration/scan_share.py): the counter token, before any appointment exists.
    "scan_share_counter_token": (
        "Your HimSwasthya scan and share token is {token} for {date}. "
        "Show it at the registration counter. -HP Health"
    ),
    "scan_share_counter_token_hi": (
        "{date} के लिए आपका हिमस्वास्थ्य स्कैन और शेयर टोकन {token} है। इसे पंजीकरण काउंटर पर दिखाएँ। -HP Health"
    ),
    # ABDM: a patient links their health records to their ABHA (abdm/hip.py).
    "abdm_link_otp": (
        "{otp} is your OTP to link HimSwasthya health records to your ABHA. "
        "Valid for {minutes} minutes. -HP Health"
    ),
    "abdm_link_otp_hi": (
        "{otp} आपके हिमस्वास्थ्य स्वास्थ्य रिकॉर्ड को आभा से जोड़ने का ओटीपी है। {minutes} मिनट तक मान्य। -HP Health"
    ),
    # HIMCARE card issued (himcare/enrolment/services.py): card number and validity.
    "himcare_card_issued": "HimSwasthya HIMCARE card {card} issued, valid till {date}. -HP Health",
    "himcare_card_issued_hi": "हिमस्वास्थ्य हिमकेयर कार्ड {card} जारी, {date} तक मान्य। -HP Health",
    # A health record signed by the doctor (records/services.py sign): its date and its page. No name or
    # clinical detail: the SMS may go to the family's contact.
    "record_signed": (
        "HimSwasthya: a health record of {date} has been signed by the doctor. View or download it: "
        "{record_url} -HP Health"
    ),
    "record_signed_hi": (
        "हिमस्वास्थ्य: {date} का स्वास्थ्य रिकॉर्ड डॉक्टर ने हस्ताक्षरित कर दिया है। देखें या डाउनलोड करें: "
        "{record_url} -HP Health"
    ),
}

TEMPLATES: dict[str, SmsTemplate] = {key: SmsTemplate(key=key, text=text) for key, text in _TEXTS.items()}


@dataclass(frozen=True)
class SmsMessage:
    mobile: str
    template_key: str
    variables: dict[str, Any]


@dataclass(frozen=True)
class OutgoingSms:
    """What actually goes to the operator, exactly as DLT will check it."""

    sender: str
    entity_id: str
    template_id: str
    mobile: str
    text: str


def render(message: SmsMessage) -> OutgoingSms:
    """Fill the template and check it against DLT rules; raises SmsRefused."""
    template = TEMPLATES.get(message.template_key)
    if template is None:
        raise SmsRefused(f"unknown SMS template {message.template_key!r}")
    template_id = settings.SMS_DLT_TEMPLATE_IDS.get(template.key, "")
    if not template_id:
        raise SmsRefused(f"no DLT template id configured for {template.key!r}")
    if not settings.SMS_DLT_ENTITY_ID:
        raise SmsRefused("no DLT principal entity id configured (SMS_DLT_ENTITY_ID)")
    if not settings.SMS_SENDER_HEADER:
        raise SmsRefused("no DLT sender header configured (SMS_SENDER_HEADER)")
    if not re.fullmatch(r"[6-9]\d{9}", message.mobile or ""):
        raise SmsRefused("the mobile number is not a 10-digit Indian mobile number")
    try:
        text = template.text.format(**message.variables)
    except (KeyError, IndexError) as exc:
        raise SmsRefused(f"missing variable {exc} for template {template.key!r}") from exc
    if not re.fullmatch(template.pattern, text):
        raise SmsRefused(f"text does not match the registered DLT template {template.key!r}")
    return OutgoingSms(
        sender=settings.SMS_SENDER_HEADER,
        entity_id=settings.SMS_DLT_ENTITY_ID,
        template_id=template_id,
        mobile=message.mobile,
        text=text,
    )


class SmsBackend:
    def send(self, message: SmsMessage) -> OutgoingSms:
        outgoing = render(message)  # refuse before anything leaves the building
        self.deliver(outgoing)
        return outgoing

    def deliver(self, sms: OutgoingSms) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    def deliver(self, sms: OutgoingSms) -> None:
        sys.stdout.write(
            f"[SMS to {sms.mobile} via {sms.sender} template {sms.template_id} entity {sms.entity_id}] "
            f"{sms.text}\n"
        )
        sys.stdout.flush()


_file_lock = threading.Lock()


class FileBackend(SmsBackend):
    def deliver(self, sms: OutgoingSms) -> None:
        path = settings.SMS_FILE_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"sent_at": timezone.now().isoformat(), **asdict(sms)}, ensure_ascii=False)
        with _file_lock, open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


outbox: list[OutgoingSms] = []


class MemoryBackend(SmsBackend):
    def deliver(self, sms: OutgoingSms) -> None:
        outbox.append(sms)


class HttpBackend(SmsBackend):
    """A plain JSON-over-HTTPS gateway client; the gateway's API key goes in the X-API-Key header."""

    def deliver(self, sms: OutgoingSms) -> None:
        if not settings.SMS_HTTP_URL:
            raise SmsDeliveryError("SMS_HTTP_URL is not configured")
        try:
            response = requests.post(
                settings.SMS_HTTP_URL,
                json=asdict(sms),
                headers={"X-API-Key": settings.SMS_HTTP_API_KEY, "Accept": "application/json"},
                timeout=settings.SMS_HTTP_TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            raise SmsDeliveryError(f"SMS gateway unreachable: {type(exc).__name__}") from exc
        if not 200 <= response.status_code < 300:
            raise SmsDeliveryError(f"SMS gateway answered HTTP {response.status_code}")


BACKENDS: dict[str, type[SmsBackend]] = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "memory": MemoryBackend,
    "http": HttpBackend,
}


def get_backend() -> SmsBackend:
    try:
        return BACKENDS[settings.SMS_BACKEND]()
    except KeyError as exc:
        raise SmsError(
            f"unknown SMS_BACKEND {settings.SMS_BACKEND!r}; use one of {sorted(BACKENDS)}"
        ) from exc


def send_sms(mobile: str, template_key: str, **variables: Any) -> OutgoingSms:
    return get_backend().send(SmsMessage(mobile=mobile, template_key=template_key, variables=variables))
