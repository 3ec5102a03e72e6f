"""What a request may carry, checked once for every view before it runs.

- A state-changing request carries an HTML form (``application/x-www-form-urlencoded`` or
  ``multipart/form-data``), or nothing. Flask-WTF would otherwise read a JSON body into the
  form, with numbers, lists or objects where the validators expect text (a 500). Anything else
  is refused with 415.
- No NUL character anywhere in the URL, the form or an uploaded file's name: PostgreSQL cannot store it and refuses the
  whole query (a 500), and no person types one. Refused with 400.
"""

from __future__ import annotations

from flask import request
from werkzeug.datastructures import MultiDict

from learnapp.core.errors import fail
from learnapp.core.i18n import _

FORM_MIMETYPES = frozenset({"", "application/x-www-form-urlencoded", "multipart/form-data"})
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _has_nul(multidict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values if isinstance(value, str))
               for key, values in multidict.lists())


def _file_names() -> MultiDict:
    return MultiDict([(key, upload.filename or "") for key, upload in request.files.items(multi=True)])


def check_request_input():
    if request.endpoint is None:
        return  # routing failed: the 404/405 page answers
    if request.method in STATE_CHANGING and request.mimetype not in FORM_MIMETYPES:
        fail(415, _("Envoyez ce formulaire depuis sa page sur le site."))
    if (
        "\x00" in request.path
        or _has_nul(request.args)
        or (request.method in STATE_CHANGING and (_has_nul(request.form) or _has_nul(_file_names())))
    ):
        fail(400, _("Ce que vous avez envoyé contient un caractère invalide."))


def init_app(app):
    app.before_request(check_request_input)
