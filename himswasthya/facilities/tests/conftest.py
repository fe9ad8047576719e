"""Fixtures of the facilities tests (the OPD configuration ones live in opd_fixtures.py)."""

from .opd_fixtures import medicine, not_offered, opd_facility

__all__ = ["medicine", "not_offered", "opd_facility"]
