"""Every audit action, in one list: `record(AuditAction.PERSON_READ, ...)`, never a free-text string.

An action is "<noun>.<verb>". The values are what the log stores and what the hash chain covers, so a value
never changes once entries carry it: rename the constant if you must, never the string. Add a new action
here before recording it, with its label in ACTION_LABELS (what the audit log page shows, in English and
Hindi); `audit/tests/test_actions.py` fails when an audit call in production code passes a string literal,
or a name that is not in this list, and when an action has no label.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


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
    HIP_CARE_CONTEXT_LINK = "hip.care_context_link"
    HIP_DISCOVER = "hip.discover"
    HIP_LINK_CONFIRM = "hip.link_confirm"
    HIP_CONSENT = "hip.consent"
    HIP_DATA_PUSH = "hip.data_push"
    HIP_DATA_REFUSED = "hip.data_refused"

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

    # --- records -------------------------------------------------------------------------------------------
    ENCOUNTER_OPEN = "encounter.open"
    ENCOUNTER_SAVE_DRAFT = "encounter.save_draft"
    ENCOUNTER_SIGN = "encounter.sign"
    ENCOUNTER_CORRECT = "encounter.correct"
    ENCOUNTER_READ = "encounter.read"
    ENCOUNTER_PDF = "encounter.pdf"
    ENCOUNTER_FHIR = "encounter.fhir"
    RECORDS_HISTORY_READ = "records_history.read"

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
    HIMCARE_DOCUMENT_READ = "himcare_document.read"
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


# What a reader of the log sees for each action, in the page's language (the code is shown beside it).
# Every action has one: audit/tests/test_actions.py fails on an action without a label.
ACTION_LABELS: dict[AuditAction, str | Promise] = {
    AuditAction.AUTH_LOGIN: _("Signed in"),
    AuditAction.AUTH_LOGIN_FAILED: _("Sign-in failed"),
    AuditAction.AUTH_LOGOUT: _("Signed out"),
    AuditAction.AUTH_OTP_SENT: _("OTP sent"),
    AuditAction.AUTH_OTP_REFUSED: _("OTP refused"),
    AuditAction.AUTH_PASSWORD_CHANGED: _("Password changed"),
    AuditAction.AUTH_MFA_ENROLLED: _("Second factor enrolled"),
    AuditAction.AUTH_MFA_VERIFIED: _("Second factor verified"),
    AuditAction.AUTH_MFA_FAILED: _("Second factor failed"),
    AuditAction.AUDIT_READ: _("Audit log read"),
    AuditAction.AUDIT_VERIFY: _("Audit log verified"),
    AuditAction.OPD_CONFIGURE: _("OPD set-up changed"),
    AuditAction.PERSON_READ: _("Person record read"),
    AuditAction.PERSON_SEARCH: _("Patient search"),
    AuditAction.PERSON_CREATE: _("Person registered"),
    AuditAction.PERSON_GUARDIAN_LINK: _("Guardian linked"),
    AuditAction.PERSON_UHID_ISSUE: _("UHID issued"),
    AuditAction.PERSON_MERGE: _("Records merged"),
    AuditAction.PERSON_MERGE_UNDO: _("Merge undone"),
    AuditAction.FAMILY_READ: _("Family record read"),
    AuditAction.FAMILY_SEARCH: _("Family search"),
    AuditAction.HIMPARIVAR_IMPORT: _("Him Parivar import"),
    AuditAction.HIMPARIVAR_SYNC: _("Him Parivar sync"),
    AuditAction.ABDM_VERIFY: _("ABHA verified with ABDM"),
    AuditAction.ABHA_LINK: _("ABHA linked"),
    AuditAction.ABHA_LINK_APPROVE: _("ABHA link approved"),
    AuditAction.ABHA_LINK_CONFLICT: _("ABHA link conflict"),
    AuditAction.ABHA_LINK_QUEUED: _("ABHA link sent for review"),
    AuditAction.ABHA_LINK_REFUSED: _("ABHA link refused"),
    AuditAction.ABHA_LINK_REJECT: _("ABHA link rejected"),
    AuditAction.ABHA_UNLINK: _("ABHA unlinked"),
    AuditAction.ABHA_LINK_CONSENT: _("Consent to link ABHA"),
    AuditAction.ABHA_LINK_OTP_REQUEST: _("ABHA OTP requested"),
    AuditAction.ABHA_LINK_VERIFY: _("ABHA OTP verified"),
    AuditAction.ABHA_LINK_REQUEST_LIST: _("ABHA link requests read"),
    AuditAction.HIP_CARE_CONTEXT_LINK: _("Health record visits sent to ABDM for linking"),
    AuditAction.HIP_DISCOVER: _("Health record visits found for an ABDM search"),
    AuditAction.HIP_LINK_CONFIRM: _("Health record visits linked by the patient"),
    AuditAction.HIP_CONSENT: _("ABDM consent received"),
    AuditAction.HIP_DATA_PUSH: _("Health record sent through ABDM"),
    AuditAction.HIP_DATA_REFUSED: _("ABDM health record request refused"),
    AuditAction.APPOINTMENT_BOOK: _("Appointment booked"),
    AuditAction.APPOINTMENT_RESCHEDULE: _("Appointment rescheduled"),
    AuditAction.APPOINTMENT_WALK_IN: _("Walk-in registered"),
    AuditAction.APPOINTMENT_CHECK_IN: _("Checked in"),
    AuditAction.APPOINTMENT_CANCEL: _("Appointment cancelled"),
    AuditAction.APPOINTMENT_READ: _("Appointment read"),
    AuditAction.ENCOUNTER_OPEN: _("Health record opened"),
    AuditAction.ENCOUNTER_SAVE_DRAFT: _("Health record draft saved"),
    AuditAction.ENCOUNTER_SIGN: _("Health record signed"),
    AuditAction.ENCOUNTER_CORRECT: _("Health record correction started"),
    AuditAction.ENCOUNTER_READ: _("Health record read"),
    AuditAction.ENCOUNTER_PDF: _("Health record PDF downloaded"),
    AuditAction.ENCOUNTER_FHIR: _("Health record downloaded as FHIR JSON"),
    AuditAction.RECORDS_HISTORY_READ: _("Health record history read"),
    AuditAction.APPOINTMENT_SLIP: _("OPD slip printed"),
    AuditAction.APPOINTMENT_CALL: _("Patient called"),
    AuditAction.APPOINTMENT_COMPLETE: _("Consultation completed"),
    AuditAction.APPOINTMENT_NO_SHOW: _("Marked not present"),
    AuditAction.APPOINTMENT_SEND_BACK: _("Sent back to the queue"),
    AuditAction.SCAN_SHARE_RECEIVE: _("Scan and share received"),
    AuditAction.SCAN_SHARE_TOKEN: _("Scan and share token issued"),
    AuditAction.SCAN_SHARE_REGISTER: _("Registered from scan and share"),
    AuditAction.SCAN_SHARE_LIST: _("Scan and share list read"),
    AuditAction.SCAN_SHARE_COUNTER_ADD: _("Scan and share added at the counter"),
    AuditAction.HIMCARE_ENROLMENT_CREATE: _("HIMCARE enrolment"),
    AuditAction.HIMCARE_ENROLMENT_RENEW: _("HIMCARE renewal"),
    AuditAction.HIMCARE_ENROLMENT_ACTIVATE: _("HIMCARE card activated"),
    AuditAction.HIMCARE_ENROLMENT_CANCEL: _("HIMCARE enrolment cancelled"),
    AuditAction.HIMCARE_ENROLMENT_EXPIRE: _("HIMCARE enrolments expired"),
    AuditAction.HIMCARE_ENROLMENT_LIST: _("HIMCARE enrolments read"),
    AuditAction.HIMCARE_ENROLMENT_CARD: _("HIMCARE card downloaded"),
    AuditAction.HIMCARE_ENROLMENT_READ: _("HIMCARE enrolment read"),
    AuditAction.HIMCARE_MEMBER_READ: _("HIMCARE member read"),
    AuditAction.HIMCARE_PAYMENT_COUNTER: _("Premium paid at the counter"),
    AuditAction.HIMCARE_PAYMENT_START: _("Online premium payment started"),
    AuditAction.HIMCARE_PAYMENT_CONFIRM: _("Online premium payment confirmed"),
    AuditAction.HIMCARE_PMJAY_IMPORT: _("PMJAY list imported"),
    AuditAction.HIMCARE_DOCUMENT_CREATE: _("HIMCARE document uploaded"),
    AuditAction.HIMCARE_DOCUMENT_READ: _("HIMCARE document opened"),
    AuditAction.HIMCARE_DEMO_ENROLMENT: _("HIMCARE demo enrolment"),
    AuditAction.HIMCARE_VERIFY: _("HIMCARE beneficiary verified"),
    AuditAction.HIMCARE_VERIFY_ALERT: _("HIMCARE verification alert"),
    AuditAction.HIMCARE_EMPANEL: _("Hospital empanelled"),
    AuditAction.HIMCARE_EMPANELMENT_SUSPEND: _("Empanelment suspended"),
    AuditAction.HIMCARE_EMPANELMENT_REINSTATE: _("Empanelment reinstated"),
    AuditAction.HIMCARE_EMPANELMENT_WITHDRAW: _("Empanelment withdrawn"),
    AuditAction.HIMCARE_HOSPITAL_REGISTER: _("Hospital registered for HIMCARE"),
    AuditAction.HIMCARE_PACKAGE_IMPORT: _("Packages imported"),
    AuditAction.HIMCARE_CASE_READ: _("HIMCARE case read"),
    AuditAction.HIMCARE_CASE_RAISE_PREAUTH: _("Pre-authorisation raised"),
    AuditAction.HIMCARE_CASE_DECIDE_PREAUTH: _("Pre-authorisation decided"),
    AuditAction.HIMCARE_CASE_ANSWER_QUERY: _("Pre-authorisation query answered"),
    AuditAction.HIMCARE_CASE_CANCEL: _("HIMCARE case cancelled"),
    AuditAction.HIMCARE_CASE_ADMIT: _("Patient admitted"),
    AuditAction.HIMCARE_CASE_DISCHARGE: _("Patient discharged"),
    AuditAction.HIMCARE_CASE_SUBMIT_CLAIM: _("Claim submitted"),
    AuditAction.HIMCARE_CASE_ADJUDICATE_CLAIM: _("Claim decided"),
    AuditAction.HIMCARE_CASE_ANSWER_CLAIM_QUERY: _("Claim query answered"),
    AuditAction.HIMCARE_CASE_RECORD_PAYMENT: _("Claim payment recorded"),
    AuditAction.HIMCARE_CASE_ESCALATE: _("Case escalated"),
    AuditAction.MISUSE_FLAG_RAISE: _("Misuse flag raised"),
    AuditAction.MISUSE_FLAG_REVIEW: _("Misuse flag reviewed"),
    AuditAction.HIMCARE_COVERAGE_EXPORT: _("Coverage exported"),
    AuditAction.HIMCARE_OUTREACH_READ: _("Outreach list read"),
}


def action_label(action: str) -> str | Promise:
    """The label of a stored action string; the string itself for one no longer in the list."""
    try:
        return ACTION_LABELS[AuditAction(action)]
    except (ValueError, KeyError):
        return action
