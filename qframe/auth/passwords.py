"""Password hashing with scrypt (OWASP: N=2^17, r=8, p=1), self-describing hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

R, P = 8, 1


def hash_password(password: str, n: int) -> str:
    """Return `scrypt$N$r$p$salt$hash` for the password."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, R, P)
    return "$".join(["scrypt", str(n), str(R), str(P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches the stored hash (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, _unb64(digest))


def dummy_verify(n: int) -> None:
    """Spend the same time as a real check, so unknown e-mails cannot be told apart by timing."""
    _scrypt("not-a-password", b"0" * 16, n, R, P)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n + 1024 * 1024, dklen=32
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
