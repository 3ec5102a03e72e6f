"""Visit rules, with no app and no database."""

from datetime import UTC, datetime, timedelta

from learnapp.visits import rules

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
START = NOW + timedelta(days=3)


def facts(**changes):
    values = {"starts_at": START, "ends_at": START + timedelta(hours=2), "status": rules.SCHEDULED,
              "audiences": ("teen", "adult")}
    values.update(changes)
    return rules.SessionFacts(**values)


def refusal(session=None, **kwargs):
    values = {"now": NOW, "age_group": "adult", "seats": 1}
    values.update(kwargs)
    return rules.booking_refusal(session or facts(), **values)


def test_an_open_session_accepts_an_adult():
    assert refusal() is None


def test_each_closed_door_has_its_reason():
    assert refusal(facts(status=rules.CANCELLED)) == "cancelled"
    assert refusal(now=START) == "past"
    assert refusal(facts(booking_opens_at=NOW + timedelta(hours=1))) == "not_open"
    assert refusal(facts(booking_closes_at=NOW)) == "closed"
    assert refusal(age_group="child") == "audience"
    assert refusal(email_confirmed=False) == "email"


def test_seats_are_checked_against_the_children_named():
    assert refusal(seats=0) == "seats_invalid"
    assert refusal(seats=-3) == "seats_invalid"
    assert refusal(seats=rules.MAX_SEATS_PER_BOOKING + 1) == "seats_limit"
    assert refusal(seats=3, children=["Lou", "Tom"]) is None
    assert refusal(seats=3, children=["Lou"]) == "children_names"
    assert refusal(seats=2, children=["   "]) == "children_names"
    assert refusal(seats=2, children=["x" * (rules.CHILD_NAME_MAX + 1)]) == "children_names"
    assert refusal(seats=2, children=["Lou"], age_group="teen") == "children_adult_only"


def test_overlap_is_half_open():
    a, b = START, START + timedelta(hours=2)
    assert rules.overlaps(a, b, a + timedelta(hours=1), b + timedelta(hours=1))
    assert not rules.overlaps(a, b, b, b + timedelta(hours=1))
    assert rules.overlaps(a, b, a - timedelta(hours=1), b + timedelta(hours=1))


def test_cancelling_after_the_deadline_is_for_staff_only():
    assert rules.may_cancel(now=START - timedelta(hours=25), starts_at=START, cancel_until=None, is_staff=False)
    assert not rules.may_cancel(now=START - timedelta(hours=23), starts_at=START, cancel_until=None,
                                is_staff=False)
    assert rules.may_cancel(now=START - timedelta(hours=1), starts_at=START, cancel_until=None, is_staff=True)
    assert rules.may_cancel(now=START - timedelta(hours=2), starts_at=START,
                            cancel_until=START - timedelta(hours=1), is_staff=False)


def test_promotion_goes_in_order_and_skips_a_group_that_does_not_fit():
    waiting = [(1, 3), (2, 1), (3, 1), (4, 2)]
    assert rules.promotions(waiting, 1) == [2]
    assert rules.promotions(waiting, 2) == [2, 3]
    assert rules.promotions(waiting, 3) == [1]
    assert rules.promotions(waiting, 7) == [1, 2, 3, 4]
    assert rules.promotions(waiting, 0) == []
    assert rules.promotions([], 5) == []


def test_waitlist_place_counts_from_one():
    assert rules.waitlist_place([7, 9, 12], 9) == 2
    assert rules.waitlist_place([7, 9, 12], 5) is None


def test_local_times_keep_the_wall_clock_across_dst():
    summer = rules.local_to_utc(datetime(2026, 10, 24, 14, 0))
    winter = rules.local_to_utc(datetime(2026, 10, 25, 14, 0))
    assert (summer.hour, winter.hour) == (12, 13)
    starts = [datetime(2026, 10, 17, 14, 0) + timedelta(weeks=n) for n in range(3)]  # across the change
    assert [rules.local(rules.local_to_utc(s)).hour for s in starts] == [14, 14, 14]


def test_month_bounds_are_local_months():
    start, end = rules.month_bounds("2026-12")
    assert rules.local(start) .day == 1 and rules.local(start).hour == 0
    assert rules.local(end).month == 1 and rules.local(end).year == 2027
    assert rules.month_bounds("2026-13") is None
    assert rules.month_bounds("nope") is None


def test_guide_clashes_find_overlaps_even_far_apart():
    t = START
    sessions = [("long", 1, t, t + timedelta(hours=5)), ("short", 1, t + timedelta(hours=1), t + timedelta(hours=2)),
                ("later", 1, t + timedelta(hours=4), t + timedelta(hours=6)),
                ("other guide", 2, t, t + timedelta(hours=5)), ("no guide", None, t, t + timedelta(hours=5))]
    assert rules.guide_clashes(sessions) == [("long", "short"), ("long", "later")]
    assert rules.guide_clashes([("a", 1, t, t + timedelta(hours=1)),
                                ("b", 1, t + timedelta(hours=1), t + timedelta(hours=2))]) == []
