"""Admin of the facility registry and the department master (state administrators)."""

from __future__ import annotations

from django.contrib import admin

from himswasthya.facilities.models import Department, Facility
from himswasthya.places.admin import BilingualNameAdmin


@admin.register(Department)
class DepartmentAdmin(BilingualNameAdmin):
    list_display = ("name", "name_hi", "code")
    search_fields = ("name", "name_hi", "code")


@admin.register(Facility)
class FacilityAdmin(BilingualNameAdmin):
    list_display = ("name", "code", "facility_type", "district", "block", "is_active", "is_synthetic")
    list_filter = ("facility_type", "district", "is_active", "is_synthetic", "name_hi_machine")
    search_fields = ("name", "name_hi", "code", "nin", "hfr_id")
    list_select_related = ("district", "block")
    autocomplete_fields = ("block", "gram_panchayat", "urban_local_body")
    filter_horizontal = ("departments",)
