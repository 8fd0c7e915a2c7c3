"""An import cannot be made to amplify: its report, and what it writes, stay bounded."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from notes.importers import NoteImporter, NoteInput, Outcome, import_paths, import_uploads
from notes.models import Note
from tests.factories import make_note, make_user
from tests.test_admin_import import zipped

pytestmark = pytest.mark.django_db


def deflated(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_title_shared_by_many_files_warns_with_a_few_names_and_a_count():
    members = {f"n{number:04}.md": b"# Same\n\nbody %d\n" % number for number in range(60)}
    report = import_uploads([SimpleUploadedFile("same.zip", zipped(members))])
    assert report.counts[Outcome.CREATED] == 60
    last = report.results[-1].warnings
    assert last == ["possible duplicate of same, same-10, same-11 and 56 more (same title)"]
    # Linear in the number of files, not in its square.
    assert sum(len(warning) for result in report.results for warning in result.warnings) < 60 * 80


def test_two_files_of_one_title_name_each_other():
    members = {"a.md": b"# Same\n\none\n", "b.md": b"# Same\n\ntwo\n"}
    report = import_uploads([SimpleUploadedFile("two.zip", zipped(members))])
    assert report.results[1].warnings == ["possible duplicate of same (same title)"]


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_a_zip_that_unpacks_past_the_import_limit_is_refused_before_anything_is_written():
    members = {f"big{number}.md": b"# Big\n\n" + b"a" * 400_000 for number in range(3)}
    archive = deflated(members)
    assert len(archive) < 20_000  # small to send, large once unpacked
    report = import_uploads([SimpleUploadedFile("bomb.zip", archive)])
    assert [result.outcome for result in report.results] == [Outcome.FAILED]
    assert "more than the 1 MiB one import may bring in" in report.results[0].reason
    assert not Note.objects.exists()


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_the_admin_upload_says_why_an_import_too_large_is_refused(client):
    client.force_login(make_user(superuser=True, staff=True))
    members = {f"big{number}.md": b"# Big\n\n" + b"a" * 400_000 for number in range(3)}
    response = client.post(
        reverse("admin:notes_note_import"),
        {"files": [SimpleUploadedFile("bomb.zip", deflated(members))], "status": "draft"},
    )
    assert response.status_code == 200
    assert "more than the 1 MiB one import may bring in" in response.content.decode()
    assert not Note.objects.exists()


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_folders_past_the_import_limit_are_refused_whole(tmp_path):
    for number in range(3):
        (tmp_path / f"big{number}.md").write_bytes(b"# Big\n\n" + b"a" * 400_000)
    report = import_paths([tmp_path])
    assert report.counts[Outcome.FAILED] == 1
    assert report.counts[Outcome.CREATED] == 0
    assert not Note.objects.exists()


def test_zip_directories_are_read_without_decompressing():
    members = {"a.md": b"# A\n\n" + b"x" * 1000}
    upload = SimpleUploadedFile("a.zip", zipped(members))
    from notes.importers.collection import unpacked_bytes

    assert unpacked_bytes([upload]) == len(members["a.md"])
    assert zipfile.ZipFile(upload).namelist() == ["a.md"]  # left readable from the start


def test_an_address_taken_by_another_import_meanwhile_is_chosen_again(tmp_path):
    path = tmp_path / "threads.md"
    path.write_text("# Threads\n\nbody\n", encoding="utf-8")
    importer = NoteImporter()
    importer.taken_slugs()  # read before the other import saves its note
    make_note("Threads elsewhere", slug="threads")
    result = importer.run([NoteInput.from_path(path)]).results[0]
    assert result.outcome is Outcome.CREATED, result.reason
    assert Note.objects.get(source=str(path.resolve())).slug != "threads"


def test_an_address_taken_again_and_again_ends_in_a_sentence(tmp_path, monkeypatch):
    path = tmp_path / "threads.md"
    path.write_text("# Threads\n\nbody\n", encoding="utf-8")
    importer = NoteImporter()
    importer.taken_slugs()
    make_note("Threads elsewhere", slug="threads")
    monkeypatch.setattr(NoteImporter, "slug_attempts", 1)
    result = importer.run([NoteInput.from_path(path)]).results[0]
    assert result.outcome is Outcome.FAILED
    assert result.reason.endswith("import this file again")
