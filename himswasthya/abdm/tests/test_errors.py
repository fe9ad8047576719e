"""The normaliser: every documented 4xx/5xx body shape becomes one AbdmError (abdm-api.md section 6)."""

import pytest
from django.utils import translation

from himswasthya.abdm import errors
from himswasthya.abdm.errors import AbdmError, normalise_error
from himswasthya.core.errors import DomainError

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


def test_it_reads_the_flat_code_message_shape():
    error = normalise_error(400, {"code": "ABDM-1211", "message": "User not found."})
    assert (error.code, error.http_status, error.upstream_message) == ("ABDM-1211", 400, "User not found.")
    assert error.status == 404
    assert "No ABHA account" in str(error.message)


def test_it_reads_the_wrapped_error_shape():
    error = normalise_error(
        400, {"error": {"code": "ABDM-1056", "message": "Already linked"}, "response": {}}
    )
    assert (error.code, error.upstream_message) == ("ABDM-1056", "Already linked")
    assert "ABDM-1056" in str(error.message)  # an unknown code still reaches the user, with a generic text


def test_it_reads_v05_integer_codes():
    error = normalise_error(400, {"error": {"code": 1000, "message": "Invalid request"}})
    assert error.code == "1000"


def test_it_turns_a_field_map_into_a_field_error():
    error = normalise_error(400, {"loginId": "Invalid LoginId"})
    assert (error.code, error.field, error.upstream_message) == ("ABDM-1006", "loginId", "Invalid LoginId")


def test_it_treats_a_timestamp_field_map_as_a_timestamp_error():
    error = normalise_error(400, {"timestamp": "must be within 5 minutes"})
    assert (error.code, error.field) == ("ABDM-1016", "timestamp")


def test_it_recognises_the_gateway_auth_failure():
    error = normalise_error(401, {"code": "900901", "message": "Invalid Credentials"})
    assert error.code == errors.INVALID_TOKEN
    assert normalise_error(401, "").code == errors.INVALID_TOKEN  # bare 401


def test_it_copes_with_html_and_empty_bodies():
    assert normalise_error(502, "<html>Bad gateway</html>").code == errors.UNREACHABLE
    error = normalise_error(404, "<html>Not Found</html>")
    assert (error.code, error.status) == ("http_404", 400)


def test_it_is_a_domain_error_with_a_translated_message():
    error = normalise_error(400, {"code": "ABDM-1051", "message": "Invalid ABHA number"})
    assert isinstance(error, DomainError)
    with translation.override("hi"):
        assert str(error.message) != "This ABHA number is not valid."
        assert error.as_dict()["code"] == "ABDM-1051"


@pytest.mark.parametrize("code", sorted(errors.USER_MESSAGES))
def test_every_known_code_has_a_user_message(code):
    assert str(AbdmError(code).message)
