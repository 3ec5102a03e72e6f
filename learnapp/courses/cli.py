"""`learnapp content …`: load the content packs (courses/, later quizzes/ and certificates/)."""

import click


@click.group(help="Content packs: courses (and, later, quizzes and certificates).")
def content():
    pass
