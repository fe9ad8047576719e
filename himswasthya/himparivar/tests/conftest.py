"""The fixtures of this app's tests, registered explicitly for this package."""

from himswasthya.himparivar.tests.fixtures import geography, register_families

__all__ = ["geography", "register_families"]
