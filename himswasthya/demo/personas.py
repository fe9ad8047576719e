"""What the demo loaders agree on: the demo citizen's mobile and the demo district."""

# The mobile `make_demo_users` gives demo.citizen; `make_demo_citizen_family` and the HIMCARE demo find the
# citizen's family by it.
DEMO_CITIZEN_MOBILE = "9800000001"
# Shimla is district 23 in the LGD directory (25 is Solan): the demo facility and family are there.
SHIMLA_LGD = 23
# The demo's own facility (demo.clerk, demo.doctor, demo.facility_admin and demo.scheme_desk work there): a
# medical college in Shimla district. Its casualty OPD runs round the clock, so the demo works at any hour.
DEMO_CLERK = "demo.clerk"
DEMO_DOCTOR = "demo.doctor"
CASUALTY_DEPARTMENT = "emergency"


def demo_home_facility():
    """The first Shimla medical college by code (else any Shimla facility, any college, any facility); None
    before facilities are loaded."""
    from django.db.models import Q

    from himswasthya.facilities.models import Facility

    facilities = Facility.objects.select_related("district").filter(is_active=True)
    shimla = Q(district__lgd_code=SHIMLA_LGD) | Q(district__name__iexact="Shimla")  # by name too
    for chosen in (
        facilities.filter(shimla, facility_type="MC"),
        facilities.filter(shimla),
        facilities.filter(facility_type="MC"),
        facilities,
    ):
        home = chosen.order_by("code").first()
        if home is not None:
            return home
    return None
