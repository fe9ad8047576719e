"""HIMCARE API: hospital."""

from ninja import Router

router = Router(tags=["himcare"])
