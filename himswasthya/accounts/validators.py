"""SEC-23: staff passwords need a mix of character classes (NIC password policy)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterMixValidator:
    def validate(self, password: str, user: object = None) -> None:
        classes = [r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < 3:
            raise ValidationError(
                _("The password must mix at least three of: lower-case letters, capitals, digits, symbols."),
                code="password_mix",
            )

    def get_help_text(self) -> str:
        return _("Use at least three of: lower-case letters, capitals, digits, symbols.")
