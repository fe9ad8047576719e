"""SEC-26: the one server-side component that decides who may see which rows. Deny by default.

A model holding personal data declares how its rows relate to a facility, a district and an owning
citizen with a class attribute::

    class Appointment(models.Model):
        scope_paths = ScopePaths(facility="facility", district="facility__district", owner="person__user")

(`ScopePaths`, `register_scope_paths` and `scope_paths_for` live in `core.scope_paths`, at the bottom, so
that an app below accounts (facilities) can declare its paths without importing accounts.)

Then every list, lookup and API endpoint goes through `scope_queryset(user, queryset)`:

- citizen                         -> rows whose `owner` path is the user, whose `owner_mobile` path is the
                                     user's registered mobile, or that belong to the citizen's family: the
                                     `family` path is one of `family_ids(user)`, the `family_person` path one
                                     of `family_person_ids(user)` (living members only, see below);
- clerk, doctor, facility admin   -> rows whose `facility` path is the user's facility;
- district health officer         -> rows whose `district` path is the user's district;
- HIMCARE / grievance officer     -> every row if the model lists the role in `state_roles`
                                     (narrowed to the officer's district when one is set);
- state administrator             -> every row if listed in `state_roles` (it is, by default).

A model without a declaration, a path the model does not declare, an inactive or anonymous user, or a
staff member without their facility/district gets nothing.

The other scoping questions have one answer each here, and every app asks them:

- `family_ids(user or mobile)` / `family_person_ids(user or mobile)` - who is in a citizen's family: the
  families in which a *living* member holds the citizen's registered mobile, and the living members of those
  families. accounts sits below the family register, so the register fills `register_family_register(...)`
  at start-up (himparivar's AppConfig.ready); without it nobody has a family.
- `may_act_at(user, facility)` - is this facility the user's own: staff of the facility, the district officer
  of its district, the state administrator. Callers first narrow the roles (`require_role`).
- `may_act_in_district(user, district_id)` - the same question for a district (staff act in the district of
  their facility, a district officer in theirs, the state administrator anywhere).
- `contact_mobile(person)` - where a message about a person goes: their mobile, else their family's contact
  (the register's rule: the living head's mobile, else another living member's).
- `may_see(user, obj)` - may the user see this row (a person, an appointment, a case...): `scope_queryset`'s
  answer for one row.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja.security import SessionAuth

from himswasthya.core.errors import Forbidden, NotFound
from himswasthya.core.scope_paths import Path, ScopePaths, scope_paths_for

if TYPE_CHECKING:
    from himswasthya.accounts.models import User

M = TypeVar("M", bound=Model)


def _match(path: Path, value: Any, lookup: str = "") -> Q | None:
    if not path or value is None:
        return None
    paths = (path,) if isinstance(path, str) else path
    condition = Q()
    for p in paths:
        condition |= Q(**{p + lookup: value})
    return condition


# ---- who is in a citizen's family ------------------------------------------------------------------------


class FamilyContext(NamedTuple):
    """A person on the family register: family id, relation to the head, the family's district, the mobile
    the register holds for them."""

    family_id: str
    relation: str
    district_id: int | None = None
    mobile: str = ""
    relation_label: str = ""  # the relation in the page's language, for pages (the API gives the code)


class FamilyRegister(Protocol):
    """What the family register (himparivar) answers for accounts and for the apps below it."""

    def family_ids(self, mobile: str) -> Any:
        """The pks of the families in which a living member holds `mobile` (a subquery or a list)."""

    def living_person_ids(self, family_ids: Any) -> Any:
        """The Person pks of the living members of those families (a subquery or a list)."""

    def acting_person_ids(self, mobile: str, person_id: int) -> Any:
        """The Person pks of the living members holding `mobile` in the family of person `person_id`."""

    def family_context(self, person_ids: Iterable[int]) -> dict[int, FamilyContext]:
        """{person pk: FamilyContext} for the people on the register."""

    def person_ids_in_family(self, family_code: str) -> Any:
        """The Person pks of the members of the family with this family id (a subquery or a list)."""

    def contact_mobile(self, person_id: int) -> str | None:
        """The mobile of the family of person `person_id` (its contact: the living head's, else another living
        member's); None when the person is on no family or nobody living in it has a mobile."""


_FAMILY_REGISTER: list[FamilyRegister] = []


def register_family_register(register: FamilyRegister | None) -> None:
    """Called by the family register app at start-up (None unregisters, for tests)."""
    _FAMILY_REGISTER[:] = [register] if register is not None else []


def family_register() -> FamilyRegister | None:
    return _FAMILY_REGISTER[0] if _FAMILY_REGISTER else None


def _citizen_mobile(user_or_mobile: Any) -> str | None:
    """A mobile as given, or the registered mobile of an active, signed-in citizen (anyone else: None)."""
    if isinstance(user_or_mobile, str):
        return user_or_mobile or None
    from himswasthya.accounts.models import Role

    user = user_or_mobile
    if user is None or not user.is_authenticated or not user.is_active or user.role != Role.CITIZEN:
        return None
    return user.mobile or None


def family_ids(user_or_mobile: Any) -> Any:
    """The families of a citizen: those in which a living member holds the citizen's mobile (for `__in`)."""
    mobile = _citizen_mobile(user_or_mobile)
    register = family_register()
    if mobile is None or register is None:
        return []
    return register.family_ids(mobile)


def family_person_ids(user_or_mobile: Any) -> Any:
    """The Person pks of the living members of the citizen's families (for `__in`): living members only."""
    mobile = _citizen_mobile(user_or_mobile)
    register = family_register()
    if mobile is None or register is None:
        return []
    return register.living_person_ids(register.family_ids(mobile))


def acting_person_ids(user_or_mobile: Any, person: Any) -> Any:
    """Who the citizen is in `person`'s family: the Person pks of its living members holding the citizen's
    mobile (for `__in`; a child is acted for by an adult among them - SEC-5)."""
    mobile = _citizen_mobile(user_or_mobile)
    register = family_register()
    if mobile is None or register is None or person is None:
        return []
    return register.acting_person_ids(mobile, _pk(person))


def family_context(person_ids: Iterable[int]) -> dict[int, FamilyContext]:
    """{person pk: (family id, relation, district)} from the family register; {} without one."""
    register = family_register()
    ids = list(person_ids)
    return register.family_context(ids) if register is not None and ids else {}


def person_ids_in_family(family_code: str) -> Any:
    """The Person pks of the members of the family with this family id (for `__in`); [] without a register."""
    register = family_register()
    return register.person_ids_in_family(family_code) if register is not None else []


def contact_mobile(person: Any) -> str | None:
    """Where a message about `person` goes: their own mobile, else their family's contact on the register
    (the living head's, else another living member's mobile); None without either."""
    if getattr(person, "mobile", None):
        return person.mobile
    register = family_register()
    return register.contact_mobile(_pk(person)) if register is not None and person is not None else None


def scope_filter(user: Any, model: type[Model]) -> Q | None:
    """The row filter for `user` on `model`, `Q()` for everything, or None for nothing."""
    from himswasthya.accounts.models import DISTRICT_ROLES, FACILITY_ROLES, STATE_ROLES, Role

    paths = scope_paths_for(model)
    if paths is None or user is None or not user.is_authenticated or not user.is_active:
        return None
    role = user.role
    if role == Role.CITIZEN:
        family = family_ids(user) if paths.family else None
        family_people = family_person_ids(user) if paths.family_person else None
        candidates = (
            _match(paths.owner, user.pk),
            _match(paths.owner_mobile, user.mobile or None),
            _match(paths.family, family, "__in"),
            _match(paths.family_person, family_people, "__in"),
        )
        conditions = [c for c in candidates if c]
        return functools.reduce(operator.or_, conditions) if conditions else None
    if role in FACILITY_ROLES:
        return _match(paths.facility, user.facility_id)
    if role in DISTRICT_ROLES:
        return _match(paths.district, user.district_id)
    if role in STATE_ROLES and role in paths.state_roles:
        if role != Role.STATE_ADMIN and user.district_id is not None:
            return _match(paths.district, user.district_id)
        return Q()
    return None


def _crosses_many(model: type[Model], path: str) -> bool:
    """True when a lookup path walks a to-many relation (the join could repeat rows)."""
    for name in path.split("__"):
        if name == "pk":
            return False
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        related = field.related_model
        if not field.is_relation or not isinstance(related, type):
            return False
        model = related
    return False


def _paths(paths: ScopePaths) -> list[str]:
    found: list[str] = []
    declared = (paths.facility, paths.district, paths.owner, paths.owner_mobile)
    declared += (paths.family, paths.family_person)
    for path in declared:
        if path:
            found.extend([path] if isinstance(path, str) else path)
    return found


def scope_queryset(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """Only the rows of `queryset` that `user` may see; `.none()` when nothing is allowed."""
    model = queryset.model
    condition = scope_filter(user, model)
    if condition is None:
        return queryset.none()
    if not condition:
        return queryset
    paths = scope_paths_for(model)
    if paths and any(_crosses_many(model, p) for p in _paths(paths)):
        # A to-many join may repeat rows: filter by primary key instead, so callers get each row once.
        return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))
    return queryset.filter(condition)


def may_see(user: Any, obj: Model) -> bool:
    """May `user` see this row (a person, an appointment, a case...)? scope_queryset's answer for one row."""
    return scope_queryset(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


# ---- is this the user's own facility / district ---------------------------------------------------------


def _pk(obj: Any) -> Any:
    return getattr(obj, "pk", obj)


def may_act_at(user: Any, facility: Any) -> bool:
    """Is `facility` (a Facility or its pk) the user's own? Staff of the facility; the district officer of the
    facility's district; the state administrator. Nobody else (citizens, state-wide officers, inactive or
    anonymous users). Which roles may do a given thing is the caller's `require_role`."""
    from himswasthya.accounts.models import DISTRICT_ROLES, FACILITY_ROLES, Role

    if facility is None or user is None or not user.is_authenticated or not user.is_active:
        return False
    role = user.role
    if role == Role.STATE_ADMIN:
        return True
    if role in FACILITY_ROLES:
        return user.facility_id is not None and user.facility_id == _pk(facility)
    if role in DISTRICT_ROLES:
        return user.district_id is not None and user.district_id == _facility_district_id(user, facility)
    return False


def _facility_district_id(user: Any, facility: Any) -> int | None:
    if hasattr(facility, "district_id"):
        return facility.district_id
    # Only a pk: the facility model is the one the user's own `facility` field points at (no lookup by name).
    model = type(user)._meta.get_field("facility").related_model
    return model._default_manager.filter(pk=facility).values_list("district_id", flat=True).first()


def home_district_id(user: Any) -> int | None:
    """The district a staff member works in: their facility's for facility staff, their own otherwise."""
    from himswasthya.accounts.models import FACILITY_ROLES

    if user.role in FACILITY_ROLES:
        return user.facility.district_id if user.facility_id else None
    return user.district_id


def may_act_in_district(user: Any, district_id: Any) -> bool:
    """Is this district the user's own? Facility staff: their facility's district; a district officer (or a
    district-bound state-wide officer): theirs; the state administrator: every district."""
    from himswasthya.accounts.models import STAFF_ROLES, Role

    if user is None or not user.is_authenticated or not user.is_active or user.role not in STAFF_ROLES:
        return False
    if user.role == Role.STATE_ADMIN:
        return True
    own = home_district_id(user)
    return own is not None and own == _pk(district_id)


def get_scoped_or_404(user: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """A row the user may see, or Http404 - never 403, so ids of other people's rows are not confirmed."""
    try:
        return scope_queryset(user, queryset).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def get_scoped_or_not_found(user: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """Same as get_scoped_or_404 for services and the API: raises the NotFound domain error."""
    try:
        return scope_queryset(user, queryset).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise NotFound(_("Not found."), code="not_found") from exc


def has_role(user: Any, *roles: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.role in roles)


def require_role(user: Any, *roles: str) -> None:
    """Raise Forbidden unless the user is active and holds one of `roles`."""
    if not has_role(user, *roles):
        raise Forbidden(_("You do not have permission to do this."))


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: anonymous -> login page; signed in with another role -> 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login  # not at import: models import us

                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleAuth(SessionAuth):
    """django-ninja auth: session + CSRF, then the role check. `RoleAuth()` admits any signed-in role."""

    def __init__(self, *roles: str) -> None:
        super().__init__(csrf=True)
        self.roles = roles

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None  # -> 401
        if self.roles and user.role not in self.roles:
            raise Forbidden(_("You do not have permission to do this."))
        return user  # type: ignore[return-value]


def roles(*names: Iterable[str] | str) -> tuple[str, ...]:
    """Flatten role names and role sets: roles(FACILITY_ROLES, Role.STATE_ADMIN)."""
    flat: list[str] = []
    for name in names:
        flat.extend([name] if isinstance(name, str) else list(name))
    return tuple(flat)
