"""Staff accounts in the admin. Citizens are not listed (their account is a mobile number: SEC-26, issue #10),
and no mobile number is shown or searched."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import Role, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "facility", "district", "is_active")
    list_filter = ("role", "is_active", "district")
    search_fields = ("username", "first_name", "last_name")
    autocomplete_fields = ()
    raw_id_fields = ("facility", "district")
    readonly_fields = ("password_changed_at", "last_login", "date_joined")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Role and scope"), {"fields": ("role", "facility", "district", "password_changed_at")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "facility", "district")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).exclude(role=Role.CITIZEN)

    def formfield_for_choice_field(self, db_field, request, **kwargs):  # noqa: ANN001, ANN201
        if db_field.name == "role":  # a citizen account made here would vanish from this list
            kwargs["choices"] = [(value, label) for value, label in Role.choices if value != Role.CITIZEN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
