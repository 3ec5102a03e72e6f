"""Learner pages: catalogue, course, lesson, progress."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")
