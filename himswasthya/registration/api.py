from ninja import Router

router = Router(tags=["registration"])

# The OPD queue: public token board and the doctor's actions (queue_api.py).
from himswasthya.registration.queue_api import router as _queue_router  # noqa: E402

router.add_router("/queue/", _queue_router)

# The booking engine: availability, appointments, walk-ins, check-in (booking_api.py).
from himswasthya.registration.booking_api import router as _booking_router  # noqa: E402

router.add_router("", _booking_router)

# ABDM scan and share at the counter: today's tokens and registering one (scan_share_api.py).
from himswasthya.registration.scan_share_api import router as _scan_share_router  # noqa: E402

router.add_router("/scan-share/", _scan_share_router)
