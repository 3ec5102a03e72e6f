"""Pure rules of cards and offers, with no app: period keys, refusals, the QR token."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from learnapp.cards import rules as cards
from learnapp.partners import rules

SECRET = "a-secret-key-for-tests"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_periods_are_counted_on_the_office_calendar():
    # 23:30 UTC on 1 December is already 2 December in Granville (UTC+1 in winter).
    late = at("2026-12-01T23:30:00")
    assert rules.period_key(rules.DAY, late) == "D2026-12-02"
    assert rules.period_key(rules.DAY, at("2026-12-01T22:59:00")) == "D2026-12-01"
    assert rules.period_key(rules.WEEK, at("2026-12-31T12:00:00")) == "W2026-53"
    assert rules.period_key(rules.WEEK, at("2027-01-01T12:00:00")) == "W2026-53"  # ISO week year
    assert rules.period_key(rules.MONTH, at("2026-12-31T23:30:00")) == "M2027-01"
    assert rules.period_key(rules.SEASON, at("2026-06-15T12:00:00")) == "S2026"
    assert rules.period_key(rules.UNLIMITED, late) is None


def test_the_next_period_opens_when_the_limit_says():
    moment = at("2026-12-02T10:00:00")  # a Wednesday
    assert rules.next_period_starts(rules.DAY, moment) == date(2026, 12, 3)
    assert rules.next_period_starts(rules.WEEK, moment) == date(2026, 12, 7)
    assert rules.next_period_starts(rules.MONTH, moment) == date(2027, 1, 1)
    assert rules.next_period_starts(rules.SEASON, moment) == date(2027, 1, 1)
    assert rules.next_period_starts(rules.UNLIMITED, moment) is None


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
       st.sampled_from([rules.DAY, rules.WEEK, rules.MONTH, rules.SEASON]))
def test_a_period_key_changes_exactly_when_the_next_period_starts(naive, frequency):
    moment = naive.replace(tzinfo=UTC)
    key = rules.period_key(frequency, moment)
    opens = rules.next_period_starts(frequency, moment)
    assert opens > rules.local_day(moment)
    # The last minute before the next period is still this period; its first minute is not.
    start = datetime(opens.year, opens.month, opens.day, tzinfo=rules.OFFICE_TIME_ZONE).astimezone(UTC)
    assert rules.period_key(frequency, start - timedelta(minutes=1)) == key
    assert rules.period_key(frequency, start) != key


OPEN = rules.OfferFacts(active=True, min_level_rank=2, age_groups=("adult",), valid_from=date(2026, 6, 1),
                        valid_until=date(2026, 12, 31))
NOW = at("2026-12-01T10:00:00")


def test_an_offer_asks_for_its_level_age_group_and_dates():
    assert rules.offer_refusal(OPEN, rules.HolderFacts(2, "adult"), NOW) is None
    assert rules.offer_refusal(OPEN, rules.HolderFacts(3, "adult"), NOW) is None
    assert rules.offer_refusal(OPEN, rules.HolderFacts(1, "adult"), NOW) == "level"
    assert rules.offer_refusal(OPEN, rules.HolderFacts(2, "teen"), NOW) == "age_group"
    assert rules.offer_refusal(OPEN, rules.HolderFacts(2, "adult"), at("2027-01-01T10:00:00")) == "offer_ended"
    assert rules.offer_refusal(OPEN, rules.HolderFacts(2, "adult"), at("2026-05-31T10:00:00")) == "offer_not_started"
    closed = rules.OfferFacts(False, 0, (), None, None)
    assert rules.offer_refusal(closed, rules.HolderFacts(3, "adult"), NOW) == "offer_closed"
    anyone = rules.OfferFacts(True, 0, (), None, None)
    assert rules.offer_refusal(anyone, rules.HolderFacts(0, "child"), NOW) is None


def test_offer_problems_name_what_staff_must_fix():
    assert rules.offer_problems(title="Entrée", frequency="day", min_level_rank=1, age_groups=("adult",),
                                valid_from=None, valid_until=None) == []
    assert rules.offer_problems(title=" ", frequency="hourly", min_level_rank=12, age_groups=("elder",),
                                valid_from=date(2026, 2, 1), valid_until=date(2026, 1, 1)) == [
        "title_missing", "frequency_unknown", "level_unknown", "age_group_unknown", "dates_reversed"]


def test_the_qr_token_is_signed_and_names_the_card():
    number = cards.new_number()
    token = cards.sign(number, SECRET)
    assert cards.unsign(token, SECRET) == number
    assert cards.unsign(token, "another-key") is None
    forged_number = cards.new_number()
    assert cards.unsign(forged_number + token[len(number):], SECRET) is None  # someone else's signature
    assert cards.unsign(number, SECRET) is None  # no signature at all
    assert cards.unsign("x" * 500, SECRET) is None
    assert cards.unsign("", SECRET) is None


def test_a_card_is_refused_replaced_expired_or_while_its_holder_is_away():
    valid_until = NOW + timedelta(days=30)
    active = cards.StandingFacts(active=True, reason=None)
    assert cards.card_refusal(cards.CardFacts(True, valid_until), active, NOW) is None
    assert cards.card_refusal(None, active, NOW) == "unknown"
    assert cards.card_refusal(cards.CardFacts(False, valid_until), active, NOW) == "replaced"
    assert cards.card_refusal(cards.CardFacts(True, NOW), active, NOW) == "expired"
    assert cards.card_refusal(cards.CardFacts(True, valid_until), None, NOW) == "not_ambassador"
    for reason in ("paused", "left", "manifesto_overdue", "consent_missing"):
        assert cards.card_refusal(cards.CardFacts(True, valid_until), cards.StandingFacts(False, reason), NOW) == reason


def test_tokens_printed_before_the_signer_was_kept_still_verify():
    """The signer's key is derived once per process now; a QR printed with a plain itsdangerous
    Signer (how every card so far was signed) must still open the check, and the reverse."""
    import hashlib

    from itsdangerous import Signer

    number = cards.new_number()
    printed = Signer(SECRET, salt=cards.SALT, digest_method=hashlib.sha256).sign(number).decode("ascii")
    assert cards.unsign(printed, SECRET) == number
    assert cards.sign(number, SECRET) == printed
