import logging

from himswasthya.core.logging import RedactPersonalDataFilter, redact


def test_redact_hides_aadhaar_mobile_and_otp():
    text = redact("aadhaar 2345 6789 0123 mobile 9876543210 otp: 482913")
    assert "2345 6789 0123" not in text and "XXXX-XXXX-XXXX" in text
    assert "9876543210" not in text and "XXXXXX3210" in text
    assert "482913" not in text


def test_filter_rewrites_the_record_with_args_applied():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "sent OTP %s to %s", ("123456", "9876543210"), None
    )
    assert RedactPersonalDataFilter().filter(record)
    assert "123456" not in record.msg and "9876543210" not in record.msg
