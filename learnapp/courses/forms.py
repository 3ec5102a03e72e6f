"""Staff forms: courses, lessons, a lesson's text per age group, image upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from learnapp.core import age_groups
from learnapp.core.i18n import _l
from learnapp.courses import loader
from learnapp.media import images

# Kept for quizzes/staff_forms.py until it asks ``age_groups`` itself.
AUDIENCE_LABELS = age_groups.labels()
AUDIENCE_SHORT = age_groups.short_labels()

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MESSAGE = _l("Lettres minuscules sans accent, chiffres et tirets seulement, par exemple « les-marees ».")
MAX_LINES = 20
# The limits of the file format (learnapp.courses.loader): what the files refuse, the forms refuse.
MAX_LINE_LENGTH = loader.SENTENCE_MAX
MINUTES_MIN, MINUTES_MAX = loader.MINUTES_RANGE
IMAGE_HINT = _l("PNG ou JPEG, %(mb)s Mo et %(mp)s millions de pixels au plus ; elle est vérifiée et réenregistrée.",
                mb=images.MAX_BYTES // (1024 * 1024), mp=images.MAX_PIXELS // 1_000_000)
MINUTES_MESSAGE = _l("Indiquez une durée en minutes, un nombre entier de %(min)s à %(max)s.",
                     min=MINUTES_MIN, max=MINUTES_MAX)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CourseForm(FlaskForm):
    slug = StringField(
        _l("Identifiant (slug)"), filters=[_strip],
        validators=[InputRequired(), Length(max=loader.SLUG_MAX), Regexp(SLUG_PATTERN, message=SLUG_MESSAGE)],
        description=_l("Il forme l'adresse du cours et le nom de son dossier : « granville-terre-et-mer »."))
    title = StringField(_l("Titre"), filters=[_strip], validators=[InputRequired(), Length(max=loader.TITLE_MAX)])
    summary = TextAreaField(_l("Résumé"), filters=[_strip], validators=[Optional(), Length(max=loader.SUMMARY_MAX)],
                            description=_l("Deux ou trois phrases, affichées dans le catalogue."))
    position = IntegerField(_l("Ordre dans le catalogue"), default=1,
                            validators=[InputRequired(), NumberRange(*loader.ORDER_RANGE)],
                            description=_l("Les cours sont présentés du plus petit au plus grand."),
                            render_kw={"inputmode": "numeric"})
    audiences = SelectMultipleField(
        _l("Publics"), choices=[SelectChoice(code, label) for code, label in age_groups.labels().items()],
        default=list(age_groups.ALL),
        validators=[InputRequired(message=_l("Choisissez au moins un public."))])
    cover = FileField(_l("Image de couverture"), description=IMAGE_HINT)
    cover_alt = StringField(
        _l("Texte alternatif de la couverture"), filters=[_strip], validators=[Length(max=loader.ALT_MAX)],
        description=_l("Décrivez l'image pour qui ne la voit pas. Obligatoire quand il y a une image."))
    remove_cover = BooleanField(_l("Retirer l'image de couverture"))

    def __init__(self, *args, has_cover: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_cover = has_cover

    def validate_audiences(self, field):
        if not field.data:
            raise ValidationError(_l("Choisissez au moins un public."))

    def validate_cover_alt(self, field):
        new_image = bool(self.cover.data and getattr(self.cover.data, "filename", ""))
        keeps_image = self.has_cover and not self.remove_cover.data
        if (new_image or keeps_image) and not field.data:
            raise ValidationError(_l("Décrivez l'image de couverture : le texte alternatif est obligatoire."))


class LessonForm(FlaskForm):
    slug = StringField(
        _l("Identifiant (slug)"), filters=[_strip],
        validators=[InputRequired(), Length(max=loader.SLUG_MAX), Regexp(SLUG_PATTERN, message=SLUG_MESSAGE)],
        description=_l("Le nom du dossier de la leçon sans son numéro : « les-marees »."))
    position = IntegerField(_l("Position dans le cours"), default=1,
                            validators=[InputRequired(), NumberRange(min=1, max=99)],
                            description=_l("1 pour la première leçon."), render_kw={"inputmode": "numeric"})


class LessonTextForm(FlaskForm):
    """One age group's text. The same rules as a lesson file's front matter and body."""

    title = StringField(_l("Titre de la leçon"), filters=[_strip],
                        validators=[InputRequired(), Length(max=loader.TITLE_MAX)])
    minutes = IntegerField(
        _l("Durée estimée (minutes)"),
        validators=[InputRequired(message=MINUTES_MESSAGE),
                    NumberRange(min=MINUTES_MIN, max=MINUTES_MAX, message=MINUTES_MESSAGE)],
        render_kw={"inputmode": "numeric"})
    objectives = TextAreaField(_l("Objectifs"), validators=[Optional(), Length(max=4000)],
                               description=_l("Un objectif par ligne."), render_kw={"rows": 3})
    key_facts = TextAreaField(_l("À retenir"), validators=[Optional(), Length(max=4000)],
                              description=_l("Une idée clé par ligne."), render_kw={"rows": 3})
    body = TextAreaField(
        _l("Texte de la leçon (Markdown)"), validators=[InputRequired(), Length(max=loader.BODY_MAX, message=_l(
            "Le texte de la leçon est trop long : %(max)d caractères au plus (il en a %(length)d). "
            "Partagez-le en deux leçons."))],
        description=_l("Encadré : « ::: savais-tu » puis « ::: » ; glossaire : [[terme|définition]] ; "
                       "image : ![texte alternatif](media:… \"légende\"). Le HTML n'est pas accepté."),
        render_kw={"rows": 18, "spellcheck": "true", "lang": "fr"})
    # The version the writer started from: saving over a newer one is refused (409).
    base_version = HiddenField(
        _l("Version de départ"),
        validators=[Optional(), Regexp(r"^[0-9]{1,9}$", message=_l(
            "La version de départ de ce formulaire n'est pas valide : "
            "rechargez la page, puis reprenez vos changements."))])

    def validate_objectives(self, field):
        _check_lines(field)

    def validate_key_facts(self, field):
        _check_lines(field)

    @property
    def objective_list(self) -> list[str]:
        return lines(self.objectives.data)

    @property
    def key_fact_list(self) -> list[str]:
        return lines(self.key_facts.data)


def lines(text: str | None) -> list[str]:
    """A textarea with one item per line → a list (list markers and blank lines dropped)."""
    items = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if line[:2] in ("- ", "* "):
            line = line[2:].strip()
        if line:
            items.append(line)
    return items


def _check_lines(field):
    items = lines(field.data)
    if len(items) > MAX_LINES:
        raise ValidationError(_l("Au plus %(n)s lignes.", n=MAX_LINES))
    if any(len(item) > MAX_LINE_LENGTH for item in items):
        raise ValidationError(_l("Une ligne dépasse %(n)s caractères : faites des phrases courtes.",
                                 n=MAX_LINE_LENGTH))


class ImageUploadForm(FlaskForm):
    image = FileField(_l("Image"), description=IMAGE_HINT)
    alt = StringField(_l("Texte alternatif"), filters=[_strip],
                      validators=[InputRequired(message=_l("Décrivez l'image : le texte alternatif est obligatoire.")),
                                  Length(max=loader.ALT_MAX)],
                      description=_l("Ce que montre l'image, pour qui ne la voit pas."))
    caption = StringField(_l("Légende (facultative)"), filters=[_strip],
                          validators=[Optional(), Length(max=loader.ALT_MAX)])

    def validate_image(self, field):
        if not (field.data and getattr(field.data, "filename", "")):
            raise ValidationError(_l("Choisissez un fichier image."))
