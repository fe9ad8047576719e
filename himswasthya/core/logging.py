"""Log filter: no OTPs, Aadhaar numbers or mobile numbers in logs (SEC-29)."""

import logging
import re

_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?91[ -]?)?[6-9]\d{9}(?!\d)")
_OTP = re.compile(r"(?i)(otp\D{0,12})\d{4,8}")


def redact(text: str) -> str:
    text = _OTP.sub(r"\1******", text)
    text = _TWELVE_DIGITS.sub("XXXX-XXXX-XXXX", text)
    return _MOBILE.sub(lambda m: "XXXXXX" + m.group(0)[-4:], text)


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True
