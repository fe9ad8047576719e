"""LGD geography of Himachal Pradesh: State > District > Block > GramPanchayat; tehsils and urban bodies.

LGD codes are the keys of the real world; gram panchayats come from the HPSDMA master, which has no LGD
codes, so their `lgd_code` is nullable and their source id is kept.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.core.models import BilingualNameModel
from himswasthya.core.privacy import NAMES_OF_PLACES


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


class State(BilingualNameModel):
    personal_data_exempt = NAMES_OF_PLACES  # SEC-1 register (core/privacy.py)

    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)

    class Meta:
        verbose_name = _("state")
        verbose_name_plural = _("states")


class District(SourceNameMixin, BilingualNameModel):
    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="districts", verbose_name=_("state")
    )
    census2011_code = models.CharField(_("Census 2011 code"), max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Block(SourceNameMixin, BilingualNameModel):
    """Development block (panchayat samiti)."""

    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    lgd_version = models.PositiveSmallIntegerField(_("LGD version"), default=1)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="blocks", verbose_name=_("district")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")


class Tehsil(SourceNameMixin, BilingualNameModel):
    """Sub-district (tehsil or sub-tehsil)."""

    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    lgd_version = models.PositiveSmallIntegerField(_("LGD version"), default=1)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="tehsils", verbose_name=_("district")
    )
    census2011_code = models.CharField(_("Census 2011 code"), max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tehsil")
        verbose_name_plural = _("tehsils")


class UrbanLocalBody(SourceNameMixin, BilingualNameModel):
    class Kind(models.TextChoices):
        MUNICIPAL_CORPORATION = "MC", _("Municipal Corporation")
        MUNICIPAL_COUNCIL = "COUNCIL", _("Municipal Council")
        NAGAR_PANCHAYAT = "NP", _("Nagar Panchayat")

    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    lgd_version = models.PositiveSmallIntegerField(_("LGD version"), default=1)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # The 2022 LGD ULB extract carries no district; filled when known.
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="urban_bodies",
        verbose_name=_("district"),
    )
    census2011_code = models.CharField(_("Census 2011 code"), max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("urban local body")
        verbose_name_plural = _("urban local bodies")


class GramPanchayat(SourceNameMixin, BilingualNameModel):
    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True, null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, default="HPSDMA")
    source_id = models.CharField(_("source id"), max_length=20)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="gram_panchayats", verbose_name=_("district")
    )
    # Null where the source names no block we could match (the loader reports each such row).
    block = models.ForeignKey(
        Block,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gram_panchayats",
        verbose_name=_("block"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("gram panchayat")
        verbose_name_plural = _("gram panchayats")
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="gp_unique_source_id")]
