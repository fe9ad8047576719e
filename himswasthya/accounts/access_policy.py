"""SEC-26: the declared access policy - who may reach which page and which API operation.

One table, as data: every named URL (``namespace:name``) and every API operation (``METHOD /api/path`` as
django-ninja declares it) maps each role, and the anonymous visitor, to one of

- ``ALLOW``  - the permission layer lets the caller through (the page or the answer, or a validation error);
- ``DENY``   - refused: 401/403/404, or a redirect to the sign-in (or second-factor) page;
- ``SCOPED`` - let through only for rows of the caller's own facility, district or family: the same request
  about another facility's, district's or family's row is refused (404/403). For a URL without an object in
  its path, ``SCOPED`` lets the caller through, and the list must not show the other side's rows. For the
  HIMCARE officer, who may be narrowed to one district, ``SCOPED`` means: everywhere when not narrowed, only
  the own district when narrowed.

Roles missing from a rule are denied. `himswasthya/tests/test_access_policy.py` walks Django's URL resolver
and the API's operations, fails on anything this table does not declare, and requests each one as every role
(own and other facility/district/family). The enforcement itself stays in the views and services
(`accounts.scoping`); this table is what they are checked against. Keep it in step when adding a URL.

This module imports nothing above `accounts`: it is names and strings only.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Access(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    SCOPED = "scoped"


ALLOW, DENY, SCOPED = Access.ALLOW, Access.DENY, Access.SCOPED

ANONYMOUS = "anonymous"
CITIZEN = "citizen"
CLERK = "clerk"
DOCTOR = "doctor"
FACILITY_ADMIN = "facility_admin"
SCHEME_DESK = "scheme_desk"
HIMCARE_OFFICER = "himcare_officer"
GRIEVANCE_OFFICER = "grievance_officer"
DISTRICT_OFFICER = "district_officer"
STATE_ADMIN = "state_admin"

# Everyone the policy speaks about (the role values of accounts.models.Role, plus the anonymous visitor).
ROLES: tuple[str, ...] = (
    ANONYMOUS,
    CITIZEN,
    CLERK,
    DOCTOR,
    FACILITY_ADMIN,
    SCHEME_DESK,
    HIMCARE_OFFICER,
    GRIEVANCE_OFFICER,
    DISTRICT_OFFICER,
    STATE_ADMIN,
)
FACILITY_STAFF = (CLERK, DOCTOR, FACILITY_ADMIN, SCHEME_DESK)
STATE_STAFF = (HIMCARE_OFFICER, GRIEVANCE_OFFICER, STATE_ADMIN)
STAFF = (*FACILITY_STAFF, DISTRICT_OFFICER, *STATE_STAFF)
SIGNED_IN = (CITIZEN, *STAFF)

Rule = Mapping[str, Access]


def rule(*, default: Access = DENY, **roles: Access) -> Rule:
    """Per-role access; roles not named get `default`. Unknown role names are an error."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles in the access policy: {sorted(unknown)}")
    return MappingProxyType({role: roles.get(role, default) for role in ROLES})


def only(access: Access, *who: str) -> Rule:
    """`access` for the roles listed, DENY for everyone else."""
    return rule(**dict.fromkeys(who, access))


PUBLIC = rule(default=ALLOW)
NOBODY = rule()
ANY_SIGNED_IN = only(ALLOW, *SIGNED_IN)
STAFF_ONLY = only(ALLOW, *STAFF)
# HIMCARE scheme administration. A HIMCARE officer may be narrowed to one district (scoping.py): hence SCOPED.
OFFICERS = rule(himcare_officer=SCOPED, state_admin=ALLOW)
# Monitoring: the state administrator and HIMCARE officer state-wide, the district officer for the district.
MONITORING = rule(himcare_officer=SCOPED, state_admin=ALLOW, district_officer=SCOPED)
OPD_SETUP = rule(facility_admin=SCOPED, state_admin=ALLOW)  # a facility's OPD configuration
SUPERVISORS = rule(facility_admin=SCOPED, state_admin=ALLOW)  # merges, ABHA link reviews
# The patient index: facility staff see the people of their facility's district, the district officer
# those of the district, the state administrator everyone.
PERSON_READ = rule(**dict.fromkeys((*FACILITY_STAFF, DISTRICT_OFFICER), SCOPED), state_admin=ALLOW)
# A family's HIMCARE enrolment: the family's citizen, hospital staff of the family's district, the officers.
ENROLMENT = rule(
    **dict.fromkeys((CITIZEN, *FACILITY_STAFF), SCOPED), himcare_officer=SCOPED, state_admin=ALLOW
)
ENROLMENT_LIST = rule(district_officer=SCOPED, himcare_officer=SCOPED, state_admin=ALLOW)
# A HIMCARE case: the patient's family, the treating hospital (desk, admin, doctor), the district, officers.
CASE_READ = rule(
    **dict.fromkeys((CITIZEN, DOCTOR, FACILITY_ADMIN, SCHEME_DESK, DISTRICT_OFFICER), SCOPED),
    himcare_officer=SCOPED,
    state_admin=ALLOW,
)
HOSPITAL_DESK = rule(facility_admin=SCOPED, scheme_desk=SCOPED)  # the treating hospital's HIMCARE desk
CASE_CANCEL = rule(facility_admin=SCOPED, scheme_desk=SCOPED, himcare_officer=SCOPED, state_admin=ALLOW)
# Families of the Him Parivar register: staff of the family's district, the HIMCARE officer, the state.
FAMILY_READ = rule(
    **dict.fromkeys((*FACILITY_STAFF, DISTRICT_OFFICER), SCOPED), himcare_officer=SCOPED, state_admin=ALLOW
)
# An appointment: the patient's family and the staff of the facility (pages); the API adds the district
# officer and the state administrator.
APPOINTMENT_PAGE = rule(**dict.fromkeys((CITIZEN, CLERK, DOCTOR, FACILITY_ADMIN), SCOPED))
SLIP = rule(**dict.fromkeys((CITIZEN, *FACILITY_STAFF), SCOPED))
DOCTOR_QUEUE = rule(doctor=SCOPED, facility_admin=SCOPED)
COUNTER = rule(clerk=SCOPED, facility_admin=SCOPED)  # the registration counter and scan-and-share list
ABHA_VERIFY = only(ALLOW, CLERK, DOCTOR, FACILITY_ADMIN, STATE_ADMIN)
# Health records: written by the doctors and administrator of the encounter's facility; read by them and the
# patient's family (signed records only). The HIMCARE hospital desk (scheme desk) writes and reads admission
# records only, and the HIMCARE officer and state administrator read only the signed admission records of
# HIMCARE cases (records.services.WRITERS, visible_encounters): the rows these rules are checked with are OPD
# visits, so they are DENY for them here, and their admission-record access is declared on the HIMCARE case
# (CASE_RECORD_*). A person's history shows each reader what they may read (the desk: admissions).
# The code-list searches are for those who write records.
RECORD_WRITE = rule(doctor=SCOPED, facility_admin=SCOPED)
RECORD_READ = rule(citizen=SCOPED, doctor=SCOPED, facility_admin=SCOPED)
RECORD_HISTORY = rule(
    citizen=SCOPED, doctor=SCOPED, facility_admin=SCOPED, scheme_desk=SCOPED, state_admin=ALLOW
)
RECORD_CODING = only(ALLOW, DOCTOR, FACILITY_ADMIN, SCHEME_DESK)
# A HIMCARE case's admission record (treatment data, issue #13 item 3): written by the treating hospital's
# desk; read by those who read the case and whom records lets read it (claims officers: signed versions).
CASE_RECORD_WRITE = HOSPITAL_DESK
CASE_RECORD_READ = rule(
    **dict.fromkeys((CITIZEN, DOCTOR, FACILITY_ADMIN, SCHEME_DESK), SCOPED),
    himcare_officer=SCOPED,
    state_admin=ALLOW,
)
# The patient history page (records:patient_history): the doctors and administrator of a facility, for the
# people of its district (the records shown are their facility's).
RECORD_HISTORY_PAGE = rule(doctor=SCOPED, facility_admin=SCOPED)
ABHA_LINK = rule(**dict.fromkeys((CITIZEN, CLERK, DOCTOR, FACILITY_ADMIN), SCOPED), state_admin=ALLOW)

# Django's admin, declared as one family: users with is_staff and a verified second factor - of the roles, the
# state administrator. Every URL name under the "admin" namespace falls under it unless PAGES names it.
ADMIN_FAMILY = "admin:*"


# --- pages (Django URL names) ---------------------------------------------------------------------------
PAGES: Mapping[str, Rule] = {
    "healthz": PUBLIC,  # the load balancer's check: no personal data
    "favicon": PUBLIC,  # the site icon (a redirect to the static file)
    "fhir:unknown": NOBODY,  # any other path under /fhir/: a 404 OperationOutcome
    # accounts
    "accounts:landing": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:mobile_login": PUBLIC,
    # Only with an OTP challenge pending in this session; without one everyone is sent to the mobile sign-in.
    "accounts:otp": NOBODY,
    "accounts:logout": PUBLIC,
    "accounts:home": ANY_SIGNED_IN,
    # Staff change their password; a citizen (no password) is sent home.
    "accounts:password_change": ANY_SIGNED_IN,
    # The second-factor pages: a session already verified (or not needing one) is sent home.
    "accounts:mfa": ANY_SIGNED_IN,
    "accounts:mfa_enrol": ANY_SIGNED_IN,
    "set_language": PUBLIC,
    # Django's admin: staff with a verified second factor only (see ADMIN_FAMILY).
    ADMIN_FAMILY: only(ALLOW, STATE_ADMIN),
    # The admin's own sign-in sends everyone to the site's sign-in (lockout, audit, second factor).
    "admin:login": NOBODY,
    "admin:logout": PUBLIC,
    "admin:himparivar_importrun_add": NOBODY,  # import runs are made by the importer, never by hand
    # the API's own pages (the operations are in API below)
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": NOBODY,  # django-ninja's placeholder: 404
    # The ABDM bridge: the gateway's signed JWT, never a session.
    "abdm_bridge_patient_share": NOBODY,
    # The ABDM bridge, HIP role (abdm/bridge.py): the gateway's signed JWT, never a session.
    "abdm_bridge_on_generate_token": NOBODY,
    "abdm_bridge_on_carecontext": NOBODY,
    "abdm_bridge_discover": NOBODY,
    "abdm_bridge_link_init": NOBODY,
    "abdm_bridge_link_confirm": NOBODY,
    "abdm_bridge_consent_notify": NOBODY,
    "abdm_bridge_hi_request": NOBODY,
    # places and facilities: public reference data
    "places:state": PUBLIC,
    "places:district": PUBLIC,
    "places:no_block": PUBLIC,
    "places:block": PUBLIC,
    "facilities:directory": PUBLIC,
    "facilities:detail": PUBLIC,
    "facilities:opd_timetable": PUBLIC,
    # a facility's OPD set-up (registration's pages, under /facilities/<code>/opd/)
    "opd_setup:opd": OPD_SETUP,
    "opd_setup:opd_session_add": OPD_SETUP,
    "opd_setup:opd_session_edit": OPD_SETUP,
    "opd_setup:opd_session_deactivate": OPD_SETUP,
    "opd_setup:opd_copy_weekday": OPD_SETUP,
    "opd_setup:opd_policy": OPD_SETUP,
    "opd_setup:opd_closure_add": OPD_SETUP,
    "opd_setup:opd_closure_delete": OPD_SETUP,
    # audit
    "audit:entries": rule(district_officer=SCOPED, state_admin=ALLOW),
    # people
    "people:search": STAFF_ONLY,  # the results are narrowed by scope (state HIMCARE/grievance officers: none)
    "people:register": rule(**dict.fromkeys((*FACILITY_STAFF, DISTRICT_OFFICER, STATE_ADMIN), ALLOW)),
    "people:person": PERSON_READ,
    "people:issue_uhid": PERSON_READ,
    "people:merge": SUPERVISORS,
    "people:undo_merge": SUPERVISORS,
    # Him Parivar register
    "himparivar:search": FAMILY_READ,
    "himparivar:family": FAMILY_READ,
    "himparivar:mine": only(ALLOW, CITIZEN),
    "himparivar:import": rule(district_officer=ALLOW, state_admin=ALLOW),
    "himparivar:import_errors": rule(district_officer=SCOPED, state_admin=ALLOW),  # own runs only
    "himparivar:sync": only(ALLOW, STATE_ADMIN),
    # ABDM
    "abdm:verify": ABHA_VERIFY,
    "abdm:link_person": ABHA_LINK,
    "abdm:link_reviews": SUPERVISORS,
    "abdm:link_review_decide": SUPERVISORS,
    # OPD registration
    "registration:book": only(ALLOW, CITIZEN),
    "registration:book_confirm": only(SCOPED, CITIZEN),  # for a member of the own family
    "registration:my_appointments": only(ALLOW, CITIZEN),
    "registration:appointment": APPOINTMENT_PAGE,
    "registration:cancel": only(SCOPED, CITIZEN),
    "registration:reschedule": only(SCOPED, CITIZEN),
    "registration:slip": SLIP,
    "registration:slip_pdf": SLIP,
    "registration:counter": COUNTER,
    "registration:counter_check_in": COUNTER,
    "registration:counter_walk_in": COUNTER,
    "registration:counter_register": COUNTER,
    "registration:queue_display": PUBLIC,  # the waiting-hall screen: token numbers only
    "registration:queue_display_board": PUBLIC,
    "registration:doctor_queue": DOCTOR_QUEUE,
    "registration:doctor_call_next": DOCTOR_QUEUE,
    "registration:doctor_action": DOCTOR_QUEUE,
    "registration:doctor_open_consultation": RECORD_WRITE,  # records.open_encounter at the own facility
    "registration:scan_share_list": COUNTER,
    "registration:scan_share_rows": COUNTER,
    "registration:scan_share_register": COUNTER,
    "registration:scan_share_counters": rule(clerk=SCOPED, facility_admin=SCOPED, state_admin=ALLOW),
    # health records: the doctor's consultation workbench (records.services decide, NotFound elsewhere)
    "records:workbench": RECORD_WRITE,
    "records:correct": RECORD_WRITE,
    "records:icd10_search": RECORD_CODING,
    "records:medicine_search": RECORD_CODING,
    "records:favourite": RECORD_CODING,  # the doctor's own favourite codes
    # health records: the citizen's own and family's, one record and its PDF, a patient's history
    "records:my_records": only(SCOPED, CITIZEN),  # the own family's records only
    "records:record_detail": RECORD_READ,
    "records:record_pdf": RECORD_READ,
    "records:record_fhir": RECORD_READ,
    "records:patient_history": RECORD_HISTORY_PAGE,
    # HIMCARE: enrolment
    "himcare:enrol": only(ALLOW, *FACILITY_STAFF, HIMCARE_OFFICER, STATE_ADMIN),
    "himcare:enrolments": ENROLMENT_LIST,
    "himcare:enrolment": ENROLMENT,
    "himcare:card": ENROLMENT,
    "himcare:counter_payment": rule(
        **dict.fromkeys(FACILITY_STAFF, SCOPED), himcare_officer=SCOPED, state_admin=ALLOW
    ),
    "himcare:pay_online": ENROLMENT,
    "himcare:renew": ENROLMENT,
    "himcare:cancel": OFFICERS,
    "himcare:payment_callback": PUBLIC,  # the gateway's signed redirect
    "himcare:my_card": only(ALLOW, CITIZEN),
    # HIMCARE: hospitals
    "himcare:verify": only(ALLOW, CLERK, FACILITY_ADMIN, SCHEME_DESK, HIMCARE_OFFICER, STATE_ADMIN),
    "himcare:packages": STAFF_ONLY,
    "himcare:empanelments": OFFICERS,
    "himcare:empanel": OFFICERS,
    "himcare:empanelment_action": OFFICERS,
    "himcare:register_hospital": OFFICERS,
    "himcare:empanelled_hospitals": PUBLIC,
    # HIMCARE: monitoring
    "himcare:monitoring_flags": MONITORING,
    "himcare:monitoring_flag": MONITORING,
    "himcare:monitoring_coverage": MONITORING,
    "himcare:monitoring_coverage_csv": MONITORING,
    "himcare:monitoring_coverage_refresh": OFFICERS,
    "himcare:monitoring_outreach": MONITORING,
    # HIMCARE: cases
    "himcare:cases": rule(
        **dict.fromkeys((DOCTOR, FACILITY_ADMIN, SCHEME_DESK, DISTRICT_OFFICER), SCOPED),
        himcare_officer=SCOPED,
        state_admin=ALLOW,
    ),
    # Any hospital desk may raise a case for any verified beneficiary (the scheme's portability). Known gap:
    # the page takes any enrolled member's id, verified or not (test_access_policy.py, the xfail test).
    "himcare:case_new": only(ALLOW, FACILITY_ADMIN, SCHEME_DESK),
    "himcare:case_icd10": only(ALLOW, DOCTOR, FACILITY_ADMIN, SCHEME_DESK, HIMCARE_OFFICER, STATE_ADMIN),
    "himcare:preauth_queue": OFFICERS,
    "himcare:claim_queue": OFFICERS,
    "himcare:my_claims": only(ALLOW, CITIZEN),
    "himcare:case_detail": CASE_READ,
    "himcare:case_document": CASE_READ,
    "himcare:case_action": CASE_CANCEL,  # requested with action "cancel"
    "himcare:case_record": CASE_RECORD_WRITE,  # the desk's admission record page (read-only after the claim)
    # Local stand-ins for outside services (DEBUG, demo and tests only): open like the services they mimic,
    # which check their own credentials (client secret, key id).
    "abdm_sim:sessions": PUBLIC,
    "abdm_sim:certs": PUBLIC,
    "abdm_sim:on_share": PUBLIC,
    "abdm_sim:certificate": PUBLIC,
    "abdm_sim:search": PUBLIC,
    "abdm_sim:request_otp": PUBLIC,
    "abdm_sim:verify": PUBLIC,
    "abdm_sim:profile": PUBLIC,
    "abdm_sim:generate_token": PUBLIC,
    "abdm_sim:link_care_context": PUBLIC,
    "abdm_sim:on_discover": PUBLIC,
    "abdm_sim:on_init": PUBLIC,
    "abdm_sim:on_confirm": PUBLIC,
    "abdm_sim:consent_on_notify": PUBLIC,
    "abdm_sim:hi_on_request": PUBLIC,
    "abdm_sim:hi_notify": PUBLIC,
    "abdm_sim:hiu_data_push": PUBLIC,
    "himparivar_sim:changes": PUBLIC,
    "himcare_paysim_orders": NOBODY,  # the gateway's key id and secret, never a session: 401
    "himcare_paysim_pay": NOBODY,  # requested with an order id that does not exist: 404 for everyone
}

# Local stand-ins for outside services, mounted only when their setting is on (DEBUG, demo, tests).
SIMULATOR_PREFIXES = ("abdm_sim:", "himparivar_sim:", "himcare_paysim_")


# --- API operations ("METHOD /api/path") ----------------------------------------------------------------
API: Mapping[str, Rule] = {
    # accounts
    "POST /api/accounts/otp/request": PUBLIC,
    "POST /api/accounts/otp/verify": PUBLIC,
    "GET /api/accounts/me": ANY_SIGNED_IN,
    "POST /api/accounts/logout": ANY_SIGNED_IN,
    # places and facilities: public reference data; OPD configuration by the facility admin
    "GET /api/places/districts": PUBLIC,
    "GET /api/places/districts/{lgd_code}/blocks": PUBLIC,
    "GET /api/places/districts/{lgd_code}/gram-panchayats": PUBLIC,
    "GET /api/places/blocks/{lgd_code}/gram-panchayats": PUBLIC,
    "GET /api/places/districts/{lgd_code}/tehsils": PUBLIC,
    "GET /api/places/tehsils": PUBLIC,
    "GET /api/places/urban-local-bodies": PUBLIC,
    "GET /api/places/search": PUBLIC,
    "GET /api/facilities/": PUBLIC,
    "GET /api/facilities/departments": PUBLIC,
    "GET /api/facilities/{code}": PUBLIC,
    "GET /api/facilities/{code}/opd/": PUBLIC,
    "PUT /api/facilities/{code}/opd/policy": OPD_SETUP,
    "POST /api/facilities/{code}/opd/sessions": OPD_SETUP,
    "PATCH /api/facilities/{code}/opd/sessions/{session_id}": OPD_SETUP,
    "POST /api/facilities/{code}/opd/closures": OPD_SETUP,
    "DELETE /api/facilities/{code}/opd/closures/{closure_id}": OPD_SETUP,
    # audit
    "GET /api/audit/entries": rule(district_officer=SCOPED, state_admin=ALLOW),
    "GET /api/audit/verify": only(ALLOW, STATE_ADMIN),
    # people
    "GET /api/people/stats": ANY_SIGNED_IN,  # counts only, narrowed by scope
    "GET /api/people/search": STAFF_ONLY,
    "GET /api/people/{int:person_id}": PERSON_READ,
    "POST /api/people/": rule(**dict.fromkeys((*FACILITY_STAFF, DISTRICT_OFFICER, STATE_ADMIN), ALLOW)),
    "POST /api/people/{int:person_id}/uhid": PERSON_READ,
    "POST /api/people/merge": SUPERVISORS,
    "POST /api/people/merge/{int:merge_id}/undo": SUPERVISORS,
    # Him Parivar register
    "GET /api/himparivar/families/{family_id}": FAMILY_READ,
    "POST /api/himparivar/imports": rule(district_officer=ALLOW, state_admin=ALLOW),
    "POST /api/himparivar/sync": only(ALLOW, STATE_ADMIN),
    # ABDM: ABHA verification (the registration staff, as the page) and linking an ABHA to a person
    "POST /api/abdm/verify/search": ABHA_VERIFY,
    "POST /api/abdm/verify/otp/request": ABHA_VERIFY,
    "POST /api/abdm/verify/otp/confirm": ABHA_VERIFY,
    "GET /api/abdm/link/consent-text": only(ALLOW, CITIZEN, CLERK, DOCTOR, FACILITY_ADMIN, STATE_ADMIN),
    "GET /api/abdm/link/mine": only(ALLOW, CITIZEN),
    "GET /api/abdm/link/person/{person_id}": ABHA_LINK,
    "POST /api/abdm/link/person/{person_id}/otp/request": ABHA_LINK,
    "POST /api/abdm/link/person/{person_id}/otp/resend": ABHA_LINK,
    "POST /api/abdm/link/person/{person_id}/otp/confirm": ABHA_LINK,
    "POST /api/abdm/link/person/{person_id}/score": ABHA_LINK,
    "POST /api/abdm/link/person/{person_id}/confirm": ABHA_LINK,
    "POST /api/abdm/link/person/{person_id}/unlink": SUPERVISORS,
    "GET /api/abdm/link/reviews": SUPERVISORS,
    "POST /api/abdm/link/reviews/{request_id}/approve": SUPERVISORS,
    "POST /api/abdm/link/reviews/{request_id}/reject": SUPERVISORS,
    # health records
    "POST /api/records/encounters": RECORD_WRITE,
    "GET /api/records/encounters/{encounter_id}": RECORD_READ,
    "PUT /api/records/encounters/{encounter_id}/draft": RECORD_WRITE,
    "POST /api/records/encounters/{encounter_id}/sign": RECORD_WRITE,
    "POST /api/records/encounters/{encounter_id}/correct": RECORD_WRITE,
    "GET /api/records/people/{person_id}/history": RECORD_HISTORY,
    "GET /api/records/icd10": RECORD_CODING,
    "GET /api/records/medicines": RECORD_CODING,
    # FHIR R4 (records/fhir/api.py): the same readers as the records API; searches name their patient.
    "GET /fhir/metadata": PUBLIC,  # the CapabilityStatement
    "GET /fhir/Patient/{person_id}": RECORD_READ,
    "GET /fhir/Patient": RECORD_READ,  # search by identifier: only the people of the caller's scope match
    "GET /fhir/Encounter": RECORD_READ,
    "GET /fhir/Condition": RECORD_READ,
    "GET /fhir/MedicationRequest": RECORD_READ,
    "GET /fhir/Bundle/{encounter_id}": RECORD_READ,
    # OPD registration
    "GET /api/registration/queue/board/{facility_code}/{department_code}/": PUBLIC,
    "GET /api/registration/queue/today/": DOCTOR_QUEUE,
    "GET /api/registration/queue/session-days/{session_day_id}/": DOCTOR_QUEUE,
    "POST /api/registration/queue/session-days/{session_day_id}/call-next/": DOCTOR_QUEUE,
    "POST /api/registration/queue/appointments/{number}/complete/": DOCTOR_QUEUE,
    "POST /api/registration/queue/appointments/{number}/no-show/": DOCTOR_QUEUE,
    "POST /api/registration/queue/appointments/{number}/send-back/": DOCTOR_QUEUE,
    "GET /api/registration/availability/": PUBLIC,
    # Booking: a citizen for the own family, staff at their facility for people of its district.
    "POST /api/registration/appointments/": rule(
        **dict.fromkeys((CITIZEN, *FACILITY_STAFF), SCOPED), state_admin=ALLOW
    ),
    "GET /api/registration/appointments/mine/": only(ALLOW, CITIZEN),
    "GET /api/registration/appointments/{number}/": rule(
        **dict.fromkeys((CITIZEN, *FACILITY_STAFF, DISTRICT_OFFICER), SCOPED), state_admin=ALLOW
    ),
    "POST /api/registration/appointments/{number}/cancel/": rule(
        **dict.fromkeys((CITIZEN, *FACILITY_STAFF), SCOPED), state_admin=ALLOW
    ),
    "POST /api/registration/appointments/{number}/reschedule/": rule(
        **dict.fromkeys((CITIZEN, *FACILITY_STAFF), SCOPED), state_admin=ALLOW
    ),
    "POST /api/registration/walk-ins/": rule(**dict.fromkeys(FACILITY_STAFF, SCOPED), state_admin=ALLOW),
    "POST /api/registration/check-in/": rule(**dict.fromkeys(FACILITY_STAFF, SCOPED), state_admin=ALLOW),
    "GET /api/registration/scan-share/tokens/": COUNTER,
    "POST /api/registration/scan-share/tokens/{token_id}/register/": COUNTER,
    # HIMCARE: enrolment
    "GET /api/himcare/enrolment/families/{family_id}/eligibility": ENROLMENT,
    "POST /api/himcare/enrolments": ENROLMENT,  # the family's citizen, staff of its district, officers
    "GET /api/himcare/enrolments": ENROLMENT_LIST,
    "GET /api/himcare/enrolments/{enrolment_id}": ENROLMENT,
    "GET /api/himcare/my/enrolments": only(ALLOW, CITIZEN),
    "POST /api/himcare/enrolments/{enrolment_id}/counter-payment": rule(
        **dict.fromkeys(FACILITY_STAFF, SCOPED), himcare_officer=SCOPED, state_admin=ALLOW
    ),
    "POST /api/himcare/enrolments/{enrolment_id}/online-payment": ENROLMENT,
    "POST /api/himcare/payments/confirm": PUBLIC,  # the gateway's HMAC signature is the credential
    "POST /api/himcare/enrolments/{enrolment_id}/renew": ENROLMENT,
    "POST /api/himcare/enrolments/{enrolment_id}/cancel": OFFICERS,
    "GET /api/himcare/enrolments/{enrolment_id}/card.pdf": ENROLMENT,
    # HIMCARE: hospitals
    "POST /api/himcare/verify": only(ALLOW, CLERK, FACILITY_ADMIN, SCHEME_DESK, HIMCARE_OFFICER, STATE_ADMIN),
    "GET /api/himcare/specialties": PUBLIC,
    "GET /api/himcare/packages": PUBLIC,
    "POST /api/himcare/packages/import": OFFICERS,
    "GET /api/himcare/empanelled-hospitals": PUBLIC,
    "GET /api/himcare/empanelments": OFFICERS,
    "POST /api/himcare/empanelments": OFFICERS,
    "POST /api/himcare/empanelments/{empanelment_id}/{action}": OFFICERS,
    "POST /api/himcare/hospitals": OFFICERS,
    # HIMCARE: monitoring
    "GET /api/himcare/monitoring/flags": MONITORING,
    "POST /api/himcare/monitoring/flags/{flag_id}/review": OFFICERS,
    "GET /api/himcare/monitoring/coverage": MONITORING,
    "GET /api/himcare/monitoring/coverage.csv": MONITORING,
    "GET /api/himcare/monitoring/outreach/{gp_id}": MONITORING,
    # HIMCARE: cases and claims
    "GET /api/himcare/cases": rule(
        **dict.fromkeys((CITIZEN, DOCTOR, FACILITY_ADMIN, SCHEME_DESK, DISTRICT_OFFICER), SCOPED),
        himcare_officer=SCOPED,
        state_admin=ALLOW,
    ),
    "GET /api/himcare/cases/{case_id}": CASE_READ,
    "GET /api/himcare/preauth-queue": OFFICERS,
    "GET /api/himcare/claim-queue": OFFICERS,
    "GET /api/himcare/claims/mine": only(ALLOW, CITIZEN),
    "GET /api/himcare/icd10": only(ALLOW, DOCTOR, FACILITY_ADMIN, SCHEME_DESK, HIMCARE_OFFICER, STATE_ADMIN),
    "POST /api/himcare/preauths": only(ALLOW, FACILITY_ADMIN, SCHEME_DESK),
    "POST /api/himcare/cases/{case_id}/answer-query": HOSPITAL_DESK,
    "POST /api/himcare/cases/{case_id}/cancel": CASE_CANCEL,
    "POST /api/himcare/cases/{case_id}/admit": HOSPITAL_DESK,
    "POST /api/himcare/cases/{case_id}/discharge": HOSPITAL_DESK,
    "POST /api/himcare/cases/{case_id}/claim": HOSPITAL_DESK,
    "POST /api/himcare/cases/{case_id}/documents": HOSPITAL_DESK,
    "POST /api/himcare/cases/{case_id}/decide": OFFICERS,
    "POST /api/himcare/claims/{claim_id}/adjudicate": OFFICERS,
    "POST /api/himcare/claims/{claim_id}/answer-query": HOSPITAL_DESK,
    "POST /api/himcare/claims/{claim_id}/payment": OFFICERS,
    "GET /api/himcare/cases/{case_id}/record": CASE_RECORD_READ,
    "POST /api/himcare/cases/{case_id}/record": CASE_RECORD_WRITE,
    "PUT /api/himcare/cases/{case_id}/record/draft": CASE_RECORD_WRITE,
    "POST /api/himcare/cases/{case_id}/record/sign": CASE_RECORD_WRITE,
    "POST /api/himcare/cases/{case_id}/record/correct": CASE_RECORD_WRITE,
}


def page_rule(name: str) -> Rule | None:
    """The rule for a URL name, the admin family for admin pages, or None when the table misses it."""
    if name in PAGES:
        return PAGES[name]
    if name.startswith("admin:"):
        return PAGES.get(ADMIN_FAMILY)
    return None


def api_rule(method: str, path: str) -> Rule | None:
    return API.get(f"{method.upper()} {path}")
