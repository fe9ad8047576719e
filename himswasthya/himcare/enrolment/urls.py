"""HIMCARE pages: enrolment, payment, cards (namespace "himcare", mounted at /himcare/)."""

from django.urls import path

from himswasthya.himcare.enrolment import views

urlpatterns: list = [
    path("enrol/", views.enrol_view, name="enrol"),
    path("enrolments/", views.enrolment_list_view, name="enrolments"),
    path("enrolments/<int:enrolment_id>/", views.enrolment_view, name="enrolment"),
    path("enrolments/<int:enrolment_id>/card.pdf", views.card_view, name="card"),
    path(
        "enrolments/<int:enrolment_id>/counter-payment/", views.counter_payment_view, name="counter_payment"
    ),
    path("enrolments/<int:enrolment_id>/pay-online/", views.pay_online_view, name="pay_online"),
    path("enrolments/<int:enrolment_id>/renew/", views.renew_view, name="renew"),
    path("enrolments/<int:enrolment_id>/cancel/", views.cancel_view, name="cancel"),
    path("payment/callback/", views.payment_callback_view, name="payment_callback"),
    path("my-card/", views.my_card_view, name="my_card"),
]
