"""Outbox channel and the channel registry: a delivery in, files in tmp_path out."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from monitor.deliver.channels import CHANNELS, send
from monitor.errors import DeliveryError
from monitor.targets import AppriseTarget, EmailTarget, OutboxTarget, WebhookTarget
from tests.support.digests import sample_delivery


def _send(folder: Path, delivery_id: int = 42) -> str:
    target = OutboxTarget(folder, "Monitor <monitor@example.org>")
    return send(sample_delivery(target, delivery_id), target)


def test_registry_names_a_channel_for_every_kind_of_target() -> None:
    kinds = (OutboxTarget, EmailTarget, WebhookTarget, AppriseTarget)
    assert set(CHANNELS) == {kind.channel for kind in kinds}


def test_a_channel_refuses_a_target_of_another_kind_for_good(tmp_path: Path) -> None:
    target = OutboxTarget(tmp_path, "Monitor <monitor@example.org>")
    with pytest.raises(DeliveryError, match="email channel cannot send to a OutboxTarget") as err:
        CHANNELS["email"](sample_delivery(target, 1), target)
    assert err.value.permanent
    assert list(tmp_path.iterdir()) == []  # nothing written by any channel


def test_writes_an_eml_and_an_html_copy_named_by_time_route_and_id(tmp_path: Path) -> None:
    folder = tmp_path / "var" / "outbox"  # created on demand
    description = _send(folder)
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["20261126T060000Z-belarus-42.eml", "20261126T060000Z-belarus-42.html"]
    assert description == f"wrote {folder / '20261126T060000Z-belarus-42.eml'}"


def test_eml_parses_back_text_first_and_names_the_people(tmp_path: Path) -> None:
    _send(tmp_path)
    message = BytesParser(policy=policy.default).parsebytes(
        next(tmp_path.glob("*.eml")).read_bytes()
    )
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    text = message.get_body(("plain",))
    assert text is not None
    for name in ("Viktar Babaryka", "Syarhey Tsikhanouski", "Maria Kalesnikava"):
        assert name in message["Subject"] and name in text.get_content()
    assert "Ціханоўскі" in text.get_content()


def test_html_copy_is_the_digest_html(tmp_path: Path) -> None:
    _send(tmp_path)
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert html == sample_delivery(OutboxTarget(tmp_path)).digest.html


def test_article_text_cannot_add_a_header(tmp_path: Path) -> None:
    _send(tmp_path)
    raw = next(tmp_path.glob("*.eml")).read_bytes()
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["Bcc"] is None
    assert b"\r\nBcc:" not in raw.split(b"\r\n\r\n")[0]


def test_retry_overwrites_its_own_files_and_leaves_no_temp_files(tmp_path: Path) -> None:
    _send(tmp_path)
    _send(tmp_path)
    _send(tmp_path, delivery_id=43)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [
        "20261126T060000Z-belarus-42.eml",
        "20261126T060000Z-belarus-42.html",
        "20261126T060000Z-belarus-43.eml",
        "20261126T060000Z-belarus-43.html",
    ]


def test_a_folder_that_cannot_be_written_is_retried_not_given_up(tmp_path: Path) -> None:
    """A file where the folder should be (or a read-only or full disk): someone can fix it,
    so the delivery stays owed, like one to a mail server that refuses a connection."""
    blocker = tmp_path / "outbox"
    blocker.write_text("not a folder")
    with pytest.raises(DeliveryError, match=r"^outbox .*outbox: ") as caught:
        _send(blocker)
    assert not caught.value.permanent


def test_an_empty_target_is_not_the_current_folder() -> None:
    with pytest.raises(DeliveryError, match=r"^outbox: no folder given$") as caught:
        send(sample_delivery(OutboxTarget(Path(" "))), OutboxTarget(Path(" ")))
    assert caught.value.permanent
