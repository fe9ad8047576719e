"""Admin of the geography masters: state administrators correct names, Hindi names and misfiled panchayats."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from himswasthya.places.models import Block, District, GramPanchayat, State, Tehsil, UrbanLocalBody


class BilingualNameAdmin(admin.ModelAdmin):
    """A person who edits the Hindi name has checked it: it is no longer a machine transliteration."""

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if "name_hi" in form.changed_data:
            obj.name_hi_machine = False
        super().save_model(request, obj, form, change)


@admin.register(State)
class StateAdmin(BilingualNameAdmin):
    list_display = ("name", "name_hi", "lgd_code")
    search_fields = ("name", "name_hi")


@admin.register(District)
class DistrictAdmin(BilingualNameAdmin):
    list_display = ("name", "name_hi", "name_hi_machine", "lgd_code", "census2011_code")
    search_fields = ("name", "name_hi", "lgd_code")
    list_filter = ("name_hi_machine",)


@admin.register(Block)
class BlockAdmin(BilingualNameAdmin):
    list_display = ("name", "name_hi", "name_hi_machine", "lgd_code", "district")
    list_filter = ("name_hi_machine", "district")
    search_fields = ("name", "name_hi", "source_name", "lgd_code")


@admin.register(Tehsil)
class TehsilAdmin(BilingualNameAdmin):
    list_display = ("name", "name_hi", "name_hi_machine", "lgd_code", "district")
    list_filter = ("name_hi_machine", "district")
    search_fields = ("name", "name_hi", "lgd_code")


@admin.register(UrbanLocalBody)
class UrbanLocalBodyAdmin(BilingualNameAdmin):
    list_display = ("name", "name_hi", "name_hi_machine", "kind", "lgd_code", "district")
    list_filter = ("name_hi_machine", "kind", "district")
    search_fields = ("name", "name_hi", "lgd_code")


@admin.register(GramPanchayat)
class GramPanchayatAdmin(BilingualNameAdmin):
    list_display = ("name", "name_hi", "name_hi_machine", "district", "block", "source_id")
    list_filter = ("name_hi_machine", "district", ("block", admin.EmptyFieldListFilter))
    search_fields = ("name", "name_hi", "source_name", "source_id")
    list_select_related = ("district", "block")
    autocomplete_fields = ("block",)
