from django.urls import path

app_name = "registration"
urlpatterns: list = []

# Citizen booking and the registration counter (views.py).
from himswasthya.registration import views as _booking_views  # noqa: E402

urlpatterns += [
    path("book/", _booking_views.book_view, name="book"),
    path("book/confirm/", _booking_views.book_confirm_view, name="book_confirm"),
    path("appointments/", _booking_views.my_appointments_view, name="my_appointments"),
    path("appointments/<str:number>/", _booking_views.appointment_view, name="appointment"),
    path("appointments/<str:number>/cancel/", _booking_views.cancel_view, name="cancel"),
    path("appointments/<str:number>/reschedule/", _booking_views.reschedule_view, name="reschedule"),
    path("counter/", _booking_views.counter_view, name="counter"),
    path("counter/check-in/", _booking_views.counter_check_in_view, name="counter_check_in"),
    path("counter/walk-in/", _booking_views.counter_walk_in_view, name="counter_walk_in"),
    path("counter/register/", _booking_views.counter_register_view, name="counter_register"),
]

# OPD slips and queues (slip_views.py, queue_views.py).
from himswasthya.registration import queue_views as _queue_views  # noqa: E402
from himswasthya.registration import slip_views as _slip_views  # noqa: E402

urlpatterns += [
    path("appointments/<str:number>/slip.pdf", _slip_views.slip_pdf, name="slip_pdf"),
    path("appointments/<str:number>/slip/", _slip_views.slip_page, name="slip"),
    path(
        "queue/<str:facility_code>/<slug:department_code>/", _queue_views.queue_display, name="queue_display"
    ),
    path(
        "queue/<str:facility_code>/<slug:department_code>/board/",
        _queue_views.queue_display_board,
        name="queue_display_board",
    ),
    path("doctor/", _queue_views.doctor_queue, name="doctor_queue"),
    path(
        "doctor/session-days/<int:session_day_id>/call-next/",
        _queue_views.doctor_call_next,
        name="doctor_call_next",
    ),
    path(
        "doctor/appointments/<str:number>/consultation/",
        _queue_views.doctor_open_consultation,
        name="doctor_open_consultation",
    ),
    path("doctor/appointments/<str:number>/<slug:action>/", _queue_views.doctor_action, name="doctor_action"),
]

# ABDM scan and share: the clerk's live list and the counters' QR codes (scan_share_views.py).
from himswasthya.registration import scan_share_views as _scan_share_views  # noqa: E402

urlpatterns += [
    path("scan-share/", _scan_share_views.clerk_list, name="scan_share_list"),
    path("scan-share/rows/", _scan_share_views.clerk_list_rows, name="scan_share_rows"),
    path(
        "scan-share/tokens/<int:token_id>/register/",
        _scan_share_views.register_token,
        name="scan_share_register",
    ),
    path(
        "scan-share/<str:facility_code>/counters/",
        _scan_share_views.counters_page,
        name="scan_share_counters",
    ),
]
