"""National and international code lists shared by the clinical apps (records, himcare): ICD-10 first.

A bottom-layer app (beside places): clinical apps on the same line cannot import each other, so the codes
they both use live here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Icd10Kind(models.TextChoices):
    CHAPTER = "chapter", _("Chapter")
    BLOCK = "block", _("Block")
    CATEGORY = "category", _("Category")
    SUBCATEGORY = "subcategory", _("Subcategory")


class Icd10Code(models.Model):
    """One row of the WHO ICD-10 (2019) list; chapters and blocks are kept for browsing, not for coding."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=Icd10Kind.choices)
    parent_code = models.CharField(_("parent code"), max_length=10, blank=True)
    chapter = models.CharField(_("chapter"), max_length=5)
    # A diagnosis is coded with a category that has no subcategories or with a subcategory.
    is_codable = models.BooleanField(_("usable as a diagnosis"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICD-10 code")
        verbose_name_plural = _("ICD-10 codes")
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Medicine(models.Model):
    """One medicine x dosage form x strength of India's National List of Essential Medicines (NLEM 2022).

    A medicine listed in several sections of the NLEM is one row here (the first section it appears in)."""

    # SEC-1 register (core/privacy.py): reference data, about no person.
    personal_data_exempt = {
        "name": "a medicine's name, not a person's",
        "section_name": "the name of a section of the NLEM",
    }

    name = models.CharField(_("medicine"), max_length=120)
    dosage_form = models.CharField(_("dosage form"), max_length=120, blank=True)
    strength = models.CharField(_("strength"), max_length=120, blank=True)
    # As printed in the NLEM: P primary, S secondary, T tertiary, e.g. "P,S,T".
    level_of_care = models.CharField(_("level of care"), max_length=10, blank=True)
    section_number = models.PositiveSmallIntegerField(_("NLEM section"))
    section_name = models.CharField(_("NLEM section name"), max_length=200)

    class Meta:
        ordering = ["name", "dosage_form", "strength"]
        verbose_name = _("essential medicine")
        verbose_name_plural = _("essential medicines")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "dosage_form", "strength"], name="medicine_unique_product"
            )
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.name, self.dosage_form, self.strength) if part)
