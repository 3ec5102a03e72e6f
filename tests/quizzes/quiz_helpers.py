"""Builders shared by the quiz tests: a course with lessons, tiers, a bank of one question of
each type, a finished course. Plain functions (not fixtures), so each test says what it uses."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from learnapp.courses.models import Course, Lesson, LessonProgress, LessonVersion
from learnapp.extensions import db
from learnapp.quizzes import attempts, bank_import, types
from learnapp.quizzes.models import QuizAttempt, QuizTier

SLUG = "granville-terre-et-mer"

# Our own GIFT sample (every type the importer takes, and what it refuses); Moodle's examples file
# covers the same ground from outside and is only read where ../shared/ is present.
GIFT_SAMPLE = Path(__file__).parent / "samples" / "granville.gift"
MOODLE_GIFT_EXAMPLES = "interop/moodle-gift-examples.txt"


@dataclass(frozen=True)
class GiftSample:
    """A GIFT file and what reading it must give: blocks read, questions taken, lines refused."""

    name: str
    read: int
    taken: int
    refused_lines: tuple[int, ...]
    path: Path | None = None  # ours: in tests/
    shared: str | None = None  # outside reference data: found through the shared_file fixture

    def located(self, shared_file) -> GiftSample:
        return self if self.path else replace(self, path=shared_file(self.shared))


def gift_samples() -> list[GiftSample]:
    return [
        GiftSample("ours", read=12, taken=8, refused_lines=(25, 27, 29, 31), path=GIFT_SAMPLE),
        GiftSample("moodle", read=43, taken=34, refused_lines=(25, 27, 43, 49, 136, 167, 169, 171, 173),
                   shared=MOODLE_GIFT_EXAMPLES),
    ]
LESSONS = ("les-marees", "chausey")


def make_course(now, *, slug: str = SLUG, lessons=LESSONS, published: bool = True) -> Course:
    course = Course(slug=slug, title="Granville Terre et Mer", summary="", audiences=["child", "teen", "adult"],
                    published=published, created_at=now, position=1)
    db.session.add(course)
    db.session.flush()
    for position, lesson_slug in enumerate(lessons, start=1):
        lesson = Lesson(course_id=course.id, slug=lesson_slug, position=position, created_at=now)
        db.session.add(lesson)
        db.session.flush()
        db.session.add(LessonVersion(lesson_id=lesson.id, audience="adult", number=1, title=lesson_slug, minutes=5,
                                     objectives=[], key_facts=[], body_markdown="Texte.", body_html="<p>Texte.</p>",
                                     source_hash=lesson_slug, source="files", created_at=now))
    db.session.commit()
    return course


def finish_course(user, course, now) -> None:
    """The learner marks every lesson of the course done."""
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
        version = db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id))
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=course.id,
                                      last_version_id=version.id, completed_version_id=version.id,
                                      first_seen_at=now, last_seen_at=now, completed_at=now))
    db.session.commit()


def make_tier(course, number: int = 1, **settings) -> QuizTier:
    values = {"name": {1: "Découverte", 2: "Confirmé", 3: "Expert"}.get(number, f"Niveau {number}"),
              "questions_per_attempt": 4, "pass_mark": 70, "time_limit_seconds": None, "max_attempts": None,
              "cooldown_seconds": 0, "show_answers": True, "requires_course_done": True,
              "requires_previous_tier": True}
    values.update(settings)
    tier = QuizTier(course_id=course.id, number=number, source_hash="", **values)
    db.session.add(tier)
    db.session.commit()
    return tier


def question(key: str, kind: str = "single", *, tiers=(1,), audiences=("child", "teen", "adult"), **fields) -> dict:
    """A question in the YAML shape; the type's fields default to a simple right answer."""
    defaults = {
        "single": {"choices": [{"text": f"Bonne {key}", "correct": True}, {"text": f"Fausse {key}"},
                               {"text": f"Autre {key}"}]},
        "multiple": {"choices": [{"text": "Chausey", "correct": True}, {"text": "Les Minquiers", "correct": True},
                                 {"text": "Belle-Île"}, {"text": "Ouessant"}]},
        "true_false": {"answer": True},
        "ordering": {"items": ["Basse mer", "Marée montante", "Pleine mer", "Marée descendante"]},
        "matching": {"pairs": [{"left": "Chausey", "right": "archipel"}, {"left": "Villedieu", "right": "cuivre"},
                               {"left": "Dior", "right": "couture"}]},
        "numeric": {"answer": 14, "tolerance": 1, "unit": "mètres"},
        "short_text": {"answers": ["Chausey", "îles Chausey"]},
        "image_choice": {"choices": [{"image": "images/red.png", "alt": "Un carré rouge", "correct": True},
                                     {"image": "images/blue.png", "alt": "Un carré bleu"}]},
    }
    raw = {"id": key, "type": kind, "tiers": list(tiers), "audiences": list(audiences), "lesson": "les-marees",
           "tags": ["marées"], "prompt": f"Question **{key}** ?", "explanation": f"Parce que {key}."}
    raw.update(defaults[kind])
    raw.update(fields)
    return raw


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return buffer.getvalue()


IMAGES = {"images/red.png": png("red"), "images/blue.png": png("blue")}


def add_questions(course, questions, now, *, source: str = "files"):
    report = bank_import.import_questions(course, questions, source=source, author=None, now=now,
                                       images=IMAGES.__getitem__)
    assert report.problems == [], [p.message for p in report.problems]
    db.session.commit()
    return report


def every_type(tiers=(1,), audiences=("child", "teen", "adult")) -> list[dict]:
    return [question(f"{kind.replace('_', '-')}-q", kind, tiers=tiers, audiences=audiences)
            for kind in ("single", "multiple", "true_false", "ordering", "matching", "numeric", "short_text",
                         "image_choice")]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rebuild_kept_stats(db) -> None:
    """Attempts written straight into the tables (not graded by the service) reach the
    statistics' kept sums through the backfill, as existing attempts do after the migration."""
    from learnapp.quizzes import tallies

    tallies.rebuild()
    db.session.commit()


def take(user, tier, when, rng: random.Random, p_right: float, p_blank: float) -> QuizAttempt | None:
    """One attempt through the services, each answer right, wrong or left blank at random."""
    try:
        attempt = attempts.start_attempt(user, tier, when, seed=rng.randrange(1, 2**31 - 1))
    except attempts.QuizError:
        return None  # passed already, or nothing to draw
    items = attempts.load_items(attempt)
    values: dict[str, list[str]] = {}
    for item in items:
        if rng.random() < p_blank:
            continue
        version = item.question_version
        parts = types.get(version.type).demo_values(version.definition, rng.random() < p_right, rng)
        name = attempts.field_name(item)
        values.update({f"{name}-{part}" if part else name: value for part, value in parts.items()})
    answers, errors = attempts.parse_answers(items, MultiDict(values))
    attempts.submit_attempt(user, attempt, when + timedelta(minutes=5),
                            answers={p: a for p, a in answers.items() if p not in errors})
    return attempt
