"""The address a request comes from, seen through the proxies this site trusts.

django-axes locks logins per (user, address). Behind a TLS proxy every request
arrives from the proxy's address, so the client's must be read from
``X-Forwarded-For``; but a client can write anything there, so only the entries
appended by the proxies the site runs (``DJANGO_TRUSTED_PROXIES`` of them) count.
django-ipware's proxy count expects the proxies' own addresses inside the header,
which is not what a proxy in front of the app writes, hence this function.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote: str = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + [remote]
    # Each trusted proxy appends the address it was reached from, and the nearest one
    # is REMOTE_ADDR: the entry written by the outermost trusted proxy is the client.
    # Anything further left was sent by the client and may be forged.
    candidate = chain[-(trusted + 1)] if len(chain) > trusted else chain[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
