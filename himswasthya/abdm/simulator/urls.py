"""/abdm-sim/gateway/... mirrors {gw}; /abdm-sim/abha/... mirrors {abha} (abdm-api.md section 0).
The paths are the client's own (abdm/endpoints.py)."""

from django.urls import path

from himswasthya.abdm.endpoints import ENDPOINTS
from himswasthya.abdm.simulator import hie, views

app_name = "abdm_sim"

VIEWS = {
    "sessions": views.sessions,
    "certs": views.certs,
    "on_share": views.on_share,
    "certificate": views.public_certificate,
    "search": views.search_abha_address,
    "request_otp": views.login_request_otp,
    "verify": views.login_verify,
    "profile": views.profile_account,
    "generate_token": hie.generate_token,
    "link_care_context": hie.link_care_context,
    "on_discover": hie.record_answer,
    "on_init": hie.record_answer,
    "on_confirm": hie.record_answer,
    "consent_on_notify": hie.record_answer,
    "hi_on_request": hie.record_answer,
    "hi_notify": hie.record_answer,
}

urlpatterns = [
    path(f"{service}{endpoint}", VIEWS[name], name=name) for name, (service, endpoint) in ENDPOINTS.items()
] + [path("hiu/data/push", hie.hiu_data_push, name="hiu_data_push")]
