"""Fixtures of the OPD set-up tests (opd_fixtures.py); `medicine` here is the persona college's general
medicine, not the booking tests' department of the same fixture name."""

from .opd_fixtures import medicine, not_offered, opd_facility

__all__ = ["medicine", "not_offered", "opd_facility"]
