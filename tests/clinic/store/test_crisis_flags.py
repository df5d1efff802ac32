from __future__ import annotations

from sqlalchemy import inspect

from clinic.store.crisis_flags import (
    CrisisFlag,
    list_crisis_flags,
    mark_notification,
    record_crisis_flag,
)
from clinic.store.db import make_engine
from clinic.store.migrate import upgrade


def test_migrations_create_the_schema(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    assert "crisis_flags" in inspect(engine).get_table_names()
    engine.dispose()


def test_migrating_twice_keeps_existing_rows(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    record_crisis_flag(engine, CrisisFlag("visitor-1", "i want to end it"))
    upgrade(database_url)
    assert [row["conversation_id"] for row in list_crisis_flags(engine)] == [
        "visitor-1"
    ]
    engine.dispose()


def test_a_flag_is_stored_and_its_notification_recorded(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    flag = CrisisFlag("visitor-2", "kms", detection="phrase", categories=("slang",))
    record_crisis_flag(engine, flag)
    assert mark_notification(engine, flag.reference, None)
    [row] = list_crisis_flags(engine, "visitor-2")
    assert (row["message"], row["detection"], row["categories"], row["status"]) == (
        "kms",
        "phrase",
        "slang",
        "new",
    )
    assert row["notified_at"] is not None and row["notify_error"] is None
    engine.dispose()


def test_a_failed_notification_is_kept_with_the_flag(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    flag = CrisisFlag("visitor-3", "help")
    record_crisis_flag(engine, flag)
    mark_notification(engine, flag.reference, "webhook answered HTTP 500")
    [row] = list_crisis_flags(engine, "visitor-3")
    assert row["notify_error"] == "webhook answered HTTP 500"
    assert row["notified_at"] is None
    assert row["reference"] == flag.reference and flag.reference.startswith("CF-")
    engine.dispose()


def test_no_row_means_no_notification_recorded(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    assert not mark_notification(engine, "CF-NOROW2", None)
    engine.dispose()


def test_very_long_messages_are_stored_truncated(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    engine = make_engine(url)
    record_crisis_flag(engine, CrisisFlag("visitor-4", "x" * 60_000))
    [row] = list_crisis_flags(engine)
    assert len(row["message"]) == 5000
    engine.dispose()
