"""Quiz rules in plain Python: draws, scores, passing, unlocks, attempts and cooldowns.

No Flask, no database: values in, values out (tested without an app). The services feed these
functions with what they read and write down what they return.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from learnapp.core import age_groups

# The quizzes' own names for the age groups, kept until services.py, routes.py and staff.py ask
# ``learnapp.core.age_groups`` directly.
CHILD, TEEN, ADULT = age_groups.CHILD, age_groups.TEEN, age_groups.ADULT
AUDIENCES = age_groups.ALL

# Attempt statuses.
OPEN = "open"
SUBMITTED = "submitted"

# An answer that left the learner's device just before the deadline may arrive a little after
# it: the server still takes answers for this long after the deadline, never later.
GRACE = timedelta(seconds=15)

# What stands between a learner and a tier (codes; the views word them).
COURSE_NOT_DONE = "course_not_done"
PREVIOUS_TIER_NOT_PASSED = "previous_tier_not_passed"

# Whether a learner may start an attempt now (codes of ``Availability``).
AVAILABLE = "available"
RESUME = "resume"  # an attempt is open and within its time: carry on
EXPIRED = "expired"  # an attempt is open but its time is over: it will be graded as it stands
COOLDOWN = "cooldown"
NO_ATTEMPTS_LEFT = "no_attempts_left"
PASSED = "passed"
LOCKED = "locked"

# Feedback after an answer.
RIGHT = "right"
PARTLY = "partly"
WRONG = "wrong"

# Credits closer than this are equal (guards comparisons against float rounding).
EPSILON = 1e-9


# Drawing questions ------------------------------------------------------------------------------

def draw(candidates: Iterable[str], count: int, seed: int) -> list[str]:
    """``count`` distinct keys among ``candidates`` (all of them when there are fewer), in the
    order they will be asked. The same candidates and seed always give the same draw."""
    pool = sorted(set(candidates))
    return random.Random(seed).sample(pool, min(max(count, 0), len(pool)))


def item_random(seed: int, position: int) -> random.Random:
    """The random source that shuffles one item's choices: reproducible from the seed."""
    return random.Random(f"{seed}:{position}")


def audience_to_draw(learner: str, available: Iterable[str]) -> str | None:
    """The age group whose questions a learner of group ``learner`` gets, given the groups the
    tier has questions for: their own, else the nearest one, as for lessons (``age_groups``).
    ``None``: no question at all."""
    if not age_groups.is_group(learner):
        return learner if learner in set(available) else None
    return age_groups.nearest(learner, available)


# Scores ------------------------------------------------------------------------------------------

def clamp_credit(value: float) -> float:
    if not isinstance(value, int | float) or math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, float(value)))


def score_percent(credits: Sequence[float]) -> float:
    """The attempt's score in percent of the points, rounded to 0.01 (no question: 0)."""
    if not credits:
        return 0.0
    return round(100.0 * sum(clamp_credit(c) for c in credits) / len(credits), 2)


def is_pass(credits: Sequence[float], pass_mark: int) -> bool:
    """Passed when the points reach ``pass_mark`` percent, compared on the exact points (a
    rounded 69.995 % does not pass a 70 % mark)."""
    if not credits:
        return False
    points = sum(clamp_credit(c) for c in credits)
    return points * 100.0 >= pass_mark * len(credits) - EPSILON


def feedback(credit: float | None) -> str:
    if credit is None or credit <= EPSILON:
        return WRONG
    if credit >= 1.0 - EPSILON:
        return RIGHT
    return PARTLY


# Unlocks ----------------------------------------------------------------------------------------

def blockers(*, requires_course_done: bool, course_done: bool, requires_previous_tier: bool,
             previous_tier_passed: bool | None) -> list[str]:
    """What a learner still lacks to open a tier (empty: it is open).

    ``previous_tier_passed`` is ``None`` for the course's first tier (nothing before it)."""
    missing = []
    if requires_course_done and not course_done:
        missing.append(COURSE_NOT_DONE)
    if requires_previous_tier and previous_tier_passed is False:
        missing.append(PREVIOUS_TIER_NOT_PASSED)
    return missing


# Attempts, deadlines and cooldowns ----------------------------------------------------------

def deadline(started_at: datetime, time_limit_seconds: int | None) -> datetime | None:
    if not time_limit_seconds:
        return None
    return started_at + timedelta(seconds=time_limit_seconds)


def is_past_deadline(now: datetime, deadline_at: datetime | None, grace: timedelta = GRACE) -> bool:
    """True when answers may no longer be taken (the deadline plus a short grace has passed)."""
    return deadline_at is not None and now > deadline_at + grace


def finished_at(now: datetime, deadline_at: datetime | None) -> datetime:
    """When an attempt submitted at ``now`` counts as finished: never later than its deadline
    (an attempt left open past its time ended when its time ran out)."""
    if deadline_at is not None and now > deadline_at:
        return deadline_at
    return now


@dataclass(frozen=True)
class PastAttempt:
    number: int
    status: str  # OPEN | SUBMITTED
    submitted_at: datetime | None
    deadline_at: datetime | None
    passed: bool | None


@dataclass(frozen=True)
class Availability:
    code: str  # AVAILABLE | RESUME | EXPIRED | COOLDOWN | NO_ATTEMPTS_LEFT | PASSED | LOCKED
    until: datetime | None = None  # COOLDOWN: when the next attempt may start
    attempts_left: int | None = None  # None: unlimited

    @property
    def may_start(self) -> bool:
        """A start request would open (or resume) an attempt."""
        return self.code in (AVAILABLE, RESUME, EXPIRED)


def availability(attempts: Sequence[PastAttempt], *, max_attempts: int | None, cooldown_seconds: int,
                 now: datetime, blocked: bool = False) -> Availability:
    """Whether a learner may start (or resume) an attempt at a tier now.

    A passed tier takes no more attempts (its review stays available). An open attempt is
    resumed, whatever the limits. An open attempt past its deadline counts as finished at its
    deadline. The cooldown runs from the end of the latest attempt.
    """
    used = len(attempts)
    left = None if max_attempts is None else max(0, max_attempts - used)
    if any(a.passed for a in attempts):
        return Availability(PASSED, attempts_left=left)
    for attempt in attempts:
        if attempt.status == OPEN:
            code = EXPIRED if is_past_deadline(now, attempt.deadline_at) else RESUME
            return Availability(code, attempts_left=left)
    if blocked:
        return Availability(LOCKED, attempts_left=left)
    if left is not None and left <= 0:
        return Availability(NO_ATTEMPTS_LEFT, attempts_left=0)
    ends = [a.submitted_at for a in attempts if a.submitted_at is not None]
    if ends and cooldown_seconds > 0:
        until = max(ends) + timedelta(seconds=cooldown_seconds)
        if now < until:
            return Availability(COOLDOWN, until=until, attempts_left=left)
    return Availability(AVAILABLE, attempts_left=left)


def next_number(attempt_numbers: Iterable[int]) -> int:
    return max(attempt_numbers, default=0) + 1


# Comparing short text answers -----------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold_text(text: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive form of a short answer:
    « Îles  Chausey » , « iles-chausey » and « ILES CHAUSEY » all give ``ileschausey``."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in text.casefold() if ch.isalnum() and not unicodedata.combining(ch))
