"""LGD geography of Himachal Pradesh: State > District > Block > GramPanchayat; tehsils and urban bodies.

LGD codes are the keys of the real world; gram panchayats come from the HPSDMA master, which has no LGD
codes, so their `lgd_code` is nullable and their source id is kept.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar, overload

from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import protected_fk
from himswasthya.core.models import BilingualNameModel
from himswasthya.core.privacy import NAMES_OF_PLACES

P = TypeVar("P", bound=models.Model)


@overload
def place_link(
    place: type[P], related_name: str, *, optional: Literal[False] = ...
) -> models.ForeignKey[P, P]: ...
@overload
def place_link(
    place: type[P], related_name: str, *, optional: Literal[True]
) -> models.ForeignKey[P | None, P | None]: ...
def place_link(place: type[P], related_name: str, *, optional: bool = False) -> models.ForeignKey[Any, Any]:
    """Where a record (or a smaller place) sits in the LGD geography: its state, district, block, gram
    panchayat or urban local body. Places are master data, so PROTECT (`core.fields.protected_fk`); the field
    is labelled with the place's own name ("district", "gram panchayat"); `optional` where unknown."""
    return protected_fk(
        place, verbose_name=place._meta.verbose_name, related_name=related_name, optional=optional
    )


class SourceNameMixin(models.Model):
    """The name exactly as the source spells it (LGD upper case, HPSDMA free text), beside the display."""

    name: str
    # SEC-1 register (core/privacy.py)
    personal_data_exempt = {**NAMES_OF_PLACES, "source_name": "the place's name as the source spells it"}

    source_name = models.CharField(_("name in source"), max_length=150, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class LgdVersionedMixin(models.Model):
    """A unit the LGD directory keeps versions of (block, tehsil, urban body): its code and that version."""

    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    lgd_version = models.PositiveSmallIntegerField(_("LGD version"), default=1)

    class Meta:
        abstract = True


class State(BilingualNameModel):
    personal_data_exempt = NAMES_OF_PLACES  # SEC-1 register (core/privacy.py)

    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)

    class Meta:
        verbose_name = _("state")
        verbose_name_plural = _("states")


#: Himachal Pradesh's LGD state code: the state whose geography this platform serves.
HOME_STATE_LGD_CODE = 2


class DistrictQuerySet(models.QuerySet["District"]):
    def of_home_state(self) -> DistrictQuerySet:
        """Himachal's 12 districts. Districts of other states exist only where an empanelled hospital outside
        the state stands (e.g. PGIMER, Chandigarh); they are no part of the state's geography, its counts
        or its district filters."""
        return self.filter(state__lgd_code=HOME_STATE_LGD_CODE)


class District(SourceNameMixin, BilingualNameModel):
    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    state = place_link(State, "districts")
    census2011_code = models.CharField(_("Census 2011 code"), max_length=8, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Block(LgdVersionedMixin, SourceNameMixin, BilingualNameModel):
    """Development block (panchayat samiti)."""

    district = place_link(District, "blocks")

    class Meta:
        ordering = ["name"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")


class Tehsil(LgdVersionedMixin, SourceNameMixin, BilingualNameModel):
    """Sub-district (tehsil or sub-tehsil)."""

    district = place_link(District, "tehsils")
    census2011_code = models.CharField(_("Census 2011 code"), max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tehsil")
        verbose_name_plural = _("tehsils")


class UrbanLocalBody(LgdVersionedMixin, SourceNameMixin, BilingualNameModel):
    class Kind(models.TextChoices):
        MUNICIPAL_CORPORATION = "MC", _("Municipal Corporation")
        MUNICIPAL_COUNCIL = "COUNCIL", _("Municipal Council")
        NAGAR_PANCHAYAT = "NP", _("Nagar Panchayat")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # The 2022 LGD ULB extract carries no district; filled when known.
    district = place_link(District, "urban_bodies", optional=True)
    census2011_code = models.CharField(_("Census 2011 code"), max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("urban local body")
        verbose_name_plural = _("urban local bodies")


class GramPanchayat(SourceNameMixin, BilingualNameModel):
    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True, null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, default="HPSDMA")
    source_id = models.CharField(_("source id"), max_length=20)
    district = place_link(District, "gram_panchayats")
    # Null where the source names no block we could match (the loader reports each such row).
    block = place_link(Block, "gram_panchayats", optional=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gram panchayat")
        verbose_name_plural = _("gram panchayats")
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="gp_unique_source_id")]
