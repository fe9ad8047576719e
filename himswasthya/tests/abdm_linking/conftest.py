"""ABHA <-> family-register linking tests: they build Him Parivar families, so they live above both apps
(abdm and himparivar are on one layer and may not import each other). The ABDM simulator fixtures come from
the abdm tests' conftest."""

from himswasthya.abdm.tests.conftest import abdm_sim, client_for_sim, demo_account, fake_server  # noqa: F401
