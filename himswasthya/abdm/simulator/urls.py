"""/abdm-sim/gateway/... mirrors {gw}; /abdm-sim/abha/... mirrors {abha} (abdm-api.md section 0).
The paths are the client's own (abdm/endpoints.py)."""

from django.urls import path

from himswasthya.abdm.endpoints import ENDPOINTS
from himswasthya.abdm.simulator import views

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
}

urlpatterns = [
    path(f"{service}{endpoint}", VIEWS[name], name=name) for name, (service, endpoint) in ENDPOINTS.items()
]
