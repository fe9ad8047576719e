"""Admin of the patient index's bookkeeping only (SEC-26, issue #10).

Persons, their identifiers and merges hold names, dates of birth, Aadhaar and ration-card data: they are read
through the audited pages (/people/...) and merged with the merge page, never through the admin, which writes
no audit row. accounts/tests/test_admin.py fails if a personal-data field is registered here again.
"""

from django.contrib import admin

from himswasthya.people.models import UhidCounter


@admin.register(UhidCounter)
class UhidCounterAdmin(admin.ModelAdmin):
    list_display = ("district_code", "last_number")

    def has_change_permission(self, request, obj=None) -> bool:
        return False
