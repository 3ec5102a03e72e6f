from flask import Blueprint, current_app, render_template, request
from sqlalchemy import func, select

from learnapp.core.access import roles_required
from learnapp.core.pagination import paginate
from learnapp.extensions import db
from learnapp.mail.models import OutboxMessage

bp = Blueprint("mail", __name__, url_prefix="/office/mail", template_folder="templates")


@bp.get("/")
@roles_required("staff")
def outbox():
    """Staff see what the platform sent, and whether it left. The messages themselves are shown
    only outside production (the demo, where nothing leaves the machine): they hold password
    reset links, and reading another person's link would let staff take over their account."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    total = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    page = paginate(query, total, request.args.get("page", "1"))
    show_bodies = current_app.config["ENV"] != "production"
    return render_template("mail/outbox.html", page=page, show_bodies=show_bodies)
