from flask import Blueprint, Response, abort
from sqlalchemy import select

from learnapp.core.access import public
from learnapp.extensions import db
from learnapp.media.models import MediaAsset

bp = Blueprint("media", __name__)


@bp.get("/media/<string:sha256>.<string:extension>")
@public
def image(sha256: str, extension: str):
    if len(sha256) != 64:
        abort(404)
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.sha256 == sha256))
    if asset is None or asset.extension != extension:
        abort(404)
    response = Response(asset.data, mimetype=asset.mime_type)
    # The URL is the content's hash: it never changes, so browsers may keep it for a year.
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
