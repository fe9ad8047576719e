"""What notify needs from apps above it, filled in by those apps (notify imports none of them).

`notify` sits at the bottom of the dependency order (architecture.md), under `accounts`. An app above fills a
hook in its `AppConfig.ready()`:

- `accounts` sets `language_of_mobile` - the language the citizen holding a mobile chose on the site ("" if
  no citizen holds it or they never chose), so an SMS goes in the recipient's language.

Until a hook is filled (the app is not installed) the answer is "unknown": the current language is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def _unknown_language(mobile: str) -> str:
    return ""


@dataclass
class NotifyHooks:
    language_of_mobile: Callable[[str], str] = _unknown_language


# The one instance: `hooks.language_of_mobile = ...` in the providing app's ready().
hooks = NotifyHooks()
