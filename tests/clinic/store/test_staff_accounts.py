"""Staff accounts, sessions and presence, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine

from clinic.store.staff_accounts import (
    PRESENCE_TIMEOUT,
    AccountError,
    authenticate,
    available_staff_count,
    create_account,
    csrf_matches,
    end_session,
    record_presence,
    session_for,
    set_available,
    set_disabled,
    set_password,
    start_session,
)

PASSWORD = "correct horse battery"


def test_the_password_is_stored_hashed_and_checked(engine: Engine) -> None:
    account = create_account(engine, "Dana", "Dana Reyes", PASSWORD, "staff")
    assert account.username == "dana"
    with engine.connect() as connection:
        stored = connection.exec_driver_sql(
            "SELECT password_hash FROM staff_accounts"
        ).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(engine, "DANA ", PASSWORD) == account
    assert authenticate(engine, "dana", PASSWORD + "!") is None
    assert authenticate(engine, "nobody", PASSWORD) is None


@pytest.mark.parametrize(
    ("username", "password", "role", "why"),
    [
        ("dana", "short", "staff", "at least 12"),
        ("dana", "aaaaaaaaaaaa", "staff", "6 different characters"),
        ("dana", "121212121212", "staff", "6 different characters"),
        ("dana smith", PASSWORD, "staff", "letters, digits"),
        ("dana", PASSWORD, "owner", "role must be"),
    ],
)
def test_bad_accounts_are_refused(
    engine: Engine, username: str, password: str, role: str, why: str
) -> None:
    with pytest.raises(AccountError, match=why):
        create_account(engine, username, "Dana", password, role)


def test_a_username_is_taken_once(engine: Engine) -> None:
    create_account(engine, "dana", "Dana", PASSWORD, "staff")
    with pytest.raises(AccountError, match="already"):
        create_account(engine, "Dana", "Other Dana", PASSWORD, "admin")


def test_a_disabled_account_cannot_sign_in_and_is_signed_out(engine: Engine) -> None:
    account = create_account(engine, "dana", "Dana", PASSWORD, "staff")
    token, _ = start_session(engine, account)
    assert session_for(engine, token) is not None
    set_disabled(engine, "dana", disabled=True)
    assert authenticate(engine, "dana", PASSWORD) is None
    assert session_for(engine, token) is None
    set_disabled(engine, "dana", disabled=False)
    assert authenticate(engine, "dana", PASSWORD) is not None


def test_sessions_end_at_sign_out_and_check_their_csrf_token(engine: Engine) -> None:
    account = create_account(engine, "dana", "Dana", PASSWORD, "staff")
    token, csrf = start_session(engine, account)
    session = session_for(engine, token)
    assert session is not None and session.account == account
    assert csrf_matches(session, csrf)
    assert not csrf_matches(session, csrf[:-1] + "x")
    assert not csrf_matches(session, None)
    assert session_for(engine, token + "x") is None
    end_session(engine, token)
    assert session_for(engine, token) is None


def test_a_new_password_replaces_the_old_and_ends_every_session(
    engine: Engine,
) -> None:
    account = create_account(engine, "dana", "Dana", PASSWORD, "staff")
    token, _ = start_session(engine, account)
    set_password(engine, "dana", "another long password")
    assert authenticate(engine, "dana", PASSWORD) is None
    assert authenticate(engine, "dana", "another long password") is not None
    assert session_for(engine, token) is None, "whoever had the old one is out"


def test_available_means_marked_available_with_the_console_open(
    engine: Engine,
) -> None:
    dana = create_account(engine, "dana", "Dana", PASSWORD, "staff")
    sam = create_account(engine, "sam", "Sam", PASSWORD, "staff")
    assert available_staff_count(engine) == 0
    set_available(engine, dana, True)
    record_presence(engine, sam)  # console open, but away
    assert available_staff_count(engine) == 1
    later = datetime.now(timezone.utc) + PRESENCE_TIMEOUT + timedelta(seconds=1)
    assert available_staff_count(engine, now=later) == 0, "console closed since"
    set_disabled(engine, "dana", disabled=True)
    assert available_staff_count(engine) == 0
