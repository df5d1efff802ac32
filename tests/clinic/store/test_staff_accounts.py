"""Staff accounts, sessions and presence, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from clinic.store.models import staff_sessions
from clinic.store.staff_accounts import (
    PRESENCE_TIMEOUT,
    SESSION_LIFETIME,
    AccountError,
    authenticate,
    available_staff_count,
    create_account,
    csrf_matches,
    end_session,
    keep_on_duty_session,
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
        ("dana", "password1234", "staff", "very common password"),
        ("dana", "qwertyuiop123", "staff", "too easy to guess"),
        ("dana", "welcome12345", "staff", "too easy to guess"),
        ("dana", "Dana12345678", "staff", "too easy to guess"),
        ("dana", "ketamine1234", "staff", "too easy to guess"),
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


SECOND = timedelta(seconds=1)
IDLE = 2 * SECOND


def test_a_session_ends_after_its_idle_time_unless_used(engine: Engine) -> None:
    account = create_account(engine, "dana", "Dana", PASSWORD, "staff")
    token, _ = start_session(engine, account, IDLE)
    for _ in range(3):  # 3 s in all, more than IDLE, used every second
        time.sleep(1)
        assert session_for(engine, token, IDLE) is not None
    time.sleep(IDLE.total_seconds() + 0.5)
    assert session_for(engine, token, IDLE) is None


def test_a_live_streams_recheck_is_not_activity(engine: Engine) -> None:
    account = create_account(engine, "dana", "Dana", PASSWORD, "staff")
    token, _ = start_session(engine, account, IDLE)
    checks = []
    for _ in range(7):  # 3 s, checked every half second
        checks.append(session_for(engine, token, IDLE, activity=False) is not None)
        time.sleep(0.5)
    assert checks[0] and not checks[-1]


def test_an_open_console_marked_available_is_not_idle(engine: Engine) -> None:
    on_duty = create_account(engine, "dana", "Dana", PASSWORD, "staff")
    away = create_account(engine, "robin", "Robin", PASSWORD, "staff")
    set_available(engine, on_duty, True)
    tokens = {
        name: start_session(engine, account, IDLE)[0]
        for name, account in (("dana", on_duty), ("robin", away))
    }
    for _ in range(3):
        time.sleep(1)
        for token in tokens.values():
            keep_on_duty_session(engine, token, IDLE)
    assert session_for(engine, tokens["dana"], IDLE) is not None
    assert session_for(engine, tokens["robin"], IDLE) is None


def test_activity_does_not_outlast_the_session_lifetime(engine: Engine) -> None:
    account = create_account(engine, "dana", "Dana", PASSWORD, "staff")
    token, _ = start_session(engine, account, IDLE)
    ends_in_3_seconds = datetime.now(timezone.utc) - SESSION_LIFETIME + 3 * SECOND
    with engine.begin() as connection:
        connection.execute(update(staff_sessions).values(created_at=ends_in_3_seconds))
    used = []
    for _ in range(4):  # used every second, as in the first test
        time.sleep(1)
        used.append(session_for(engine, token, IDLE) is not None)
    assert used[:2] == [True, True] and used[-1] is False


def test_expired_session_rows_are_deleted_when_someone_signs_in(
    engine: Engine,
) -> None:
    # A session's row holds its token's hash and CSRF token: once it can sign
    # nobody in, it is not kept (issue 24, retention).
    dana = create_account(engine, "dana", "Dana", PASSWORD, "staff")
    robin = create_account(engine, "robin", "Robin", PASSWORD, "staff")
    expired, _ = start_session(engine, dana, IDLE)
    current, _ = start_session(engine, dana)
    time.sleep(IDLE.total_seconds() + 0.5)
    assert session_rows(engine) == 2
    start_session(engine, robin)
    assert session_rows(engine) == 2  # robin's new one and dana's current one
    assert session_for(engine, expired, IDLE) is None
    assert session_for(engine, current) is not None


def session_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(staff_sessions)
        ).scalar_one()


def test_a_new_password_is_checked_against_common_ones(engine: Engine) -> None:
    create_account(engine, "dana", "Dana Smith", PASSWORD, "staff")
    with pytest.raises(AccountError, match="too easy to guess"):
        set_password(engine, "dana", "danasmith2026")
    assert authenticate(engine, "dana", PASSWORD) is not None, "the old one stands"
