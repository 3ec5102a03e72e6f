"""The office's definitions in certificates/: checked with FILE:LINE, all or nothing, idempotent,
versioned without touching certificates already issued."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from learnapp import PROJECT_ROOT
from learnapp.certificates import services
from learnapp.certificates.models import Achievement, Issuer


def _copy(tmp_path):
    folder = tmp_path / "pack" / "certificates"
    shutil.copytree(PROJECT_ROOT / "certificates", folder)
    (folder.parent / "courses").mkdir()  # a pack with no course: only the certificates load
    return folder


def test_the_repository_definitions_load_then_a_second_load_changes_nothing(runner, db, tmp_path):
    folder = _copy(tmp_path)
    first = runner.invoke(args=["content", "load", str(folder.parent)])
    assert first.exit_code == 0, first.output
    assert "Certificats : 3 ajouté(s), 0 modifié(s)." in first.output
    keys = [a.key for a in db.session.scalars(select(Achievement).order_by(Achievement.tier_number))]
    assert keys == ["granville-terre-et-mer-1", "granville-terre-et-mer-2", "granville-terre-et-mer-3"]
    second = runner.invoke(args=["content", "load", str(folder.parent)])
    assert second.exit_code == 0 and "Certificats" not in second.output
    assert {a.version for a in db.session.scalars(select(Achievement))} == {1}


def test_an_edit_makes_a_new_version_and_leaves_issued_certificates_as_signed(runner, db, tmp_path, now,
                                                                               make_user, settings):
    folder = _copy(tmp_path)
    assert runner.invoke(args=["content", "load", str(folder.parent)]).exit_code == 0
    certificate = services.issue(make_user(), services.achievement_for("granville-terre-et-mer", 1), now, settings)
    db.session.commit()
    token = certificate.credential_jwt
    text = (folder / "achievements.yml").read_text()
    (folder / "achievements.yml").write_text(text.replace("— Découverte", "— Découverte (2027)", 1))
    result = runner.invoke(args=["content", "load", str(folder.parent)])
    assert "0 ajouté(s), 1 modifié(s)" in result.output
    db.session.expire_all()
    achievement = services.achievement_for("granville-terre-et-mer", 1)
    assert achievement.version == 2 and achievement.names["fr"].endswith("(2027)")
    assert certificate.credential_jwt == token and certificate.achievement_version == 1
    assert "(2027)" not in str(services.credential_json(certificate))


def test_problems_are_reported_with_file_and_line_and_nothing_is_written(runner, db, tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "achievements.yml").read_text()
    text = text.replace("    tier: 2\n", "    tier: deux\n")
    text = text.replace("      en: Granville Terre et Mer Ambassador — Expert\n", "")
    (folder / "achievements.yml").write_text(text)
    (folder / "issuer.yml").write_text((folder / "issuer.yml").read_text().replace("https://www", "http://www"))
    result = runner.invoke(args=["content", "load", str(folder.parent)])
    assert result.exit_code == 1
    lines = text.splitlines()
    tier_line = lines.index("    tier: deux") + 1
    assert f"achievements.yml:{tier_line}: « tier » est un numéro de niveau" in result.output
    assert "achievements.yml:" in result.output and "s'écrit en français et en anglais" in result.output
    assert "issuer.yml:4: « url » doit être une adresse web en https://." in result.output
    assert "rien n'a été chargé" in result.output
    assert db.session.scalars(select(Achievement)).first() is None
    assert db.session.scalars(select(Issuer)).first() is None


def test_broken_yaml_is_reported_with_its_line(runner, db, tmp_path):
    folder = _copy(tmp_path)
    (folder / "issuer.yml").write_text("name: Office\nurl: [https://x\n")
    result = runner.invoke(args=["content", "load", str(folder.parent)])
    assert result.exit_code == 1 and "issuer.yml:" in result.output
