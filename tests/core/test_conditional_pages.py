"""Anonymous pages carry an ETag: a browser or proxy revalidates and gets a 304 with no body."""

from sqlalchemy import select


def test_an_anonymous_page_answers_304_when_unchanged(client):
    first = client.get("/")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert {"Cookie", "Accept-Language"} <= set(first.vary)
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert client.get("/", headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_the_etag_changes_with_the_language(client):
    french = client.get("/", headers={"Accept-Language": "fr"}).headers["ETag"]
    english = client.get("/", headers={"Accept-Language": "en"})
    assert english.headers["ETag"] != french
    assert client.get("/", headers={"Accept-Language": "en", "If-None-Match": french}).status_code == 200


def test_a_lesson_page_revalidates(app, client, db, runner):
    from learnapp.courses.models import Course, Lesson

    assert runner.invoke(args=["content", "load"]).exit_code == 0
    course = db.session.scalar(select(Course))
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    path = f"/courses/{course.slug}/{lesson.slug}"
    first = client.get(path)
    assert first.status_code == 200 and "ETag" in first.headers
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    # The same lesson in English is another page: the French page's ETag does not match it.
    english = client.get(path, headers={"If-None-Match": first.headers["ETag"], "Accept-Language": "en"})
    assert english.status_code == 200


def test_signed_in_pages_and_errors_carry_no_etag(client, make_user, login):
    assert "ETag" not in client.get("/no-such-page").headers
    login(make_user())
    response = client.get("/")
    assert response.status_code == 200
    assert "ETag" not in response.headers
