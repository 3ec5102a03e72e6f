"""The news the office listens to, kept in the funnel's rows (office/milestones.py) at the commit.

- ``activity_changed`` (core/signals.py): what a person has done changed (a lesson, an attempt,
  an attendance mark, an erasure, an ambassador level);
- ``lessons_changed``: a lesson got its first text (the web editor);
- ``attempt_graded``: the certification rates per period (office/period_rates.py), kept at once;
- ``roster_changed``: a session's present/absent counts (office/session_marks.py);
- the accounts themselves, watched at each flush: an account created, the learner role granted or
  removed, a birth year changed; and the session's bulk statements (a class roster's import grants
  the learner role to a list of pupils). Watching the session rather than asking auth, schools
  and the demos to send news catches every way the ORM writes an account, now and later; raw SQL
  outside the ORM is not seen (``learnapp office rebuild-funnel`` after it).

Apart from the rates, each only notes the person (or visit session) in the session; at the
commit, ``session_marks.keep_noted`` and ``milestones.keep_noted`` run first,
after the transaction's other writes, in the same transaction: the rows change with the news or
not at all."""

from __future__ import annotations

from sqlalchemy import event, inspect

from learnapp.auth.models import User, UserRole
from learnapp.core.signals import activity_changed, attempt_graded, lessons_changed, roster_changed
from learnapp.extensions import db
from learnapp.office import milestones, period_rates, rules, session_marks


def _on_activity_changed(user_id, **_):
    milestones.note_person(db.session(), user_id)


def _on_attempt_graded(attempt, **_):
    period_rates.record_graded(attempt)  # now: the rates are kept in the grading's own statements


def _on_roster_changed(session_id, **_):
    session_marks.note_session(db.session(), session_id)


def _keep_noted(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: what it noted is kept at the real commit
    session.flush()  # what the last flush notes is kept in this commit too
    session_marks.keep_noted(session)
    milestones.keep_noted(session)


def _forget_notes(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint rolled back: refreshing the people it noted anyway is harmless
    session_marks.forget_notes(session)
    milestones.forget_notes(session)


def _on_lessons_changed(_sender, **_):
    milestones.note_lessons(db.session())


def _watch_accounts(session, _flush_context) -> None:
    for row in session.new:
        if isinstance(row, User):
            milestones.note_person(session, row.id)
        elif isinstance(row, UserRole) and row.name == rules.LEARNER_ROLE:
            milestones.note_person(session, row.user_id)
    for row in session.deleted:
        if isinstance(row, UserRole) and row.name == rules.LEARNER_ROLE:
            milestones.note_person(session, row.user_id)
    for row in session.dirty:
        # A role removed from ``user.roles`` is deleted as an orphan during the flush: it shows in
        # the account's collection history, not in ``session.deleted``.
        if isinstance(row, User) and any(inspect(row).attrs[name].history.has_changes()
                                         for name in ("birth_year", "roles")):
            milestones.note_person(session, row.id)


def _watch_deleted_accounts(session, _flush_context, _instances) -> None:
    # Before the flush: once it ran, the account's kept row is gone with it (ON DELETE CASCADE) and
    # nothing would say which count to take it from. Accounts are anonymised, never deleted, here.
    if any(isinstance(row, User) for row in session.deleted):
        milestones.note_everyone(session)


_BUCKET_COLUMNS = frozenset({"birth_year", "created_at"})  # an account's bucket in the kept counts


def _rows(state) -> list[dict]:
    """The parameter rows of a bulk statement (one dict, a list of them, or none)."""
    if isinstance(state.parameters, list):
        return state.parameters
    return [state.parameters] if state.parameters else []


def _columns_set(state) -> set[str]:
    """The columns a bulk UPDATE sets: its VALUES (compiled parameter names) and, for an update by
    primary key from a list of rows, the rows' keys."""
    return set(state.statement.compile().params) | {key for row in _rows(state) for key in row}


def _watch_bulk_writes(state) -> None:
    """Bulk statements on accounts never show in the session's new, dirty or deleted rows."""
    if not (state.is_insert or state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    written = state.bind_mapper.class_
    if written is User and state.is_insert:
        return  # an account without the learner role is in no funnel; its role's insert is seen below
    if written is User and state.is_update and not _BUCKET_COLUMNS & _columns_set(state):
        return  # a last sign-in, a name: nothing the funnel counts by
    rows = _rows(state)
    if written is UserRole and state.is_insert and rows and all("user_id" in row and "name" in row for row in rows):
        for row in rows:
            if row["name"] == rules.LEARNER_ROLE:
                milestones.note_person(state.session, row["user_id"])
        return
    if written in (User, UserRole):
        milestones.note_everyone(state.session)  # a statement that names no one: rebuild at the commit


def connect(app) -> None:
    # Once per process (blinker keeps one entry per receiver; the events are checked).
    activity_changed.connect(_on_activity_changed)
    lessons_changed.connect(_on_lessons_changed)
    attempt_graded.connect(_on_attempt_graded)
    roster_changed.connect(_on_roster_changed)
    for name, listener in (("after_flush", _watch_accounts), ("before_flush", _watch_deleted_accounts),
                           ("do_orm_execute", _watch_bulk_writes), ("before_commit", _keep_noted),
                           ("after_rollback", _forget_notes)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
