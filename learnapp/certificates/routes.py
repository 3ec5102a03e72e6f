"""Certificates on the web: the public verification pages, the published keys and issuer, the
learner's "Mes certificats" with its files, and the staff's search, revocation and re-issue."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

import segno
from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import select

from learnapp.certificates import keys, pdf, rules, services, verification
from learnapp.certificates.forms import ReissueForm, RevokeForm, SearchForm, VerifyForm
from learnapp.certificates.models import Achievement, Certificate
from learnapp.certificates.receivers import settings
from learnapp.core.access import login_required, public, roles_required
from learnapp.core.i18n import _
from learnapp.core.templating import PARIS
from learnapp.db import utcnow
from learnapp.extensions import db

public_bp = Blueprint("verify", __name__, template_folder="templates")
bp = Blueprint("certificates", __name__, url_prefix="/certificates", template_folder="templates")

def _status_label(state: str) -> str:
    return {
        rules.VALID: _("Certificat valide"),
        rules.REVOKED: _("Certificat révoqué"),
        rules.EXPIRED: _("Certificat expiré"),
        rules.SUPERSEDED: _("Certificat remplacé"),
        rules.UNKNOWN: _("Certificat inconnu"),
    }[state]


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "fr")


# --- Published: keys, issuer, achievements -------------------------------------------------------

@public_bp.get("/.well-known/jwks.json")
@public
def jwks():
    response = jsonify(keys.published(settings().instance_path))
    response.cache_control.max_age = 300
    return response


@public_bp.get("/certificates/issuer")
@public
def issuer():
    profile = services.issuer_profile(settings())
    if profile is None:
        abort(404)
    return jsonify(profile)


@public_bp.get("/certificates/achievements/<key>")
@public
def achievement(key: str):
    found = db.session.scalars(select(Achievement).where(Achievement.key == key)).first()
    if found is None:
        abort(404)
    return jsonify({"@context": [rules.VC_CONTEXT, rules.OB_CONTEXT], "id": settings().achievement_id(found.key),
                    "type": ["Achievement"], "name": found.names["fr"], "description": found.descriptions["fr"],
                    "criteria": {"narrative": found.criteria["fr"]}, "inLanguage": "fr",
                    "translations": {"en": {"name": found.names["en"], "description": found.descriptions["en"],
                                            "criteria": found.criteria["en"]}},
                    **({"image": rules.image(settings().image_url(found.image), found.names["fr"])}
                       if found.image else {})})


# --- Verification, for anyone ----------------------------------------------------------------------

def _answer(certificate: Certificate | None, now: datetime) -> dict:
    if certificate is None:
        return {"status": rules.UNKNOWN, "message": _status_label(rules.UNKNOWN)}
    state = services.status_of(certificate, now)
    locale = _locale()
    answer = {
        "status": state,
        "message": _status_label(state),
        "code": rules.display_code(certificate.code),
        "holder": certificate.public_name,
        "achievement": certificate.achievement.text("names", locale),
        "issued_at": rules.iso(certificate.issued_at),
        "expires_at": rules.iso(certificate.expires_at) if certificate.expires_at else None,
        "issuer": settings().issuer_id,
    }
    if state == rules.REVOKED:
        answer["revoked"] = {"date": rules.iso(certificate.revoked_at), "reason": certificate.revoked_reason}
    if certificate.superseded_by_id:
        answer["superseded_by"] = rules.display_code(certificate.superseded_by.code)
    return answer


@public_bp.get("/verify/<code>")
@public
def verify_code(code: str):
    as_json = code.endswith(".json") or _wants_json()
    code = code.removesuffix(".json")
    now = utcnow()
    certificate = services.by_code(code)
    answer = _answer(certificate, now)
    status = 404 if certificate is None else 200
    if certificate is None:
        answer["reason"] = (verification.MESSAGES.problem("malformed_code" if rules.normalise_code(code) is None
                                                          else "unknown_code").text())
    if as_json:
        return jsonify(answer), status
    return render_template("certificates/verify_code.html", answer=answer, certificate=certificate,
                           images=services.signed_images(certificate) if certificate else {},
                           typed=code[:40]), status


@public_bp.route("/verify/", methods=["GET", "POST"])
@public
def verify_form():
    form = VerifyForm()
    verdict = None
    answer = None
    status = 200
    if form.validate_on_submit():
        upload = request.files.get(form.credential.name)
        if upload is not None and upload.filename:
            raw = upload.stream.read(verification.MAX_UPLOAD_BYTES + 1)
            verdict = services.verify_upload(raw, settings(), utcnow())
            status = 200 if verdict.ok else 422
        elif (form.code.data or "").strip():
            normalised = rules.normalise_code(form.code.data)
            if normalised is None:
                verdict = verification.fail("malformed_code")
                status = 422
            else:
                return redirect(url_for("verify.verify_code", code=normalised), 303)
        else:
            form.code.errors = [_("Saisissez un code ou choisissez un fichier.")]
            status = 422
    elif request.method == "POST":
        status = 400
    if verdict is not None:
        answer = {"valid": verdict.ok, "reason": verdict.problem.text() if verdict.problem else None,
                  "reason_code": verdict.problem.code if verdict.problem else None}
        if verdict.ok and verdict.notes:
            answer |= _answer(services.by_code(verdict.notes[0]), utcnow())
    if request.method == "POST" and _wants_json():
        return jsonify(answer or {"valid": False, "reason": _("Saisissez un code ou choisissez un fichier.")}), status
    return render_template("certificates/verify_form.html", form=form, verdict=verdict, answer=answer), status


@public_bp.get("/verify/<code>/qr.svg")
@public
def qr(code: str):
    certificate = services.by_code(code)
    if certificate is None:
        abort(404)
    svg = segno.make(settings().verify_url(certificate.code), error="m").svg_inline(scale=4, title=_("Code QR"))
    return Response(svg, mimetype="image/svg+xml")


# --- The learner ------------------------------------------------------------------------------------

def _own(code: str) -> Certificate:
    """The signed-in person's certificate (staff may open any); others get 404."""
    certificate = services.by_code(code)
    staff = current_user.has_role("staff") or current_user.has_role("admin")
    if certificate is None or (certificate.user_id != current_user.id and not staff):
        abort(404)
    return certificate


def linkedin_url(certificate: Certificate, issuer_name: str) -> str:
    """LinkedIn's documented "add to profile" link: a plain URL, no script."""
    issued = certificate.issued_at
    params = {"startTask": "CERTIFICATION_NAME", "name": certificate.achievement.text("names", _locale()),
              "organizationName": issuer_name, "issueYear": issued.year, "issueMonth": issued.month,
              "certUrl": settings().verify_url(certificate.code), "certId": rules.display_code(certificate.code)}
    if certificate.expires_at:
        params |= {"expirationYear": certificate.expires_at.year, "expirationMonth": certificate.expires_at.month}
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


@bp.get("/")
@login_required
def mine():
    now = utcnow()
    profile = services.issuer_profile(settings())
    items = [(c, services.status_of(c, now), linkedin_url(c, profile["name"] if profile else ""))
             for c in services.for_user(current_user)]
    return render_template("certificates/mine.html", items=items)


@bp.get("/<code>.pdf")
@login_required
def pdf_file(code: str):
    certificate = _own(code)
    profile = services.issuer_profile(settings())
    locale = _locale()
    body = pdf.render(
        issuer=profile["name"] if profile else "", recipient=certificate.recipient_name,
        title=certificate.achievement.text("names", locale),
        description=certificate.achievement.text("descriptions", locale),
        issued_on=_("Délivré le %(date)s", date=format_date(certificate.issued_at.astimezone(PARIS), "long")),
        code=rules.display_code(certificate.code), verify_url=settings().verify_url(certificate.code),
        badge=services.image_bytes(services.signed_images(certificate)["achievement"]),
        labels={"certificate": _("Certificat"), "awarded_to": _("décerné à"), "code": _("Code :"),
                "verify": _("Vérifier :")})
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="certificat-{certificate.code}.pdf"'})


@bp.get("/<code>.jwt")
@login_required
def jwt_file(code: str):
    certificate = _own(code)
    return Response(certificate.credential_jwt, mimetype="application/jwt", headers={
        "Content-Disposition": f'attachment; filename="certificat-{certificate.code}.jwt"'})


@bp.get("/<code>.credential.json")
@login_required
def json_file(code: str):
    certificate = _own(code)
    response = jsonify(services.credential_json(certificate))
    response.headers["Content-Disposition"] = f'attachment; filename="certificat-{certificate.code}.json"'
    return response


# --- Staff ------------------------------------------------------------------------------------------

def _day(value, end: bool = False):
    """A searched day as a UTC moment: its start, or (``end``) the start of the next day."""
    if value is None:
        return None
    return datetime.combine(value, time.min, tzinfo=UTC) + timedelta(days=1 if end else 0)


@bp.get("/staff")
@roles_required("staff")
def staff():
    form = SearchForm(request.args)
    achievements = list(db.session.scalars(select(Achievement).order_by(Achievement.course_slug,
                                                                        Achievement.tier_number)))
    form.achievement.choices = [(0, _("Tous"))] + [(a.id, a.text("names", _locale())) for a in achievements]
    results = []
    if form.validate():
        results = services.search(text=form.q.data or "", achievement_id=form.achievement.data or None,
                                  since=_day(form.since.data), until=_day(form.until.data, end=True))
    now = utcnow()
    return render_template("certificates/staff.html", form=form, now=now,
                           results=[(c, services.status_of(c, now)) for c in results],
                           revoke_form=RevokeForm(), reissue_form=ReissueForm())


@bp.route("/staff/<code>", methods=["GET", "POST"])
@roles_required("staff")
def staff_certificate(code: str):
    certificate = services.by_code(code)
    if certificate is None:
        abort(404)
    revoke_form, reissue_form = RevokeForm(prefix="revoke"), ReissueForm(prefix="reissue")
    status = 200
    if request.method == "POST":
        now = utcnow()
        try:
            if request.form.get("action") == "revoke" and revoke_form.validate_on_submit():
                services.revoke(current_user, certificate, revoke_form.reason.data, now)
                db.session.commit()
                flash(_("Certificat révoqué."), "success")
                return redirect(url_for("certificates.staff_certificate", code=certificate.code), 303)
            if request.form.get("action") == "reissue" and reissue_form.validate_on_submit():
                new = services.reissue(current_user, certificate, reissue_form.name.data, now, settings())
                db.session.commit()
                flash(_("Nouveau certificat émis : %(code)s.", code=rules.display_code(new.code)), "success")
                return redirect(url_for("certificates.staff_certificate", code=new.code), 303)
        except services.CertificateError:
            db.session.rollback()
            flash(_("Ce certificat est déjà révoqué ou remplacé : rien n'a été changé."), "error")
        status = 422
    return render_template("certificates/staff_certificate.html", certificate=certificate,
                           state=services.status_of(certificate, utcnow()), revoke_form=revoke_form,
                           reissue_form=reissue_form), status
