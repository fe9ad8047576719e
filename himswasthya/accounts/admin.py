from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "facility", "district", "is_active")
    list_filter = ("role", "is_active", "district")
    search_fields = ("username", "first_name", "last_name", "mobile")
    autocomplete_fields = ()
    raw_id_fields = ("facility", "district")
    readonly_fields = ("password_changed_at", "last_login", "date_joined")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Role and scope"), {"fields": ("role", "mobile", "facility", "district", "password_changed_at")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "mobile", "facility", "district")}),
    )
