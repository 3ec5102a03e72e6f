"""`learnapp content load` for levels.yml and manifesto.md: FILE:LINE problems and nothing written,
idempotent, versioned; a manifesto written in the browser is never undone by the file."""

from __future__ import annotations

import shutil

from sqlalchemy import func, select

from learnapp import PROJECT_ROOT
from learnapp.ambassadors import manifesto
from learnapp.ambassadors.models import Level, LevelScheme, ManifestoVersion


def pack(tmp_path, levels: str | None = None, manifesto_text: str | None = None):
    folder = tmp_path / "certificates"
    folder.mkdir(exist_ok=True)
    for name in ("achievements.yml", "issuer.yml"):
        shutil.copy(PROJECT_ROOT / "certificates" / name, folder / name)
    if (PROJECT_ROOT / "certificates" / "images").is_dir() and not (folder / "images").exists():
        shutil.copytree(PROJECT_ROOT / "certificates" / "images", folder / "images")
    (folder / "levels.yml").write_text(levels if levels is not None else
                                       (PROJECT_ROOT / "certificates" / "levels.yml").read_text())
    (folder / "manifesto.md").write_text(manifesto_text if manifesto_text is not None else
                                         (PROJECT_ROOT / "certificates" / "manifesto.md").read_text())
    return tmp_path


def load(runner, path):
    """`learnapp content load` over a content root holding only certificates/ (as CONTENT_ROOT)."""
    runner.app.config["CONTENT_ROOT"] = str(path)
    return runner.invoke(args=["content", "load"])


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_repository_files_load_once_and_again_change_nothing(runner, db, tmp_path):
    path = pack(tmp_path)
    first = load(runner, path)
    assert first.exit_code == 0, first.output
    assert "Niveaux d'ambassadeur : 5 ajouté(s), 0 modifié(s)." in first.output
    assert "Charte des ambassadeurs : version 1 publiée." in first.output
    assert db.session.scalars(select(LevelScheme)).one().points == {"certificate": 10, "visit": 5}
    second = load(runner, path)
    assert second.exit_code == 0 and "Niveaux" not in second.output and "Charte" not in second.output
    assert count(db, Level) == 5 and count(db, ManifestoVersion) == 1


def test_an_edited_level_gets_a_new_version_and_a_removed_one_is_retired(runner, db, tmp_path):
    load(runner, pack(tmp_path))
    text = (PROJECT_ROOT / "certificates" / "levels.yml").read_text()
    edited = text.replace("      visits: 3\n", "      visits: 4\n")
    edited = edited[:edited.index("  - code: petit-ambassadeur")] + edited[edited.index("  - code: jeune-ambassadeur"):]
    result = load(runner, pack(tmp_path, levels=edited))
    assert result.exit_code == 0, result.output
    expert = db.session.scalars(select(Level).where(Level.code == "ambassadeur-expert")).one()
    assert expert.version == 2 and expert.requires["visits"] == 4
    assert db.session.scalars(select(Level).where(Level.code == "petit-ambassadeur")).one().retired


def test_problems_are_reported_with_file_and_line_and_nothing_is_written(runner, db, tmp_path):
    bad = """points:
  certificate: ten
levels:
  - code: Bad Code
    age_group: martian
    rank: 0
    name: {fr: Seulement en français}
    requires:
      visits: -1
      kindness: 3
      achievements: [inconnu-1]
  - code: ambassadeur
    age_group: adult
    rank: 1
    name: {fr: Ambassadeur, en: Ambassador}
  - code: ambassadeur
    age_group: adult
    rank: 1
    name: {fr: Ambassadeur, en: Ambassador}
"""
    result = load(runner, pack(tmp_path, levels=bad, manifesto_text="# Charte\n\n<script>alert(1)</script>\n"))
    assert result.exit_code != 0
    out = result.output
    for expected in ("levels.yml:2:", "levels.yml:4: « code »", "levels.yml:5: « age_group »", "levels.yml:6: « rank »",
                     "levels.yml:7: « name »", "levels.yml:9: « visits »", "levels.yml:10: Condition « kindness »",
                     "levels.yml:11: Certificat « inconnu-1 »", "Niveau « ambassadeur » en double",
                     "Deux niveaux de rang 1", "manifesto.md:3:"):
        assert expected in out, (expected, out)
    assert count(db, Level) == 0 and count(db, ManifestoVersion) == 0 and count(db, LevelScheme) == 0


def test_a_manifesto_written_by_staff_is_not_undone_by_loading_the_file(runner, db, tmp_path, make_user, now):
    path = pack(tmp_path)
    load(runner, path)
    manifesto.publish("# Charte\n\nÉcrite par l'équipe.", author=make_user("staff"), now=now)
    db.session.commit()
    load(runner, path)
    assert manifesto.current().number == 2 and "l'équipe" in manifesto.current().body
    edited = load(runner, pack(tmp_path, manifesto_text="# Charte\n\nUne version 3 du fichier.\n"))
    assert "version 3 publiée" in edited.output and manifesto.current().source == "files"
