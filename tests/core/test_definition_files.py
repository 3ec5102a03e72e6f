"""The shared reader of definition files (a YAML list of keyed entries, versioned on import) that
the certificates' and the ambassadors' loaders both use: FILE:LINE for a bad YAML line and for a
duplicate key, and through `learnapp content load` all entries or none."""

from __future__ import annotations

from dataclasses import dataclass

from learnapp.core import content_files, content_packs
from learnapp.core.problems import N_, Messages

MESSAGES = Messages({
    "not_mapping": N_("Le fichier doit être une liste de champs « nom: valeur »."),
    "duplicate_key": N_("Certificat « %(key)s » en double."),
    "missing_field": N_("Champ « %(field)s » manquant."),
})


@dataclass
class Row:
    """A stored entry, as the loaders' models have it."""

    key: str
    name: str
    source_hash: str
    version: int = 1
    retired: bool = False


def read(file):
    """A minimal loader's reading: entries with a ``key`` and a ``name``."""
    problems: list = []
    data = content_files.read_mapping(file, problems, MESSAGES)
    if data is None:
        return [], problems

    def key_of(raw, line, entry_problems):
        return raw.get("key")

    def entry(raw, line, entry_problems):
        if not raw.get("name"):
            entry_problems.append(MESSAGES.problem("missing_field", {"field": "name"}, file=file, line=line))
            return None
        return {"key": raw["key"], "name": raw["name"]}

    return content_files.read_entries(data, "entries", file, problems, MESSAGES, key_field="key",
                                      key=key_of, read=entry), problems


def test_a_bad_yaml_line_is_reported_at_its_line_and_nothing_is_read(tmp_path):
    file = tmp_path / "entries.yml"
    file.write_text("entries:\n  - key: a\n    name: Urgence : 112\n", encoding="utf-8")
    entries, problems = read(file)
    assert entries == []
    assert [(p.code, p.file, p.line) for p in problems] == [("yaml_colon", file, 3)]


def test_a_file_that_is_not_a_mapping_is_refused_at_line_1(tmp_path):
    file = tmp_path / "entries.yml"
    file.write_text("- key: a\n", encoding="utf-8")
    entries, problems = read(file)
    assert entries == [] and [(p.code, p.line) for p in problems] == [("not_mapping", 1)]


def test_a_duplicate_key_is_reported_at_the_second_entrys_key(tmp_path):
    file = tmp_path / "entries.yml"
    file.write_text("entries:\n  - key: a\n    name: A\n  - name: B\n    key: a\n  - 12\n", encoding="utf-8")
    entries, problems = read(file)
    assert entries == [{"key": "a", "name": "A"}]
    assert [(p.code, p.line) for p in problems] == [("duplicate_key", 5), ("not_mapping", 6)]
    assert problems[0].display(tmp_path) == "entries.yml:5: Certificat « a » en double."


def test_entries_are_versioned_only_when_they_change_and_retired_when_gone():
    stored: dict[str, Row] = {}

    def sync(specs):
        return content_files.version_entries(
            specs, stored, key_field="key",
            create=lambda spec, digest: stored.__setitem__(spec["key"], Row(**spec, source_hash=digest)))

    assert sync([{"key": "a", "name": "A"}, {"key": "b", "name": "B"}]) == (2, 0)
    assert sync([{"key": "a", "name": "A"}, {"key": "b", "name": "B"}]) == (0, 0)
    assert sync([{"key": "a", "name": "A2"}]) == (0, 2)
    assert (stored["a"].name, stored["a"].version, stored["b"].retired) == ("A2", 2, True)
    assert sync([{"key": "a", "name": "A2"}, {"key": "b", "name": "B"}]) == (0, 1)
    assert (stored["b"].version, stored["b"].retired) == (2, False)


def test_content_load_imports_all_entries_or_none(app, db, tmp_path, now):
    """One bad entry among good ones: problems with FILE:LINE, nothing stored; fixed: all stored."""
    folder = tmp_path / "entries"
    folder.mkdir()
    file = folder / "entries.yml"
    stored: dict[str, Row] = {}

    def load(context):
        entries, problems = read(file)

        def apply():
            content_files.version_entries(
                entries, stored, key_field="key",
                create=lambda spec, digest: stored.__setitem__(spec["key"], Row(**spec, source_hash=digest)))
            return []

        return content_packs.Prepared(name="entries", files=1, problems=problems, apply=apply)

    app.extensions[content_packs.EXTENSION_KEY] = {}  # this pack alone, in this test's app
    content_packs.register(app, "entries", order=1, load=load)

    file.write_text("entries:\n  - key: a\n    name: A\n  - key: b\n  - key: c\n    name: C\n", encoding="utf-8")
    refused = content_packs.run(app, folder, now=now, session=db.session)
    assert not refused.loaded and [p.display(folder) for p in refused.problems] == [
        "entries.yml:4: Champ « name » manquant."]
    assert stored == {}

    file.write_text("entries:\n  - key: a\n    name: A\n  - key: b\n    name: B\n  - key: c\n    name: C\n",
                    encoding="utf-8")
    loaded = content_packs.run(app, folder, now=now, session=db.session)
    assert loaded.loaded and loaded.problems == []
    assert sorted(stored) == ["a", "b", "c"]
