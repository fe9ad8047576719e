"""Where the payment gateway sends the payer back (issue #10 item 6).

The gateway redirects the payer's browser to the callback URL with the order id, the payment id and the
signature. Taken from the caller, it was an open redirect that also handed the signature to any site. Now the
callback is built on the server (`our_callback_url`) and a URL from elsewhere is accepted only when it is
ours (`check_callback_url`): http(s), a host of ALLOWED_HOSTS (and the request's own host, when there is a
request), and exactly the path of the `himcare:payment_callback` view.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port, validate_host
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError


class InvalidCallbackUrl(DomainError):
    code = "callback_url_invalid"


def callback_path() -> str:
    return reverse("himcare:payment_callback")


def our_callback_url(request: HttpRequest) -> str:
    """The absolute URL of our callback view, on the host the request came to (checked by ALLOWED_HOSTS)."""
    configured = settings.HIMCARE_PAYMENT_CALLBACK_URL
    if configured:
        return check_callback_url(configured)
    return request.build_absolute_uri(callback_path())


def check_callback_url(url: str, request: HttpRequest | None = None) -> str:
    """`url` when it is our own callback, else InvalidCallbackUrl (field callback_url)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    host, _port = split_domain_port(parts.netloc)
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]  # "*" would allow any site
    ours = (
        # the shape and scheme check Django uses for ?next= (no "\\", "///", control characters, ...)
        url_has_allowed_host_and_scheme(url, allowed_hosts={parts.netloc})
        and parts.scheme in ("http", "https")
        and bool(host)  # also refuses user:password@ (split_domain_port gives no host)
        and ((request is not None and parts.netloc == request.get_host()) or validate_host(host, hosts))
        and parts.path == callback_path()
        and not parts.fragment
    )
    if not ours:
        raise InvalidCallbackUrl(
            _("The callback URL must be this site's payment callback (%(path)s).")
            % {"path": callback_path()},
            field="callback_url",
        )
    return url
