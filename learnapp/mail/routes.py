from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from learnapp.core.access import roles_required
from learnapp.core.i18n import _
from learnapp.core.pagination import paginate
from learnapp.extensions import db
from learnapp.mail import rules
from learnapp.mail.models import OutboxMessage

bp = Blueprint("mail", __name__, url_prefix="/office/mail", template_folder="templates")


@bp.get("/")
@roles_required("staff")
def outbox():
    """Staff see what the platform sent, and whether it left, with every link masked in every
    mode: the messages hold single-use links (password reset, address confirmation), and reading
    another person's link would let staff take over their account. The machine's owner reads a
    whole message with ``learnapp mail show ID``."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    total = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    page = paginate(query, total, request.args.get("page", "1"))
    mask = _("[lien personnel masqué]")
    bodies = {message.id: rules.mask_links(message.body, mask) for message in page.items}
    return render_template("mail/outbox.html", page=page, bodies=bodies)
