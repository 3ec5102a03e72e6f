"""A class's certificates in one zip (one PDF per certificate, named after the pupil), built a few
at a time so the teacher sees progress.

No worker process and no script (the Content-Security-Policy forbids inline script): the job is
a row; each load of its page renders the next ``STEP`` certificates and stores them, then the page
reloads itself with ``<meta http-equiv="refresh">`` until all are done. Any host can take the
next step (the files are in the database), and a closed tab just leaves the job where it was.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from flask_babel import force_locale, format_date
from sqlalchemy import func, select

from learnapp.certificates import pdf, rules
from learnapp.certificates import services as certificates
from learnapp.certificates.models import Certificate
from learnapp.certificates.receivers import settings
from learnapp.core.i18n import _
from learnapp.core.templating import PARIS
from learnapp.extensions import db
from learnapp.schools.errors import SchoolError
from learnapp.schools.models import CertificateJob, CertificateJobFile, Pupil, SchoolClass

STEP = 5


def _certificates_query(school_class: SchoolClass):
    """The class's current certificates (not revoked, not superseded by a re-issue)."""
    return (select(Certificate).join(Pupil, Pupil.user_id == Certificate.user_id)
            .where(Pupil.class_id == school_class.id, Pupil.removed_at.is_(None),
                   Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
            .order_by(Certificate.recipient_name, Certificate.id))


def start(school_class: SchoolClass, *, actor, locale: str, now: datetime) -> CertificateJob:
    total = db.session.scalar(select(func.count()).select_from(_certificates_query(school_class).subquery()))
    job = CertificateJob(class_id=school_class.id, requested_by_id=actor.id, locale=locale[:5], total=total,
                         created_at=now, finished_at=now if total == 0 else None)
    db.session.add(job)
    db.session.flush()
    return job


def job_of(school_class: SchoolClass, job_id: int) -> CertificateJob:
    job = db.session.get(CertificateJob, job_id)
    if job is None or job.class_id != school_class.id:
        raise SchoolError("no_job")
    return job


def recent(school_class: SchoolClass, limit: int = 3) -> list[CertificateJob]:
    return list(db.session.scalars(select(CertificateJob).where(CertificateJob.class_id == school_class.id)
                                   .order_by(CertificateJob.created_at.desc()).limit(limit)))


def _filename(certificate: Certificate) -> str:
    name = re.sub(r"[^\w.-]+", "-", certificate.recipient_name, flags=re.UNICODE).strip("-") or "eleve"
    return f"{name}-{certificate.achievement.course_slug}-{certificate.achievement.tier_number}-{certificate.code}.pdf"


def step(job: CertificateJob, *, now: datetime) -> None:
    """Render the next certificates not yet in the job; finish when none is left."""
    school_class = db.session.get(SchoolClass, job.class_id)
    done_ids = select(CertificateJobFile.certificate_id).where(CertificateJobFile.job_id == job.id)
    batch = list(db.session.scalars(_certificates_query(school_class).where(Certificate.id.not_in(done_ids))
                                    .limit(STEP)))
    config = settings()
    profile = certificates.issuer_profile(config)
    with force_locale(job.locale):
        for certificate in batch:
            body = pdf.render(
                issuer=profile["name"] if profile else "", recipient=certificate.recipient_name,
                title=certificate.achievement.text("names", job.locale),
                description=certificate.achievement.text("descriptions", job.locale),
                issued_on=_("Délivré le %(date)s", date=format_date(certificate.issued_at.astimezone(PARIS), "long")),
                code=rules.display_code(certificate.code), verify_url=config.verify_url(certificate.code),
                labels={"certificate": _("Certificat"), "awarded_to": _("décerné à"), "code": _("Code :"),
                        "verify": _("Vérifier :")})
            db.session.add(CertificateJobFile(job_id=job.id, certificate_id=certificate.id,
                                              filename=_filename(certificate), data=body))
    job.done += len(batch)
    if len(batch) < STEP:
        job.total = job.done
        job.finished_at = now
    db.session.flush()


def zip_of(job: CertificateJob) -> bytes:
    if job.finished_at is None:
        raise SchoolError("job_running")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in db.session.execute(
                select(CertificateJobFile.filename, CertificateJobFile.data)
                .where(CertificateJobFile.job_id == job.id).order_by(CertificateJobFile.filename)):
            archive.writestr(filename, data)
    return out.getvalue()
