from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from learnapp.core.access import roles_required
from learnapp.core.pagination import paginate
from learnapp.extensions import db
from learnapp.mail.models import OutboxMessage

bp = Blueprint("mail", __name__, url_prefix="/office/mail", template_folder="templates")


@bp.get("/")
@roles_required("staff")
def outbox():
    """Staff read what the platform sent (in the demo, nothing leaves the machine)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    total = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    page = paginate(query, total, request.args.get("page", "1"))
    return render_template("mail/outbox.html", page=page)
