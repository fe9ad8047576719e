"""HIMCARE pages: monitoring."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
