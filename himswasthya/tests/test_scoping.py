"""SEC-26: one scoping component (accounts/scoping.py), deny by default. Each persona requests rows it must
not see - users, and the rows of facilities and places (a project test: both sit beside or above accounts)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from himswasthya.accounts.models import Role, User
from himswasthya.accounts.scoping import get_scoped_or_404, require_role, scope_queryset
from himswasthya.core import scope_paths
from himswasthya.core.errors import Forbidden
from himswasthya.core.scope_paths import ScopePaths
from himswasthya.facilities.models import Facility
from himswasthya.places.models import District

# How the facilities app is expected to declare Facility (asked for in the accounts report); the
# tests set it only where the model has no declaration of its own yet.
FACILITY_SCOPE = ScopePaths(
    facility="pk",
    district="district",
    state_roles=frozenset({Role.STATE_ADMIN, Role.HIMCARE_OFFICER, Role.GRIEVANCE_OFFICER}),
)


@pytest.fixture
def everyone(
    citizen,
    clerk,
    doctor,
    facility_admin,
    other_facility_clerk,
    district_officer,
    other_district_officer,
    himcare_officer,
    grievance_officer,
    state_admin,
):
    return {u.username: u for u in User.objects.all()}


def _visible_users(user) -> set[str]:
    return set(scope_queryset(user, User.objects.all()).values_list("username", flat=True))


@pytest.mark.django_db
def test_facility_admin_lists_staff_of_own_facility_only(everyone, facility_admin):
    assert _visible_users(facility_admin) == {"clerk", "doctor", "facility_admin"}


@pytest.mark.django_db
def test_clerk_of_another_facility_sees_only_that_facility(everyone, other_facility_clerk):
    assert _visible_users(other_facility_clerk) == {"other_facility_clerk"}


@pytest.mark.django_db
def test_district_officer_sees_staff_of_own_district_only(everyone, district_officer):
    assert _visible_users(district_officer) == {"clerk", "doctor", "facility_admin", "district_officer"}


@pytest.mark.django_db
def test_other_district_officer_sees_only_the_other_district(everyone, other_district_officer):
    assert _visible_users(other_district_officer) == {"other_facility_clerk", "other_district_officer"}


@pytest.mark.django_db
def test_citizen_sees_own_user_only(everyone, citizen):
    assert _visible_users(citizen) == {citizen.username}


@pytest.mark.django_db
def test_state_admin_sees_everyone(everyone, state_admin):
    assert _visible_users(state_admin) == set(everyone)


@pytest.mark.django_db
def test_state_officers_see_nothing_unless_the_model_opts_them_in(
    everyone, himcare_officer, grievance_officer
):
    # User's declaration keeps the default state_roles (state admin only): least privilege.
    assert _visible_users(himcare_officer) == set()
    assert _visible_users(grievance_officer) == set()


@pytest.mark.django_db
def test_a_state_officer_with_a_district_is_narrowed_to_it(
    everyone, himcare_officer, persona_other_district, monkeypatch
):
    monkeypatch.setattr(
        User,
        "scope_paths",
        ScopePaths(
            facility="facility",
            district=("facility__district", "district"),
            owner="pk",
            state_roles=frozenset({Role.STATE_ADMIN, Role.HIMCARE_OFFICER}),
        ),
    )
    assert _visible_users(himcare_officer) == set(everyone)
    himcare_officer.district = persona_other_district
    assert _visible_users(himcare_officer) == {"other_facility_clerk", "other_district_officer"}


@pytest.fixture
def facility_scope(monkeypatch):
    if scope_paths.scope_paths_for(Facility) is None:
        monkeypatch.setattr(Facility, "scope_paths", FACILITY_SCOPE, raising=False)


@pytest.mark.django_db
def test_facilities_by_role(everyone, facility_scope, persona_facility, persona_other_facility):
    def codes(user):
        return set(scope_queryset(user, Facility.objects.all()).values_list("code", flat=True))

    u = everyone
    assert codes(u["facility_admin"]) == {"PERSONA-MC-SML"}
    assert codes(u["clerk"]) == {"PERSONA-MC-SML"}
    assert codes(u["other_facility_clerk"]) == {"PERSONA-CH-KGR"}
    assert codes(u["district_officer"]) == {"PERSONA-MC-SML"}
    assert codes(u["other_district_officer"]) == {"PERSONA-CH-KGR"}
    assert codes(u["state_admin"]) >= {"PERSONA-MC-SML", "PERSONA-CH-KGR"}
    assert codes(u["citizen-asha"]) == set()  # Facility declares no owner


@pytest.mark.django_db
def test_lookup_of_someone_elses_row_is_404(everyone, clerk, other_facility_clerk):
    assert get_scoped_or_404(clerk, User.objects.all(), pk=clerk.pk) == clerk
    with pytest.raises(Http404):
        get_scoped_or_404(clerk, User.objects.all(), pk=other_facility_clerk.pk)


@pytest.mark.django_db
def test_a_model_without_a_declaration_gives_nothing(everyone, state_admin):
    assert ContentType.objects.exists()
    assert not scope_queryset(state_admin, ContentType.objects.all()).exists()


@pytest.mark.django_db
def test_staff_without_their_scope_get_nothing(everyone, clerk, district_officer):
    clerk.facility_id = None  # e.g. a half-configured account (the DB constraint forbids saving it)
    district_officer.district_id = None
    assert _visible_users(clerk) == set()
    assert _visible_users(district_officer) == set()


@pytest.mark.django_db
def test_inactive_and_anonymous_users_get_nothing(everyone, state_admin):
    from django.contrib.auth.models import AnonymousUser

    state_admin.is_active = False
    assert _visible_users(state_admin) == set()
    assert _visible_users(AnonymousUser()) == set()
    assert _visible_users(None) == set()


@pytest.mark.django_db
def test_an_unknown_role_gets_nothing(everyone, clerk):
    clerk.role = "janitor"
    assert _visible_users(clerk) == set()


@pytest.mark.django_db
def test_register_scope_paths_for_models_you_cannot_edit(everyone, state_admin, monkeypatch):
    monkeypatch.setattr(scope_paths, "_REGISTRY", {})
    scope_paths.register_scope_paths(ContentType, ScopePaths())
    assert scope_queryset(state_admin, ContentType.objects.all()).exists()


@pytest.mark.django_db
def test_require_role(clerk, citizen):
    require_role(clerk, Role.REGISTRATION_CLERK, Role.DOCTOR)
    with pytest.raises(Forbidden):
        require_role(citizen, Role.REGISTRATION_CLERK)
    clerk.is_active = False
    with pytest.raises(Forbidden):
        require_role(clerk, Role.REGISTRATION_CLERK)


@pytest.mark.django_db
def test_paths_across_to_many_relations_return_each_row_once(everyone, clerk, persona_district, monkeypatch):
    Facility.objects.create(
        code="PERSONA-PHC-SML", name="Second Shimla facility", facility_type="PHC", district=persona_district
    )
    monkeypatch.setattr(scope_paths, "_REGISTRY", {})
    scope_paths.register_scope_paths(
        District, ScopePaths(facility=("facilities", "facilities__district__facilities"))
    )
    visible = scope_queryset(clerk, District.objects.all())
    assert list(visible.values_list("name", flat=True)) == ["Shimla"]
    assert visible.count() == 1
