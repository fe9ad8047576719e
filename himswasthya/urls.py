from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from himswasthya.abdm.api import router as abdm_router
from himswasthya.accounts.api import router as accounts_router
from himswasthya.accounts.audit_log.api import router as audit_router
from himswasthya.core.api import api
from himswasthya.facilities.api import router as facilities_router
from himswasthya.himcare.api import router as himcare_router
from himswasthya.himparivar.api import router as himparivar_router
from himswasthya.people.api import router as people_router
from himswasthya.places.api import router as places_router
from himswasthya.records.api import router as records_router
from himswasthya.registration.api import router as registration_router
from himswasthya.registration.opd_setup_api import router as opd_setup_router
from himswasthya.registration.scan_share_views import patient_share

api.add_router("/accounts/", accounts_router)
api.add_router("/places/", places_router)
api.add_router("/facilities/", facilities_router)
api.add_router("/facilities/", opd_setup_router)  # a facility's OPD set-up (registration, above accounts)
api.add_router("/audit/", audit_router)
api.add_router("/people/", people_router)
api.add_router("/himparivar/", himparivar_router)
api.add_router("/abdm/", abdm_router)
api.add_router("/records/", records_router)
api.add_router("/registration/", registration_router)
api.add_router("/himcare/", himcare_router)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for the load balancer; no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": connection.vendor})
    except Exception:  # noqa: BLE001 - any database failure means not healthy
        return JsonResponse({"status": "error", "database": connection.vendor}, status=503)


# Errors under /api/ answer JSON {code, message}; elsewhere the site's pages (himswasthya/core/api.py).
handler400 = "himswasthya.core.api.handler400"
handler403 = "himswasthya.core.api.handler403"
handler404 = "himswasthya.core.api.handler404"
handler500 = "himswasthya.core.api.handler500"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico before they read the page's icon link.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True), name="favicon"),
    # The ABDM bridge (gateway JWT, not the session API): scan-and-share profile shares.
    path("api/v3/hip/patient/share", patient_share, name="abdm_bridge_patient_share"),
    # The ABDM bridge, HIP role: linking, discovery, consents, health-information requests (abdm/bridge.py).
    path("", include("himswasthya.abdm.bridge")),
    path("api/", api.urls),
    # FHIR R4 (read and search; OperationOutcome errors): records/fhir/api.py.
    path("fhir/", include("himswasthya.records.fhir.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("places/", include("himswasthya.places.urls")),
    path("facilities/", include("himswasthya.facilities.urls")),
    path("facilities/", include("himswasthya.registration.opd_setup_urls")),  # <code>/opd/...: OPD set-up
    path("audit/", include("himswasthya.accounts.audit_log.urls")),
    path("people/", include("himswasthya.people.urls")),
    path("families/", include("himswasthya.himparivar.urls")),
    path("abdm/", include("himswasthya.abdm.urls")),
    path("records/", include("himswasthya.records.urls")),
    path("opd/", include("himswasthya.registration.urls")),
    path("himcare/", include("himswasthya.himcare.urls")),
    path("", include("himswasthya.accounts.urls")),
]

if settings.ABDM_SIMULATOR_ENABLED:
    # The local stand-in for the ABDM gateway and ABHA service (never enabled in production by default).
    urlpatterns.insert(0, path("abdm-sim/", include("himswasthya.abdm.simulator.urls")))

if settings.HIMPARIVAR_SIMULATOR_ENABLED:
    # The local stand-in for the Him Parivar register's change feed (tests and demo).
    urlpatterns.insert(0, path("himparivar-sim/", include("himswasthya.himparivar.sync.simulator")))

if settings.HIMCARE_PAYMENT_SIMULATOR_ENABLED:
    # The local stand-in for the HIMCARE premium payment gateway (tests and demo).
    urlpatterns.insert(
        0, path("himcare-paysim/", include("himswasthya.himcare.enrolment.payments.simulator"))
    )
