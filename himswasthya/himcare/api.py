"""The HIMCARE JSON API: one router made of the routers of each part of the scheme."""

from ninja import Router

from himswasthya.himcare.cases.api import router as cases_router
from himswasthya.himcare.coverage.api import router as coverage_router
from himswasthya.himcare.enrolment.api import router as enrolment_router
from himswasthya.himcare.hospitals.api import router as hospitals_router

router = Router(tags=["himcare"])
router.add_router("", enrolment_router)
router.add_router("", hospitals_router)
router.add_router("", coverage_router)
router.add_router("", cases_router)
