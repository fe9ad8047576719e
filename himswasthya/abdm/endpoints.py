"""The ABDM endpoints we call (abdm-api.md section 0), declared once for the client and its simulator.

name -> (service, path): "gateway" paths are under ABDM_GATEWAY_URL ({gw}), "abha" paths under ABDM_ABHA_URL
({abha}). The client calls `<service URL><path>`; the simulator serves the same path at
`/abdm-sim/<service><path>`, so the two cannot drift apart.
"""

ENDPOINTS: dict[str, tuple[str, str]] = {
    "sessions": ("gateway", "/gateway/v3/sessions"),
    "certs": ("gateway", "/gateway/v3/certs"),
    "on_share": ("gateway", "/patient-share/v3/on-share"),
    "certificate": ("abha", "/v3/profile/public/certificate"),
    "search": ("abha", "/v3/phr/web/login/abha/search"),
    "request_otp": ("abha", "/v3/profile/login/request/otp"),
    "verify": ("abha", "/v3/profile/login/verify"),
    "profile": ("abha", "/v3/profile/account"),
}
