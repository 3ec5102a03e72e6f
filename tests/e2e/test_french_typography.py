"""On a phone, French punctuation stays with its word and numbers stay whole.

Every lesson of the real course, in every age version, at 390 px wide and with the text enlarged
as people do on phones: in the lesson's text, objectives and key facts, no line ever starts with
« ? », « ! », « ; » or « : », and no number such as « 5 000 » is cut across two lines.
"""

import pytest
from sqlalchemy import select

from learnapp.courses.models import Course, Lesson
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

# For each "?", "!", ";", ":" typed after a space, and each number written in groups of three, the
# vertical position of its first and last character: different tops mean a line break inside.
FIND_BREAKS = r"""() => {
  // The lesson's own text: its body, objectives and key facts.
  const parts = document.querySelectorAll('.lesson-body, .lesson-box ul');
  const top = (node, index) => {
    const range = document.createRange();
    range.setStart(node, index);
    range.setEnd(node, index + 1);
    const rects = range.getClientRects();
    return rects.length ? Math.round(rects[0].top) : null;
  };
  const found = {punctuation: 0, numbers: 0, breaks: []};
  for (const part of parts) {
  const walker = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('code, pre')) continue;
    const text = node.data;
    for (const match of text.matchAll(/\S([ \u00a0\u202f])[?!;:]/g)) {
      found.punctuation += 1;
      if (top(node, match.index) !== top(node, match.index + 2)) {
        found.breaks.push(text.slice(Math.max(0, match.index - 20), match.index + 3));
      }
    }
    for (const match of text.matchAll(/\d{1,3}(?:[ \u00a0\u202f]\d{3})+/g)) {
      found.numbers += 1;
      const last = match.index + match[0].length - 1;
      if (top(node, match.index) !== top(node, last)) found.breaks.push(match[0]);
    }
  }
  }
  return found;
}"""


def test_no_line_breaks_before_french_punctuation_or_inside_numbers(app, db, runner, page, make_user):
    result = runner.invoke(args=["content", "load"])  # the repository's real course
    assert result.exit_code == 0, result.output
    course = db.session.scalar(select(Course))
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).all()
    assert len(lessons) == 7
    # Staff may read every age version of a lesson.
    log_in(page, make_user("admin"))

    breaks, punctuation, numbers = {}, 0, 0
    for lesson in lessons:
        for audience in ("child", "teen", "adult"):
            response = page.goto(f"/courses/{course.slug}/{lesson.slug}?audience={audience}")
            assert response.status == 200
            for zoom in ("100%", "118%", "137%", "162%", "200%"):
                page.evaluate("zoom => { document.documentElement.style.fontSize = zoom; }", zoom)
                found = page.evaluate(FIND_BREAKS)
                punctuation += found["punctuation"]
                numbers += found["numbers"]
                if found["breaks"]:
                    breaks[f"{lesson.slug}/{audience} at {zoom}"] = found["breaks"]
    assert page.evaluate("() => document.documentElement.clientWidth") == 390
    # The check looked at real cases: the course asks questions and writes « 5 000 hectares ».
    assert punctuation > 300 and numbers >= 5
    assert breaks == {}
