"""Every audit action, in one list: `record(AuditAction.PERSON_READ, ...)`, never a free-text string.

An action is "<noun>.<verb>". The values are what the log stores and what the hash chain covers, so a value
never changes once entries carry it: rename the constant if you must, never the string. Add a new action
here before recording it; `audit/tests/test_actions.py` fails when an audit call in production code passes
a string literal, or a name that is not in this list.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    # --- accounts: sign-in ---------------------------------------------------------------------------------
    AUTH_LOGIN = "auth.login"
    AUTH_LOGIN_FAILED = "auth.login_failed"
    AUTH_LOGOUT = "auth.logout"
    AUTH_OTP_SENT = "auth.otp_sent"
    AUTH_OTP_REFUSED = "auth.otp_refused"
    AUTH_PASSWORD_CHANGED = "auth.password_changed"
    AUTH_MFA_ENROLLED = "auth.mfa_enrolled"
    AUTH_MFA_VERIFIED = "auth.mfa_verified"
    AUTH_MFA_FAILED = "auth.mfa_failed"

    # --- audit: reading the log itself ---------------------------------------------------------------------
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"

    # --- facilities ----------------------------------------------------------------------------------------
    OPD_CONFIGURE = "opd.configure"

    # --- people --------------------------------------------------------------------------------------------
    PERSON_READ = "person.read"
    PERSON_SEARCH = "person.search"
    PERSON_CREATE = "person.create"
    PERSON_GUARDIAN_LINK = "person.guardian_link"
    PERSON_UHID_ISSUE = "person.uhid_issue"
    PERSON_MERGE = "person.merge"
    PERSON_MERGE_UNDO = "person.merge_undo"

    # --- himparivar ----------------------------------------------------------------------------------------
    FAMILY_READ = "family.read"
    FAMILY_SEARCH = "family.search"
    HIMPARIVAR_IMPORT = "himparivar.import"
    HIMPARIVAR_SYNC = "himparivar.sync"

    # --- abdm ----------------------------------------------------------------------------------------------
    ABDM_VERIFY = "abdm.verify"
    ABHA_LINK = "abha.link"
    ABHA_LINK_APPROVE = "abha.link_approve"
    ABHA_LINK_CONFLICT = "abha.link_conflict"
    ABHA_LINK_QUEUED = "abha.link_queued"
    ABHA_LINK_REFUSED = "abha.link_refused"
    ABHA_LINK_REJECT = "abha.link_reject"
    ABHA_UNLINK = "abha.unlink"
    ABHA_LINK_CONSENT = "abha_link.consent"
    ABHA_LINK_OTP_REQUEST = "abha_link.otp_request"
    ABHA_LINK_VERIFY = "abha_link.verify"
    ABHA_LINK_REQUEST_LIST = "abha_link_request.list"

    # --- registration --------------------------------------------------------------------------------------
    APPOINTMENT_BOOK = "appointment.book"
    APPOINTMENT_RESCHEDULE = "appointment.reschedule"
    APPOINTMENT_WALK_IN = "appointment.walk_in"
    APPOINTMENT_CHECK_IN = "appointment.check_in"
    APPOINTMENT_CANCEL = "appointment.cancel"
    APPOINTMENT_READ = "appointment.read"
    APPOINTMENT_SLIP = "appointment.slip"
    APPOINTMENT_CALL = "appointment.call"
    APPOINTMENT_COMPLETE = "appointment.complete"
    APPOINTMENT_NO_SHOW = "appointment.no_show"
    APPOINTMENT_SEND_BACK = "appointment.send_back"
    SCAN_SHARE_RECEIVE = "scan_share.receive"
    SCAN_SHARE_TOKEN = "scan_share.token"
    SCAN_SHARE_REGISTER = "scan_share.register"
    SCAN_SHARE_LIST = "scan_share.list"
    SCAN_SHARE_COUNTER_ADD = "scan_share.counter_add"

    # --- himcare: enrolment --------------------------------------------------------------------------------
    HIMCARE_ENROLMENT_CREATE = "himcare_enrolment.create"
    HIMCARE_ENROLMENT_RENEW = "himcare_enrolment.renew"
    HIMCARE_ENROLMENT_ACTIVATE = "himcare_enrolment.activate"
    HIMCARE_ENROLMENT_CANCEL = "himcare_enrolment.cancel"
    HIMCARE_ENROLMENT_EXPIRE = "himcare_enrolment.expire"
    HIMCARE_ENROLMENT_LIST = "himcare_enrolment.list"
    HIMCARE_ENROLMENT_CARD = "himcare_enrolment.card"
    HIMCARE_ENROLMENT_READ = "enrolment.read"  # was derived from the object type "himcare.Enrolment"
    HIMCARE_MEMBER_READ = "himcare_member.read"
    HIMCARE_PAYMENT_COUNTER = "himcare_payment.counter"
    HIMCARE_PAYMENT_START = "himcare_payment.start"
    HIMCARE_PAYMENT_CONFIRM = "himcare_payment.confirm"
    HIMCARE_PMJAY_IMPORT = "himcare_pmjay.import"
    HIMCARE_DOCUMENT_CREATE = "himcare_document.create"
    HIMCARE_DEMO_ENROLMENT = "himcare_demo.enrolment"
    HIMCARE_VERIFY = "himcare.verify"
    HIMCARE_VERIFY_ALERT = "himcare_verify.alert"

    # --- himcare: hospitals --------------------------------------------------------------------------------
    HIMCARE_EMPANEL = "himcare.empanel"
    HIMCARE_EMPANELMENT_SUSPEND = "himcare.empanelment_suspend"
    HIMCARE_EMPANELMENT_REINSTATE = "himcare.empanelment_reinstate"
    HIMCARE_EMPANELMENT_WITHDRAW = "himcare.empanelment_withdraw"
    HIMCARE_HOSPITAL_REGISTER = "himcare.hospital_register"
    HIMCARE_PACKAGE_IMPORT = "himcare.package_import"

    # --- himcare: cases and claims -------------------------------------------------------------------------
    HIMCARE_CASE_READ = "case.read"  # was derived from the object type "himcare.Case"
    HIMCARE_CASE_RAISE_PREAUTH = "himcare_case.raise_preauth"
    HIMCARE_CASE_DECIDE_PREAUTH = "himcare_case.decide_preauth"
    HIMCARE_CASE_ANSWER_QUERY = "himcare_case.answer_query"
    HIMCARE_CASE_CANCEL = "himcare_case.cancel"
    HIMCARE_CASE_ADMIT = "himcare_case.admit"
    HIMCARE_CASE_DISCHARGE = "himcare_case.discharge"
    HIMCARE_CASE_SUBMIT_CLAIM = "himcare_case.submit_claim"
    HIMCARE_CASE_ADJUDICATE_CLAIM = "himcare_case.adjudicate_claim"
    HIMCARE_CASE_ANSWER_CLAIM_QUERY = "himcare_case.answer_claim_query"
    HIMCARE_CASE_RECORD_PAYMENT = "himcare_case.record_payment"
    HIMCARE_CASE_ESCALATE = "himcare_case.escalate"
    MISUSE_FLAG_RAISE = "misuse_flag.raise"
    MISUSE_FLAG_REVIEW = "misuse_flag.review"

    # --- himcare: coverage ---------------------------------------------------------------------------------
    HIMCARE_COVERAGE_EXPORT = "himcare_coverage.export"
    HIMCARE_OUTREACH_READ = "himcare_outreach.read"


#: Every stored action string.
ACTIONS: frozenset[str] = frozenset(action.value for action in AuditAction)
