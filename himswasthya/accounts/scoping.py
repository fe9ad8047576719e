"""SEC-26: the one server-side component that decides who may see which rows. Deny by default.

A model holding personal data declares how its rows relate to a facility, a district and an owning
citizen with a class attribute::

    class Appointment(models.Model):
        scope_paths = ScopePaths(facility="facility", district="facility__district", owner="person__user")

Then every list, lookup and API endpoint goes through `scope_queryset(user, queryset)`:

- citizen                         -> rows whose `owner` path is the user, or whose `owner_mobile` path is
                                     the user's registered mobile;
- clerk, doctor, facility admin   -> rows whose `facility` path is the user's facility;
- district health officer         -> rows whose `district` path is the user's district;
- HIMCARE / grievance officer     -> every row if the model lists the role in `state_roles`
                                     (narrowed to the officer's district when one is set);
- state administrator             -> every row if listed in `state_roles` (it is, by default).

A model without a declaration, a path the model does not declare, an inactive or anonymous user, or a
staff member without their facility/district gets nothing.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja.security import SessionAuth

from himswasthya.core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from himswasthya.accounts.models import User

M = TypeVar("M", bound=Model)
Path = str | tuple[str, ...] | None

_DEFAULT_STATE_ROLES = frozenset({"state_admin"})


@dataclass(frozen=True)
class ScopePaths:
    """ORM lookup paths from a model to the scope keys. A tuple means "any of these" (OR)."""

    facility: Path = None
    district: Path = None
    owner: Path = None
    # Citizens also own rows reached through their registered mobile (e.g. the members of their own family).
    owner_mobile: Path = None
    # State-wide roles that may see every row of this model (state admin by default; HIMCARE and
    # grievance officers only where the model opts them in).
    state_roles: frozenset[str] = field(default=_DEFAULT_STATE_ROLES)


_REGISTRY: dict[type[Model], ScopePaths] = {}


def register_scope_paths(model: type[Model], paths: ScopePaths) -> None:
    """Declare scope paths for a model whose class you cannot edit (e.g. a third-party model)."""
    _REGISTRY[model] = paths


def scope_paths_for(model: type[Model]) -> ScopePaths | None:
    declared = getattr(model, "scope_paths", None) or _REGISTRY.get(model)
    return declared if isinstance(declared, ScopePaths) else None


def _match(path: Path, value: Any) -> Q | None:
    if not path or value is None:
        return None
    paths = (path,) if isinstance(path, str) else path
    condition = Q()
    for p in paths:
        condition |= Q(**{p: value})
    return condition


def scope_filter(user: Any, model: type[Model]) -> Q | None:
    """The row filter for `user` on `model`, `Q()` for everything, or None for nothing."""
    from himswasthya.accounts.models import DISTRICT_ROLES, FACILITY_ROLES, STATE_ROLES, Role

    paths = scope_paths_for(model)
    if paths is None or user is None or not user.is_authenticated or not user.is_active:
        return None
    role = user.role
    if role == Role.CITIZEN:
        conditions = [
            c for c in (_match(paths.owner, user.pk), _match(paths.owner_mobile, user.mobile or None)) if c
        ]
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
    for path in (paths.facility, paths.district, paths.owner, paths.owner_mobile):
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


def can_see(user: Any, obj: Model) -> bool:
    return scope_queryset(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


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
