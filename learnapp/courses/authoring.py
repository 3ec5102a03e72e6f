"""Staff pages: write and edit courses and lessons in the browser."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/office/courses", template_folder="templates")
