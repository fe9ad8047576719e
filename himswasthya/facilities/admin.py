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


# --- OPD configuration (issue #4 item 1); facility administrators use /facilities/<code>/opd/ instead
from himswasthya.facilities.models import OpdClosure, OpdPolicy, OpdSession  # noqa: E402


@admin.register(OpdPolicy)
class OpdPolicyAdmin(admin.ModelAdmin):
    list_display = ("facility", "booking_window_days", "cancellation_cutoff_minutes")
    search_fields = ("facility__name", "facility__code")
    autocomplete_fields = ("facility",)


@admin.register(OpdSession)
class OpdSessionAdmin(admin.ModelAdmin):
    list_display = (
        "facility",
        "department",
        "weekday",
        "kind",
        "starts_at",
        "ends_at",
        "online_quota",
        "walk_in_quota",
        "is_active",
    )
    list_filter = ("weekday", "kind", "is_active", "department", "facility__facility_type")
    search_fields = ("facility__name", "facility__code", "department__name")
    list_select_related = ("facility", "department")
    autocomplete_fields = ("facility", "department")


@admin.register(OpdClosure)
class OpdClosureAdmin(admin.ModelAdmin):
    list_display = ("date", "facility", "department", "reason")
    list_filter = ("date", "department")
    search_fields = ("facility__name", "facility__code", "reason")
    list_select_related = ("facility", "department")
    autocomplete_fields = ("facility", "department")
    date_hierarchy = "date"
