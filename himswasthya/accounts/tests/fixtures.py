"""Shared pytest fixtures of this app (loaded by the root conftest via pytest_plugins)."""
