"""Read-mostly admin of the patient index for state administrators; merges go through the merge page."""

from django.contrib import admin

from himswasthya.people.models import Person, PersonIdentifier, PersonMerge, UhidCounter


class PersonIdentifierInline(admin.TabularInline):
    model = PersonIdentifier
    extra = 0
    fields = ("id_type", "value", "issuer", "verified", "source", "since")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("id", "name_roman", "name_deva", "sex", "year_of_birth", "district", "merged_into")
    list_filter = ("district", "sex", "is_synthetic")
    search_fields = ("name_key", "name_deva_key")
    readonly_fields = ("name_key", "name_deva_key", "name_blocks", "merged_into", "created_at")
    raw_id_fields = ("gram_panchayat",)
    inlines = [PersonIdentifierInline]


@admin.register(PersonMerge)
class PersonMergeAdmin(admin.ModelAdmin):
    list_display = ("id", "duplicate", "survivor", "actor", "created_at", "undone_at")
    readonly_fields = (
        "survivor",
        "duplicate",
        "actor",
        "reason",
        "snapshot",
        "created_at",
        "undone_at",
        "undone_by",
    )

    def has_add_permission(self, request) -> bool:  # merges are made with do_merge_persons only
        return False


@admin.register(UhidCounter)
class UhidCounterAdmin(admin.ModelAdmin):
    list_display = ("district_code", "last_number")

    def has_change_permission(self, request, obj=None) -> bool:
        return False
