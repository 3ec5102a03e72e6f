"""Item statistics in plain Python: facility, discrimination, option choices, flags, pass rates.

No database: the SQL in ``stats_queries.py`` sums what is needed per question version
(counts and sums of products, never the attempts themselves) and these functions turn the sums
into the numbers staff read.

- **Facility index**: the mean credit on the question (0-1): 0.9 means nine learners in ten got
  it right.
- **Discrimination index**: the correlation between the credit on the question and the score on
  the *rest* of the attempt (the other questions' credit) — Moodle's own "discrimination index",
  a corrected point-biserial when credit is 0 or 1. It comes from six sums computed by one
  ``GROUP BY``, uses every attempt (not just the top and bottom 27 %), and is comparable across
  questions. Near 0: the question does not separate those who know from those who don't;
  negative: the strongest learners fail it more often than the weakest — check the key.
- **Too few attempts**: below :data:`MIN_ATTEMPTS` answers, the numbers are shown but marked and
  no flag is raised (they swing too much to judge a question).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from learnapp.quizzes import types

MIN_ATTEMPTS = 20
TOO_HARD = 0.2
TOO_EASY = 0.95
WEAK_DISCRIMINATION = 0.1

# Flag codes (the staff page words them).
FLAG_TOO_HARD = "too_hard"
FLAG_TOO_EASY = "too_easy"
FLAG_NEGATIVE = "negative_discrimination"
FLAG_WEAK = "weak_discrimination"
FLAG_UNUSED_OPTION = "unused_option"
FLAG_DISTRACTOR_BEATS_KEY = "distractor_beats_key"


@dataclass(frozen=True)
class ItemSums:
    """Per question version, over submitted attempts: x = credit on the item (0-1),
    y = the rest of the attempt's score (sum of the other items' credit)."""

    n: int = 0
    sum_x: float = 0.0
    sum_xx: float = 0.0
    sum_y: float = 0.0
    sum_yy: float = 0.0
    sum_xy: float = 0.0

    @classmethod
    def of(cls, pairs: Iterable[tuple[float, float]]) -> ItemSums:
        """From (credit, rest score) pairs: for tests and small samples."""
        n = 0
        sx = sxx = sy = syy = sxy = 0.0
        for x, y in pairs:
            n += 1
            sx += x
            sxx += x * x
            sy += y
            syy += y * y
            sxy += x * y
        return cls(n, sx, sxx, sy, syy, sxy)


def facility(sums: ItemSums) -> float | None:
    """Mean credit, 0-1; None when nobody answered."""
    if sums.n <= 0:
        return None
    return min(1.0, max(0.0, sums.sum_x / sums.n))


def discrimination(sums: ItemSums) -> float | None:
    """Pearson correlation of item credit and rest-of-attempt score, -1..1.

    None when it is undefined: fewer than two answers, or no spread in either (everyone got the
    question right, or every attempt had the same rest score)."""
    n = sums.n
    if n < 2:
        return None
    cov = n * sums.sum_xy - sums.sum_x * sums.sum_y
    var_x = n * sums.sum_xx - sums.sum_x ** 2
    var_y = n * sums.sum_yy - sums.sum_y ** 2
    # Sums of floats: treat a spread within rounding noise as none.
    if var_x <= 1e-9 * max(1.0, n * sums.sum_xx) or var_y <= 1e-9 * max(1.0, n * sums.sum_yy):
        return None
    return max(-1.0, min(1.0, cov / math.sqrt(var_x * var_y)))


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    correct: bool
    count: int = 0
    share: float | None = None  # of the answered items


def option_frequencies(options: Sequence[tuple[str, str, bool]], chosen: Mapping[str, int],
                       answered: int) -> list[Option]:
    """How often each option was chosen: ``options`` are (id, label, correct) in the
    question's order, ``chosen`` counts per option id, ``answered`` the items with an answer
    (for a multiple-answer question the shares may add up to more than 1)."""
    return [Option(option_id, label, correct, chosen.get(option_id, 0),
                   (chosen.get(option_id, 0) / answered) if answered else None)
            for option_id, label, correct in options]


@dataclass
class ItemStats:
    n: int
    facility: float | None
    discrimination: float | None
    options: list[Option] = field(default_factory=list)
    answered: int = 0  # items with an answer (the rest were left blank)
    flags: list[str] = field(default_factory=list)

    @property
    def few_attempts(self) -> bool:
        return self.n < MIN_ATTEMPTS


def flags_for(n: int, facility_index: float | None, discrimination_index: float | None,
              options: Sequence[Option] = (), question_type: str = "", *,
              min_attempts: int = MIN_ATTEMPTS) -> list[str]:
    """What looks wrong with a question. Nothing is flagged on too few attempts."""
    if n < min_attempts:
        return []
    found = []
    if facility_index is not None and facility_index < TOO_HARD:
        found.append(FLAG_TOO_HARD)
    if facility_index is not None and facility_index > TOO_EASY:
        found.append(FLAG_TOO_EASY)
    if discrimination_index is not None:
        if discrimination_index < 0:
            found.append(FLAG_NEGATIVE)
        elif discrimination_index < WEAK_DISCRIMINATION:
            found.append(FLAG_WEAK)
    if options and any(option.count == 0 for option in options):
        found.append(FLAG_UNUSED_OPTION)
    kind = types.REGISTRY.get(question_type)
    # Exactly one option right: a wrong option chosen more often than it is a warning.
    if kind is not None and kind.one_key and options:
        key_counts = [option.count for option in options if option.correct]
        wrong_counts = [option.count for option in options if not option.correct]
        if key_counts and wrong_counts and max(wrong_counts) > max(key_counts):
            found.append(FLAG_DISTRACTOR_BEATS_KEY)
    return found


def item_stats(sums: ItemSums, *, options: Sequence[tuple[str, str, bool]] = (),
               chosen: Mapping[str, int] | None = None, answered: int | None = None,
               question_type: str = "", min_attempts: int = MIN_ATTEMPTS) -> ItemStats:
    answered = sums.n if answered is None else answered
    frequencies = option_frequencies(options, chosen or {}, answered) if options else []
    f, d = facility(sums), discrimination(sums)
    return ItemStats(n=sums.n, facility=f, discrimination=d, options=frequencies, answered=answered,
                     flags=flags_for(sums.n, f, d, frequencies, question_type, min_attempts=min_attempts))


@dataclass(frozen=True)
class PassRate:
    tier_number: int
    tier_name: str
    audience: str
    attempts: int
    passed_attempts: int
    learners: int
    passed_learners: int
    mean_score: float | None

    @property
    def attempt_rate(self) -> float | None:
        return rate(self.passed_attempts, self.attempts)

    @property
    def learner_rate(self) -> float | None:
        return rate(self.passed_learners, self.learners)


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as « — », not 0 %)."""
    if whole <= 0:
        return None
    return min(1.0, max(0.0, part / whole))
