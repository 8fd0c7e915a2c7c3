"""How many times one address may try a form that makes accounts or sends e-mail.

Logins are counted by django-axes per (user, address); sign-up and password-reset
forms have no user yet, so they are counted here, per address, in the shared cache
(every worker sees the same count when the cache is Redis).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def allow(bucket: str, who: str, limit: int, period_seconds: int) -> bool:
    """Count one attempt by ``who`` at ``bucket``; False once more than ``limit`` were
    made in the ``period_seconds`` since the first of them."""
    # Hashed: an address (or whatever stands for one) may hold characters that some
    # cache backends refuse in keys.
    key = f"throttle:{bucket}:{hashlib.sha256(who.encode()).hexdigest()}"
    # add() starts the window only if none is running; incr() keeps its expiry and is
    # atomic in Redis, so two workers cannot both read the same count.
    cache.add(key, 0, period_seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ended between the two calls: this attempt starts the next one.
        cache.add(key, 1, period_seconds)
        count = 1
    return count <= limit
