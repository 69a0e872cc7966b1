"""The optional app password and the idle lock setting, kept in the database's settings table.

The password is stored only as an scrypt hash (hashlib.scrypt, random salt): a copy of the file does not
reveal it. It guards the screen (asked at launch and after N idle minutes), not the file: the county copy is
protected by its own export password instead (app.services.snapshot). No Qt here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from app.db import Database
from app.models import Setting

PASSWORD_SETTING = "security.app_password"
IDLE_SETTING = "security.idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10
MIN_PASSWORD_LENGTH = 6

# scrypt cost: 16 MiB of memory and about 50 ms on an old office PC; stored with the hash so it can grow.
_N, _R, _P = 2 ** 14, 8, 1


class PasswordError(ValueError):
    """A password change refused (wrong current password, too short); the message is Chinese."""


def hash_password(password: str, *, salt: bytes | None = None, n: int = _N, r: int = _R, p: int = _P) -> str:
    """The stored form of a password: ``scrypt$n$r$p$salt$hash`` (salt and hash in base64)."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024,
                            dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def matches(stored: str, password: str) -> bool:
    """Whether password is the one whose hash is stored (constant-time compare; False for a bad record)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=64 * 1024 * 1024, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _get(db: Database, key: str) -> str | None:
    with db.read() as s:
        row = s.get(Setting, key)
        return row.value if row is not None else None


def has_password(db: Database) -> bool:
    """Whether an app password is set for this database."""
    return bool(_get(db, PASSWORD_SETTING))


def verify_password(db: Database, password: str) -> bool:
    """True when no password is set or password is the right one."""
    stored = _get(db, PASSWORD_SETTING)
    return True if not stored else matches(stored, password)


def set_password(db: Database, new: str, *, current: str = "") -> None:
    """Set or change the app password (one transaction); a set password must be given as current first."""
    if not verify_password(db, current):
        raise PasswordError("原密码不正确，密码没有修改。")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。")
    stored = hash_password(new)
    with db.write() as s:
        row = s.get(Setting, PASSWORD_SETTING) or Setting(key=PASSWORD_SETTING)
        row.value = stored
        s.add(row)


def clear_password(db: Database, current: str) -> None:
    """Remove the app password (one transaction); the current password must be given."""
    if not verify_password(db, current):
        raise PasswordError("密码不正确，没有取消密码。")
    with db.write() as s:
        row = s.get(Setting, PASSWORD_SETTING)
        if row is not None:
            s.delete(row)


def idle_minutes(db: Database) -> int:
    """Minutes without input before the window locks (only while a password is set); 0 means never."""
    value = _get(db, IDLE_SETTING)
    try:
        return max(0, int(value)) if value not in (None, "") else DEFAULT_IDLE_MINUTES
    except ValueError:
        return DEFAULT_IDLE_MINUTES


def set_idle_minutes(db: Database, minutes: int) -> None:
    """Set the idle lock delay in minutes (0 = never lock)."""
    if minutes < 0 or minutes > 24 * 60:
        raise PasswordError("锁定时间应在 0 到 1440 分钟之间（0 表示不自动锁定）。")
    with db.write() as s:
        row = s.get(Setting, IDLE_SETTING) or Setting(key=IDLE_SETTING)
        row.value = str(int(minutes))
        s.add(row)
