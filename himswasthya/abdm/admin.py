from django.contrib import admin

from himswasthya.abdm.models import SimulatedAbhaAccount, SimulatedGatewayCall


@admin.register(SimulatedAbhaAccount)
class SimulatedAbhaAccountAdmin(admin.ModelAdmin):
    list_display = [
        "abha_address",
        "abha_number",
        "first_name",
        "last_name",
        "gender",
        "year_of_birth",
        "district_name",
    ]
    search_fields = ["abha_address", "abha_number", "first_name", "last_name"]
    list_filter = ["gender", "district_name"]


@admin.register(SimulatedGatewayCall)
class SimulatedGatewayCallAdmin(admin.ModelAdmin):
    list_display = ["path", "request_id", "received_at"]
    readonly_fields = ["path", "request_id", "headers", "body", "received_at"]
