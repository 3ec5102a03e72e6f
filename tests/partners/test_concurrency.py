"""Frequency limits hold under real concurrency: cashiers of one partner press "grant" for the same
card and the same once-a-day offer at the same moment, on a real gunicorn server (several workers
and threads) → exactly one use; the others are told it was already granted, never a 500.

Runs on SQLite here and on PostgreSQL under tests/with-postgres.sh."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from learnapp.partners.models import OfferUse
from tests.conftest import TEST_PASSWORD
from tests.partners.conftest import DAILY, UNLIMITED
from tests.visits.live import Client, gunicorn

CASHIERS = 8


def _all_at_once(clients, action) -> list:
    barrier = threading.Barrier(len(clients))

    def run(client):
        barrier.wait()
        return action(client)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(run, clients))


def _form_key(page: str, offer_id: int) -> str:
    """The one-time key of the grant form of one offer (each offer's form has its own)."""
    form = re.search(rf'action="[^"]*/offers/{offer_id}/use">(.*?)</form>', page, re.S).group(1)
    return re.search(r'name="key" value="([0-9a-f]{32})"', form).group(1)


def test_cashiers_pressing_at_once_record_one_use(app, db, migrated, tmp_path, make_ambassador, make_card,
                                                  make_partner):
    card = make_card(make_ambassador(1))
    _partner, cashiers, (daily, shop) = make_partner(offers=[DAILY, UNLIMITED], cashiers=CASHIERS)
    emails = [cashier.email for cashier in cashiers]
    number, daily_id, shop_id = card.number, daily.id, shop.id

    with gunicorn(migrated, tmp_path / "instance") as port:
        def signed_in(email):
            client = Client(port)
            client.log_in(email, TEST_PASSWORD)
            status, _headers, page = client.get(f"/partners/check?number={number}")
            assert status == 200, page[:300]
            client.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            client.keys = {offer_id: _form_key(page, offer_id) for offer_id in (daily_id, shop_id)}
            return client

        with ThreadPoolExecutor(max_workers=6) as pool:
            clients = list(pool.map(signed_in, emails))

        # 1. Every cashier grants the once-a-day entry at the same moment: one use.
        results = _all_at_once(clients, lambda c: c.post(
            f"/partners/cards/{number}/offers/{daily_id}/use", {"csrf_token": c.token, "key": c.keys[daily_id]}))
        statuses = [status for status, _h, _t in results]
        # One grant; every other cashier is told it was already granted (or, on a machine so busy
        # that SQLite's retries ran out, to try again: 503, nothing recorded). Never a 500.
        assert statuses.count(303) == 1, [(s, t[:200]) for s, _h, t in results]
        assert set(statuses) <= {303, 409, 503}, [(s, t[:200]) for s, _h, t in results if s not in (303, 409, 503)]
        assert all("Déjà accordée pour cette période" in text for status, _h, text in results if status == 409)

        # 2. One form sent many times at once (a double tap on a slow network), unlimited offer: one use.
        # Each offer's form carries its own key; the shop offer's was never sent in step 1.
        same_key = clients[0].keys[shop_id]
        results = _all_at_once(clients, lambda c: c.post(
            f"/partners/cards/{number}/offers/{shop_id}/use", {"csrf_token": c.token, "key": same_key}))
        statuses = [status for status, _h, _t in results]
        assert statuses.count(303) == 1 and set(statuses) <= {303, 409, 503}, statuses

    db.session.expire_all()
    counted = dict(db.session.execute(select(OfferUse.offer_id, func.count()).group_by(OfferUse.offer_id)).all())
    assert counted == {daily_id: 1, shop_id: 1}
