"""HIMCARE coverage: scheme figures per gram panchayat (aggregates, no personal data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import cascade_fk
from himswasthya.core.scope_paths import ScopePaths
from himswasthya.himcare.common import OFFICER_ROLES
from himswasthya.himcare.enrolment.models import SchemeYear
from himswasthya.places.models import GramPanchayat


# --- panchayat mapping (aggregates, no personal data) ------------------------------------------------------
class PanchayatCoverage(models.Model):
    """Scheme figures for one gram panchayat and scheme year, refreshed by `refresh_himcare_coverage`."""

    scope_paths = ScopePaths(district="gram_panchayat__district", state_roles=OFFICER_ROLES)
    personal_data_exempt = {"members_with_abha": "a count of people, not about a person"}

    scheme_year = cascade_fk(SchemeYear, related_name="+", verbose_name=_("scheme year"))
    gram_panchayat = cascade_fk(GramPanchayat, related_name="+", verbose_name=_("gram panchayat"))
    families = models.PositiveIntegerField(_("Him Parivar families"), default=0)
    eligible_families = models.PositiveIntegerField(_("eligible families"), default=0)
    enrolled_families = models.PositiveIntegerField(_("enrolled families"), default=0)
    members = models.PositiveIntegerField(_("members"), default=0)
    members_with_abha = models.PositiveIntegerField(_("members with ABHA"), default=0)
    preauths = models.PositiveIntegerField(_("pre-authorisations"), default=0)
    claims = models.PositiveIntegerField(_("claims"), default=0)
    claims_paise = models.BigIntegerField(_("claims amount (paise)"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("panchayat coverage")
        verbose_name_plural = _("panchayat coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_year", "gram_panchayat"], name="panchayat_coverage_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_year_id}/{self.gram_panchayat_id}"
