"""A domain appears on pages it does not own (panels, the staff area) from its own init_app."""

import re

import pytest
from flask import Blueprint
from markupsafe import Markup

from learnapp.core.access import roles_required
from learnapp.core.extension_points import add_panel, add_staff_section


def add_visits_domain(app):
    """What a new domain's init_app does: a blueprint, a staff section, panels. No template of
    another domain is touched."""
    bp = Blueprint("visits_test", __name__)

    @bp.get("/office/visits-test/")
    @roles_required("guide")
    def sessions():
        return "sessions"

    app.register_blueprint(bp)
    add_staff_section(app, "visits_test.sessions", "Visites guidées", order=30,
                      description="Les sessions et leurs inscrits.")
    add_panel(app, "learner_home", lambda user: Markup("<p>Prochaine visite : samedi</p>"))
    add_panel(app, "account_page", lambda user: Markup("<p>Visites de {}</p>").format(user.display_name))
    # A panel may stay silent (nothing to show): it leaves no trace on the page.
    add_panel(app, "account_page", lambda user: None, order=5)


def menu(page: str) -> list[str]:
    nav = re.search(r'<nav class="wrap main-nav".*?</nav>', page, re.S).group(0)
    return re.findall(r"<li>", nav)


def office_links(page: str) -> list[str]:
    listing = re.search(r'<ul class="staff-sections">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', listing)


def test_a_new_domain_appears_in_the_staff_area_and_on_pages(app, client, make_user, login):
    add_visits_domain(app)
    guide = make_user("guide", name="Yann")
    login(guide)

    home = client.get("/").get_data(as_text=True)
    assert "Prochaine visite : samedi" in home
    assert 'href="/office/"' in home  # the header's one link to the staff area
    account = client.get("/account").get_data(as_text=True)
    assert "Visites de Yann" in account

    office = client.get("/office/")
    assert office.status_code == 200
    # A guide sees only what a guide may open.
    assert office_links(office.get_data(as_text=True)) == ["/office/visits/", "/office/visits-test/"]
    assert "Les sessions et leurs inscrits." in office.get_data(as_text=True)


def test_staff_and_admins_see_their_sections_in_order(app, client, make_user, login):
    add_visits_domain(app)
    login(make_user("staff"))
    links = office_links(client.get("/office/").get_data(as_text=True))
    assert links == ["/office/dashboard/", "/office/courses/", "/office/quizzes/", "/office/visits/",
                     "/certificates/staff", "/office/schools/", "/office/ambassadors/",
                     "/office/ambassadors/directory", "/office/partners/", "/office/mail/", "/office/audit/"]
    client.post("/logout")

    login(make_user("admin"))
    links = office_links(client.get("/office/").get_data(as_text=True))
    assert links == ["/office/dashboard/", "/office/courses/", "/office/quizzes/", "/office/visits/",
                     "/office/visits-test/", "/certificates/staff", "/office/schools/", "/office/ambassadors/",
                     "/office/ambassadors/directory", "/office/partners/", "/partners/", "/office/mail/",
                     "/admin/users", "/office/audit/"]


def test_a_learner_has_no_staff_area(client, make_user, login):
    login(make_user("learner"))
    assert 'href="/office/"' not in client.get("/").get_data(as_text=True)
    assert client.get("/office/").status_code == 403


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_header_keeps_a_few_entries_however_many_sections(app, client, make_user, login,
                                                             language):
    add_visits_domain(app)
    anonymous = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    assert len(menu(anonymous)) == 4  # home, courses, log in, register
    login(make_user("admin"))
    page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    # home, courses, staff area, my account, log out: five sections do not add five links
    assert len(menu(page)) == 5
    assert ("Espace équipe" if language == "fr" else "Staff area") in page
    assert "/office/courses/" not in page


def test_courses_and_quizzes_staff_pages_share_one_breadcrumb(client, make_user, login):
    login(make_user("staff"))
    for path, section in (("/office/courses/", "/office/courses/"),
                          ("/office/quizzes/", "/office/quizzes/")):
        page = client.get(path).get_data(as_text=True)
        assert page.count('class="staff-breadcrumb"') == 1, path
        crumbs = re.search(r'class="staff-breadcrumb".*?</ol>', page, re.S).group(0)
        assert re.findall(r'href="([^"]+)"', crumbs)[:2] == ["/office/", section]


def test_registration_mistakes_fail_at_start_up(app):
    with pytest.raises(ValueError, match="unknown panel slot"):
        add_panel(app, "course-page", "x.html")
    with pytest.raises(ValueError, match="registered twice"):
        add_staff_section(app, "authoring.courses", "Again")


def test_the_staff_area_follows_a_role_granted_after_the_sections_were_worked_out(app, client, db,
                                                                                   make_user, login):
    # The visible sections are kept per set of roles: a new role is a new set, seen at once.
    from learnapp.auth import services
    from learnapp.db import utcnow

    learner = make_user("learner")
    login(learner)
    assert 'href="/office/"' not in client.get("/").get_data(as_text=True)
    services.grant_role(db.session.merge(learner), "guide", actor=None, now=utcnow())
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    if 'href="/login"' in page:  # a new role may ask to sign in again
        login(learner)
        page = client.get("/").get_data(as_text=True)
    assert 'href="/office/"' in page
    assert office_links(client.get("/office/").get_data(as_text=True)) == ["/office/visits/"]


def test_a_panel_with_a_max_age_is_rendered_once_per_language_until_it_expires(app, client, monkeypatch):
    # The home page's public panels (palmarès, portraits, advantages) read nothing of the visitor:
    # kept a minute per language instead of queried on every view of the busiest page.
    from learnapp.core import extension_points

    renders = []
    clock = [1000.0]
    monkeypatch.setattr(extension_points.time, "monotonic", lambda: clock[0])

    def panel(**_):
        renders.append(1)
        return Markup("<p>Palmarès n° {}</p>").format(len(renders))

    add_panel(app, "public_home", panel, max_age=60)
    assert "Palmarès n° 1" in client.get("/").get_data(as_text=True)
    clock[0] += 59
    assert "Palmarès n° 1" in client.get("/").get_data(as_text=True)
    assert "Palmarès n° 2" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    clock[0] += 2
    assert "Palmarès n° 3" in client.get("/").get_data(as_text=True)
    assert len(renders) == 3
