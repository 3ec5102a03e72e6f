"""Staff pages: question bank, GIFT import, statistics."""

from flask import Blueprint

bp = Blueprint("quiz_staff", __name__, url_prefix="/office/quizzes", template_folder="templates")
