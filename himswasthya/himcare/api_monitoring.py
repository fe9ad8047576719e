"""HIMCARE API: monitoring."""

from ninja import Router

router = Router(tags=["himcare"])
