"""The deliveries queue (store/deliveries.py): digests, owed deliveries and their claims, on
SQLite and PostgreSQL. The claim is what makes a delivery go out once: tried here by relays
racing in threads."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

from monitor.model import DeliveryStatus as S
from monitor.model import Digest, Source
from monitor.store import Store
from tests.support.stored import ARTICLE, BABARYKA, NOW, ingest, pending_alerts

LEASE = timedelta(minutes=15)


def digest_of(store: Store, route: str, key: str = "dg_1") -> Digest:
    alerts = pending_alerts(store, route, None)
    ids = tuple(alert.match_id for alert in alerts)
    return Digest(route, key, "subject", "text", "<p>html</p>", NOW, {"standard": b"{}"}, ids)


def owe(store: Store, targets: list[tuple[str, str]], route: str = "daily") -> list[int]:
    ingest(store, [ARTICLE], [BABARYKA])
    owed = store.deliveries.create_digest(digest_of(store, route), targets, NOW)
    assert owed is not None
    return owed


def test_a_match_enters_a_routes_digest_only_once(store: Store) -> None:
    owe(store, [("outbox", "var/outbox")])
    assert pending_alerts(store, "daily", None) == []
    assert len(pending_alerts(store, "other-route", None)) == 1  # routes are independent


def test_a_digest_whose_alerts_were_taken_meanwhile_writes_nothing(store: Store) -> None:
    ingest(store, [ARTICLE], [BABARYKA])
    first, late = digest_of(store, "daily", "dg_a"), digest_of(store, "daily", "dg_b")
    assert store.deliveries.create_digest(first, [("outbox", "x")], NOW) is not None
    assert store.deliveries.create_digest(late, [("outbox", "x")], NOW) is None
    assert len(store.deliveries.due(NOW)) == 1


def test_a_digest_without_alerts_is_not_stored(store: Store) -> None:
    empty = Digest("daily", "dg_0", "s", "t", "h", NOW)
    assert store.deliveries.create_digest(empty, [("outbox", "x")], NOW) == []
    assert store.deliveries.due(NOW) == []


def test_pending_alerts_filter_by_rule_ids(store: Store) -> None:
    ingest(store, [ARTICLE], [BABARYKA])
    assert pending_alerts(store, "daily", {"someone-else"}) == []
    assert len(pending_alerts(store, "daily", {"babaryka"})) == 1


def test_a_claimed_delivery_carries_every_rendered_form(store: Store) -> None:
    [owed] = owe(store, [("webhook", "ngo")])
    delivery = store.deliveries.claim(owed, NOW, LEASE)
    assert delivery is not None
    assert (delivery.channel, delivery.target, delivery.attempts) == ("webhook", "ngo", 0)
    assert (delivery.digest.key, delivery.digest.html) == ("dg_1", "<p>html</p>")
    assert delivery.digest.bodies == {"standard": b"{}"}


def test_a_failed_delivery_stays_owed_until_sent(store: Store) -> None:
    [owed] = owe(store, [("email", "a@example.org")])
    assert store.deliveries.due(NOW) == [owed]
    assert store.deliveries.claim(owed, NOW, LEASE) is not None
    store.deliveries.mark_failed(owed, "connection refused", NOW + timedelta(minutes=5))
    assert store.deliveries.due(NOW) == []
    again = store.deliveries.claim(owed, NOW + timedelta(minutes=5), LEASE)
    assert again is not None and again.attempts == 1
    store.deliveries.mark_sent(owed, NOW + timedelta(minutes=6))
    assert store.deliveries.due(NOW + timedelta(days=1)) == []
    [record] = store.deliveries.records([S.SENT])
    assert (record.id, record.attempts, record.sent_at) == (owed, 2, NOW + timedelta(minutes=6))


def test_a_permanently_failed_delivery_is_dead_listed_and_can_be_owed_again(store: Store) -> None:
    [owed] = owe(store, [("email", "x@bad")])
    store.deliveries.claim(owed, NOW, LEASE)
    store.deliveries.mark_failed(owed, "550 no such user", None)
    assert store.deliveries.due(NOW + timedelta(days=10)) == []
    [record] = store.deliveries.records([S.DEAD])
    assert (record.target, record.last_error, record.route) == (
        "x@bad",
        "550 no such user",
        "daily",
    )
    assert store.deliveries.retry(None, NOW + timedelta(days=1)) == 1
    assert store.deliveries.due(NOW + timedelta(days=1)) == [owed]


def test_retry_by_id_touches_only_dead_deliveries(store: Store) -> None:
    [dead, fine] = owe(store, [("email", "x@bad"), ("email", "a@example.org")])
    store.deliveries.claim(dead, NOW, LEASE)
    store.deliveries.mark_failed(dead, "550", None)
    assert store.deliveries.retry([dead, fine], NOW) == 1


def test_a_delivery_is_claimed_once(store: Store) -> None:
    [owed] = owe(store, [("email", "a@example.org")])
    assert store.deliveries.claim(owed, NOW, LEASE) is not None
    assert store.deliveries.claim(owed, NOW, LEASE) is None
    assert store.deliveries.due(NOW) == []


def test_a_claim_abandoned_past_its_lease_can_be_taken_over(store: Store) -> None:
    [owed] = owe(store, [("email", "a@example.org")])
    store.deliveries.claim(owed, NOW, LEASE)
    assert store.deliveries.claim(owed, NOW + LEASE - timedelta(seconds=1), LEASE) is None
    assert store.deliveries.claim(owed, NOW + LEASE + timedelta(seconds=1), LEASE) is not None


def test_claims_left_by_a_dead_process_are_released_at_start(store: Store) -> None:
    [owed] = owe(store, [("email", "a@example.org")])
    store.deliveries.claim(owed, NOW, LEASE)
    assert store.deliveries.release_claims(NOW) == 1
    [record] = store.deliveries.records([S.PENDING])
    assert record.id == owed and store.deliveries.due(NOW) == [owed]


def test_relays_racing_in_threads_claim_each_delivery_once(store: Store) -> None:
    targets = [("email", f"r{i}@example.org") for i in range(40)]
    owed = owe(store, targets)
    claimed: list[int] = []
    start = threading.Barrier(8)

    def relay() -> None:
        start.wait()
        for delivery_id in store.deliveries.due(NOW):
            if (delivery := store.deliveries.claim(delivery_id, NOW, LEASE)) is not None:
                claimed.append(delivery.id)

    threads = [threading.Thread(target=relay) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(owed)  # every one claimed, none twice


def test_endpoints_can_be_disabled_and_enabled_again(store: Store) -> None:
    store.deliveries.disable_endpoint("webhook", "ngo", "HTTP 410 Gone", NOW)
    store.deliveries.disable_endpoint("webhook", "ngo", "HTTP 410 Gone again", NOW)
    assert store.deliveries.disabled_endpoints() == {("webhook", "ngo"): "HTTP 410 Gone again"}
    assert store.deliveries.enable_endpoint("webhook", "ngo") is True
    assert store.deliveries.enable_endpoint("webhook", "ngo") is False
    assert store.deliveries.disabled_endpoints() == {}


def test_pending_alerts_of_many_articles_each_carry_their_sources(store: Store) -> None:
    copies = [replace(ARTICLE, url=f"https://a.example/{i}", source=f"S{i}") for i in range(700)]
    ingest(store, copies, [BABARYKA])
    alerts = pending_alerts(store, "daily", None)
    assert len(alerts) == 700
    assert all(
        alert.sources == (Source(alert.article.source, alert.article.url),) for alert in alerts
    )
