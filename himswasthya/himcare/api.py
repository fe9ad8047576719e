"""The HIMCARE JSON API: one router made of the routers of each part of the scheme."""

from ninja import Router

from himswasthya.himcare.api_cases import router as cases_router
from himswasthya.himcare.api_enrolment import router as enrolment_router
from himswasthya.himcare.api_hospital import router as hospital_router
from himswasthya.himcare.api_monitoring import router as monitoring_router

router = Router(tags=["himcare"])
router.add_router("", enrolment_router)
router.add_router("", hospital_router)
router.add_router("", monitoring_router)
router.add_router("", cases_router)
