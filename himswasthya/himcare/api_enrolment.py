"""HIMCARE API: enrolment."""

from ninja import Router

router = Router(tags=["himcare"])
