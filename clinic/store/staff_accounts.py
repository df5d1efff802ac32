"""Staff accounts, their sign-in sessions and their presence.

Passwords are hashed with argon2id (argon2-cffi). A session cookie carries a
random token; only its SHA-256 is stored, with the session's CSRF token. A
disabled account cannot sign in, and its open sessions stop working at once.
A session ends after IDLE_TIMEOUT without activity and SESSION_LIFETIME after
sign-in, whichever comes first: its ``expires_at`` is the earlier of the two,
moved on by activity.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from zxcvbn import zxcvbn

from clinic.secret_match import secret_matches
from clinic.store.models import staff_accounts, staff_sessions
from clinic.store.rows import as_utc

ROLES = ("staff", "admin")
MIN_PASSWORD_LENGTH = 12
MIN_DISTINCT_CHARACTERS = 6
# zxcvbn's score: 3 is about 10^8 guesses or more, what it calls safe against an
# offline attack on a slow hash. Below it: common passwords ("password1234",
# "welcome12345"), keyboard walks, names and dates, and the clinic's own words.
MIN_PASSWORD_SCORE = 3
CLINIC_WORDS = ("ketamine", "clinic", "staff", "console", "spravato", "infusion")
SESSION_LIFETIME = timedelta(hours=10)
# Default; the console's CONSOLE_IDLE_MINUTES overrides it.
IDLE_TIMEOUT = timedelta(minutes=30)
# The console's open page reports every few seconds; silence this long means the
# staff member closed it (or lost their connection): no longer available.
PRESENCE_TIMEOUT = timedelta(seconds=45)

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """An account request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: str
    disabled: bool
    available: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Session:
    account: Account
    csrf_token: str


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account(row: Any) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        disabled=row.disabled_at is not None,
        available=bool(row.available),
    )


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_new_password(password: str, *personal: str) -> None:
    """Raises AccountError saying why, when `password` would be guessed;
    `personal`: the account's username and name, which it must not lean on."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    # "aaaaaaaaaaaa", "121212121212": long but guessed at once.
    if len(set(password.lower())) < MIN_DISTINCT_CHARACTERS:
        raise AccountError(
            f"the password must use at least {MIN_DISTINCT_CHARACTERS} different "
            "characters"
        )
    strength = zxcvbn(password, user_inputs=[*words_of(personal), *CLINIC_WORDS])
    if strength["score"] < MIN_PASSWORD_SCORE:
        feedback = strength["feedback"]
        why = feedback["warning"] or "it is too easy to guess"
        hint = " ".join(feedback["suggestions"][:1])
        raise AccountError(
            f"the password is too easy to guess: {why.rstrip('.').lower()}. "
            f"{hint or 'Use a few unrelated words.'}"
        )


def words_of(personal: tuple[str, ...]) -> list[str]:
    """ "Dana Smith" as zxcvbn needs it to catch "danasmith2026": each word, and
    the words run together."""
    words = []
    for value in personal:
        parts = value.lower().replace(".", " ").replace("-", " ").split()
        words += [*parts, "".join(parts)]
    return words


def create_account(
    engine: Engine, username: str, display_name: str, password: str, role: str
) -> Account:
    username = normalise_username(username)
    if not username or not username.replace(".", "").replace("-", "").isalnum():
        raise AccountError("a username is letters, digits, dots and dashes")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    check_new_password(password, username, display_name)
    if find_account(engine, username) is not None:
        raise AccountError(f"there is already an account named {username!r}")
    with engine.begin() as connection:
        connection.execute(
            insert(staff_accounts).values(
                username=username,
                display_name=display_name.strip()[:80] or username,
                password_hash=_hasher.hash(password),
                role=role,
                created_at=_now(),
                available=False,
            )
        )
    account = find_account(engine, username)
    assert account is not None
    return account


def find_account(engine: Engine, username: str) -> Account | None:
    query = select(staff_accounts).where(
        staff_accounts.c.username == normalise_username(username)
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return None if row is None else _account(row)


def list_accounts(engine: Engine) -> list[dict[str, Any]]:
    query = select(
        staff_accounts.c.username,
        staff_accounts.c.display_name,
        staff_accounts.c.role,
        staff_accounts.c.created_at,
        staff_accounts.c.disabled_at,
        staff_accounts.c.available,
        staff_accounts.c.last_seen_at,
    ).order_by(staff_accounts.c.username)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def _update_account(engine: Engine, username: str, **values: Any) -> None:
    with engine.begin() as connection:
        result = connection.execute(
            update(staff_accounts)
            .where(staff_accounts.c.username == normalise_username(username))
            .values(**values)
        )
    if result.rowcount == 0:
        raise AccountError(f"there is no account named {username!r}")


def set_disabled(engine: Engine, username: str, disabled: bool) -> None:
    """Disabling also signs the account out everywhere and marks it away."""
    values: dict[str, Any] = {"disabled_at": _now() if disabled else None}
    if disabled:
        values["available"] = False
    _update_account(engine, username, **values)
    if disabled:
        end_all_sessions(engine, username)


def end_all_sessions(engine: Engine, username: str) -> None:
    account = find_account(engine, username)
    if account is None:
        return
    with engine.begin() as connection:
        connection.execute(
            delete(staff_sessions).where(staff_sessions.c.account_id == account.id)
        )


def set_password(engine: Engine, username: str, password: str) -> None:
    """A new password signs the account out everywhere: whoever knew the old
    one keeps no session."""
    account = find_account(engine, username)
    check_new_password(password, username, account.display_name if account else "")
    _update_account(engine, username, password_hash=_hasher.hash(password))
    end_all_sessions(engine, username)


def authenticate(engine: Engine, username: str, password: str) -> Account | None:
    """The account, when the password is right and the account is enabled."""
    query = select(staff_accounts).where(
        staff_accounts.c.username == normalise_username(username)
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        _update_account(engine, row.username, password_hash=_hasher.hash(password))
    return _account(row)


def start_session(
    engine: Engine, account: Account, idle: timedelta = IDLE_TIMEOUT
) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token)."""
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as connection:
        # Expired sessions sign nobody in; their rows go as new ones come.
        connection.execute(
            delete(staff_sessions).where(staff_sessions.c.expires_at < now)
        )
        connection.execute(
            insert(staff_sessions).values(
                token_hash=_token_hash(token),
                account_id=account.id,
                csrf_token=csrf_token,
                created_at=now,
                expires_at=_deadline(now, now, idle),
            )
        )
    return token, csrf_token


def session_for(
    engine: Engine,
    token: str,
    idle: timedelta = IDLE_TIMEOUT,
    activity: bool = True,
) -> Session | None:
    """The signed-in session of a cookie token, if it is current and enabled.

    ``activity`` (a page, a form, a click) moves its idle deadline on; a live
    stream's re-check is not activity.
    """
    if not token:
        return None
    query = (
        select(
            staff_accounts,
            staff_sessions.c.csrf_token,
            staff_sessions.c.created_at.label("session_created_at"),
            staff_sessions.c.expires_at,
        )
        .join(staff_sessions, staff_sessions.c.account_id == staff_accounts.c.id)
        .where(staff_sessions.c.token_hash == _token_hash(token))
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    now = _now()
    if row is None or row.disabled_at is not None or as_utc(row.expires_at) < now:
        return None
    if activity:
        _move_deadline(engine, token, row, now, idle)
    return Session(account=_account(row), csrf_token=row.csrf_token)


def _deadline(created_at: datetime, now: datetime, idle: timedelta) -> datetime:
    return min(created_at + SESSION_LIFETIME, now + idle)


def _move_deadline(
    engine: Engine, token: str, row: Any, now: datetime, idle: timedelta
) -> None:
    deadline = _deadline(as_utc(row.session_created_at), now, idle)
    # Written when it moves by a thirtieth of the timeout (a minute in 30), not
    # on every request.
    if deadline - as_utc(row.expires_at) < idle / 30:
        return
    with engine.begin() as connection:
        connection.execute(
            update(staff_sessions)
            .where(staff_sessions.c.token_hash == _token_hash(token))
            .values(expires_at=deadline)
        )


def keep_on_duty_session(
    engine: Engine, token: str, idle: timedelta = IDLE_TIMEOUT
) -> None:
    """An open console marked available is on duty, not idle: a hand-off must
    not find its staff member signed out."""
    session = session_for(engine, token, idle, activity=False)
    if session is not None and session.account.available:
        session_for(engine, token, idle, activity=True)


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            delete(staff_sessions).where(
                staff_sessions.c.token_hash == _token_hash(token)
            )
        )


def csrf_matches(session: Session, provided: str | None) -> bool:
    return secret_matches(provided, session.csrf_token)


def set_available(engine: Engine, account: Account, available: bool) -> None:
    _update_account(engine, account.username, available=available, last_seen_at=_now())


def record_presence(engine: Engine, account: Account) -> None:
    """The console page of this account is open right now."""
    _update_account(engine, account.username, last_seen_at=_now())


def available_staff_count(engine: Engine, now: datetime | None = None) -> int:
    """Enabled accounts marked available whose console was open moments ago."""
    since = (now or _now()) - PRESENCE_TIMEOUT
    query = select(func.count()).where(
        staff_accounts.c.available.is_(True),
        staff_accounts.c.disabled_at.is_(None),
        staff_accounts.c.last_seen_at >= since,
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())
