"""The family's annual cover: block at pre-authorisation, consume at claim approval, release the rest.

Every change is ONE conditional UPDATE of the wallet row (F expressions, so the database does the
arithmetic on the current values) plus one WalletEntry row, in the caller's transaction. Two hospitals
blocking at the same moment therefore serialise on the row lock inside PostgreSQL: the second UPDATE
re-checks `cover - blocked - consumed >= amount` against the first one's result, and one of them matches
no row. No Python-side read-modify-write, so no rupee is ever spent twice (see tests/test_wallet.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError
from himswasthya.core.money import rupees
from himswasthya.himcare.models import Case, Enrolment, Wallet, WalletEntry, WalletEntryKind


class InsufficientBalance(DomainError):
    """The family's remaining cover is less than the amount asked for."""

    code = "insufficient_balance"
    status = 409

    def __init__(self, available_paise: int, requested_paise: int, *, field: str = "amount"):
        self.available_paise = available_paise
        self.requested_paise = requested_paise
        super().__init__(
            _("The family's remaining cover is %(available)s; %(requested)s cannot be blocked.")
            % {"available": rupees(available_paise), "requested": rupees(requested_paise)},
            field=field,
        )


class WalletError(DomainError):
    code = "wallet_error"
    status = 409


@dataclass(frozen=True)
class Balance:
    cover_paise: int
    blocked_paise: int
    consumed_paise: int

    @property
    def available_paise(self) -> int:
        return self.cover_paise - self.blocked_paise - self.consumed_paise


def balance(enrolment: Enrolment | int) -> Balance:
    """The wallet as it is in the database now (never a cached object's values)."""
    enrolment_id = enrolment if isinstance(enrolment, int) else enrolment.pk
    cover, blocked, consumed = (
        Wallet.objects.filter(enrolment_id=enrolment_id)
        .values_list("cover_paise", "blocked_paise", "consumed_paise")
        .get()
    )
    return Balance(cover, blocked, consumed)


def _positive(amount_paise: int) -> int:
    amount = int(amount_paise)
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount", code="amount_not_positive")
    return amount


def _entry(enrolment: Enrolment, kind: str, amount: int, case: Case | None, actor: Any) -> WalletEntry:
    wallet_id = Wallet.objects.filter(enrolment_id=enrolment.pk).values_list("pk", flat=True).get()
    return WalletEntry.objects.create(
        wallet_id=wallet_id,
        case=case,
        kind=kind,
        amount_paise=amount,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def block(enrolment: Enrolment, amount_paise: int, *, case: Case | None, actor: Any) -> WalletEntry:
    """Block `amount_paise` of the family's cover, or raise InsufficientBalance (nothing changed)."""
    amount = _positive(amount_paise)
    with transaction.atomic():
        changed = Wallet.objects.filter(
            enrolment_id=enrolment.pk,
            cover_paise__gte=F("blocked_paise") + F("consumed_paise") + amount,
        ).update(blocked_paise=F("blocked_paise") + amount)
        if not changed:
            raise InsufficientBalance(balance(enrolment).available_paise, amount)
        return _entry(enrolment, WalletEntryKind.BLOCK, amount, case, actor)


def _from_blocked(
    enrolment: Enrolment, amount_paise: int, kind: str, case: Case | None, actor: Any, refusal: Promise
) -> WalletEntry:
    """Take `amount_paise` off what is blocked (given back, or moved to consumed when `kind` is CONSUME);
    WalletError with `refusal` (which names %(blocked)s and %(amount)s) when less than that is blocked."""
    amount = _positive(amount_paise)
    moves = {"blocked_paise": F("blocked_paise") - amount}
    if kind == WalletEntryKind.CONSUME:
        moves["consumed_paise"] = F("consumed_paise") + amount
    with transaction.atomic():
        changed = Wallet.objects.filter(enrolment_id=enrolment.pk, blocked_paise__gte=amount).update(**moves)
        if not changed:
            raise WalletError(
                refusal % {"blocked": rupees(balance(enrolment).blocked_paise), "amount": rupees(amount)},
                field="amount",
            )
        return _entry(enrolment, kind, amount, case, actor)


def release(enrolment: Enrolment, amount_paise: int, *, case: Case | None, actor: Any) -> WalletEntry:
    """Give back `amount_paise` of what is blocked."""
    refusal = _("Only %(blocked)s is blocked in the family's cover; %(amount)s cannot be released.")
    return _from_blocked(enrolment, amount_paise, WalletEntryKind.RELEASE, case, actor, refusal)


def consume(enrolment: Enrolment, amount_paise: int, *, case: Case | None, actor: Any) -> WalletEntry:
    """Spend `amount_paise` of what is blocked (blocked -> consumed) on an approved claim."""
    refusal = _("Only %(blocked)s is blocked in the family's cover; %(amount)s cannot be spent.")
    return _from_blocked(enrolment, amount_paise, WalletEntryKind.CONSUME, case, actor, refusal)


def ledger_totals(enrolment: Enrolment) -> dict[str, int]:
    """Sums of the ledger by kind, to check against the wallet's columns."""
    from django.db.models import Sum

    rows = (
        WalletEntry.objects.filter(wallet__enrolment_id=enrolment.pk)
        .values("kind")
        .annotate(total=Sum("amount_paise"))
    )
    totals = {kind: 0 for kind in WalletEntryKind.values}
    totals.update({row["kind"]: row["total"] for row in rows})
    return totals
