"""The ABDM endpoints we call (abdm-api.md section 0), declared once for the client and its simulator.

name -> (service, path): "gateway" paths are under ABDM_GATEWAY_URL ({gw}), "abha" paths under ABDM_ABHA_URL
({abha}). The client calls `<service URL><path>`; the simulator serves the same path at
`/abdm-sim/<service><path>`, so the two cannot drift apart.
"""

ENDPOINTS: dict[str, tuple[str, str]] = {
    "sessions": ("gateway", "/gateway/v3/sessions"),
    "certs": ("gateway", "/gateway/v3/certs"),
    "on_share": ("gateway", "/patient-share/v3/on-share"),
    # The HIP role (sections 4 and 5).
    "generate_token": ("gateway", "/v3/token/generate-token"),
    "link_care_context": ("gateway", "/hip/v3/link/carecontext"),
    "on_discover": ("gateway", "/user-initiated-linking/v3/patient/care-context/on-discover"),
    "on_init": ("gateway", "/user-initiated-linking/v3/link/care-context/on-init"),
    "on_confirm": ("gateway", "/user-initiated-linking/v3/link/care-context/on-confirm"),
    "consent_on_notify": ("gateway", "/consent/v3/request/hip/on-notify"),
    "hi_on_request": ("gateway", "/data-flow/v3/health-information/hip/on-request"),
    "hi_notify": ("gateway", "/data-flow/v3/health-information/notify"),
    "certificate": ("abha", "/v3/profile/public/certificate"),
    "search": ("abha", "/v3/phr/web/login/abha/search"),
    "request_otp": ("abha", "/v3/profile/login/request/otp"),
    "verify": ("abha", "/v3/profile/login/verify"),
    "profile": ("abha", "/v3/profile/account"),
}

# The bridge's inbound paths (`{bridge}/api/v3/...`, the gateway calls them): name -> path.
BRIDGE_PATHS: dict[str, str] = {
    "on_generate_token": "/api/v3/hip/token/on-generate-token",
    "on_carecontext": "/api/v3/link/on_carecontext",
    "discover": "/api/v3/hip/patient/care-context/discover",
    "link_init": "/api/v3/hip/link/care-context/init",
    "link_confirm": "/api/v3/hip/link/care-context/confirm",
    "consent_notify": "/api/v3/consent/request/hip/notify",
    "hi_request": "/api/v3/hip/health-information/request",
}
