"""The admin page where staff upload notes and read the per-file report."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from notes.importers import (
    NoteImporter,
    Outcome,
    collect_uploads,
    collection,
    import_uploads,
    limits,
)
from notes.models import Note
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("admin:notes_note_import")
POST = "---\ntitle: 闭包\ntags: [Python, 闭包]\n---\n\n## 自由变量\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def post(client, *files, **fields):
    return client.post(URL, {"files": list(files), "status": "draft", **fields})


def test_the_note_list_links_to_the_import_page(staff_client):
    response = staff_client.get(reverse("admin:notes_note_changelist"))
    assert f'href="{URL}"' in response.content.decode()


def test_the_import_page_uses_the_admin_look(staff_client):
    response = staff_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert 'id="site-name"' in content  # admin/base_site.html
    assert "5 MiB" in content


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_permission_to_add_notes_cannot_import(client):
    client.force_login(make_user(staff=True))
    assert client.get(URL).status_code == 403
    assert post(client, upload("a.md", POST.encode())).status_code == 403
    assert not Note.objects.exists()


def test_uploaded_md_and_txt_files_become_notes_and_are_reported(staff_client):
    response = post(
        staff_client,
        upload("closures.md", POST.encode()),
        upload("gil.txt", "全局解释器锁\n\n正文\n".encode("gbk")),
        status="published",
    )
    assert response.status_code == 200
    assert "created: 2, updated: 0, unchanged: 0, failed: 0" in response.content.decode()
    note = Note.objects.get(source__endswith="/closures.md")
    assert (note.title, note.status, sorted(note.tags.names())) == (
        "闭包",
        "published",
        ["Python", "闭包"],
    )
    assert Note.objects.get(source__endswith="/gil.txt").title == "全局解释器锁"


def test_uploading_the_same_file_again_reports_it_unchanged(staff_client):
    post(staff_client, upload("closures.md", POST.encode()))
    response = post(staff_client, upload("closures.md", POST.encode()))
    assert "created: 0, updated: 0, unchanged: 1, failed: 0" in response.content.decode()
    assert Note.objects.count() == 1


def test_a_zip_imports_its_notes_and_reports_what_it_skipped(staff_client):
    archive = zipped(
        {
            "notes/closures.md": POST.encode(),
            "notes/2014-11-06-pycon.txt": b"Pycon2014 @Shanghai\n\ntext\n",
            "notes/broken.md": b"---\ntitle: [\n---\n",
            "notes/empty.md": b"",
            "notes/photo.jpg": b"\xff\xd8\xff",
            "__MACOSX/notes/._closures.md": b"\x00\x05\x16\x07",
            "notes/": b"",
        }
    )
    response = post(staff_client, upload("notes.zip", archive))
    content = response.content.decode()
    assert "created: 2, updated: 0, unchanged: 0, failed: 2 (2 other files ignored)" in content
    assert "notes.zip: notes/broken.md" in content
    assert "malformed YAML front matter" in content
    assert "the file is empty" in content
    assert "not a .md, .markdown or .txt file" in content
    assert "hidden file or macOS metadata" in content
    pycon = Note.objects.get(source__endswith="/notes.zip/notes/2014-11-06-pycon.txt")
    assert timezone.localdate(pycon.created).isoformat() == "2014-11-06"


def test_a_dry_run_upload_shows_the_report_and_writes_nothing(staff_client):
    response = post(staff_client, upload("closures.md", POST.encode()), dry_run="on")
    content = response.content.decode()
    assert "would create: 1" in content
    assert "What an import would do" in content
    assert not Note.objects.exists()


def test_an_upload_without_files_shows_the_form_error(staff_client):
    response = staff_client.post(URL, {"status": "draft"})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]


def test_a_file_that_is_not_a_note_or_zip_is_ignored_with_a_reason(staff_client):
    response = post(staff_client, upload("slides.pdf", b"%PDF-1.4"))
    assert "not a .md, .markdown, .txt or .zip file" in response.content.decode()


def test_a_corrupt_zip_is_reported_as_failed(staff_client):
    response = post(staff_client, upload("notes.zip", b"PK\x03\x04 not really"))
    assert "not a readable zip file" in response.content.decode()


def test_zip_with_too_many_members_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 2)
    archive = zipped({f"{n}.md": b"x\n" for n in range(3)})
    report = import_uploads([upload("many.zip", archive)])
    assert [(r.outcome, r.reason) for r in report.results] == [
        (Outcome.FAILED, "holds 3 files, more than the 2 allowed")
    ]
    assert not Note.objects.exists()


def test_zip_that_unpacks_too_large_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_BYTES", 1000)
    archive = zipped({"big.md": b"x" * 2000})  # compresses to a few bytes
    (result,) = import_uploads([upload("bomb.zip", archive)]).results
    assert result.outcome is Outcome.FAILED
    assert result.reason.startswith("unpacks to 2,000 bytes")


def test_a_zip_member_larger_than_a_note_may_be_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    archive = zipped({"big.md": b"x" * 200, "ok.md": b"ok\n"})
    report = import_uploads([upload("notes.zip", archive)])
    assert [r.outcome for r in report.results] == [Outcome.FAILED, Outcome.CREATED]
    assert "larger than" in report.results[0].reason


def test_zip_member_names_written_in_gbk_are_read_as_chinese():
    info = zipfile.ZipInfo("笔记/协程.md".encode("gbk").decode("cp437"))
    assert collection._member_name(info) == "笔记/协程.md"


# --- whose upload is whose ----------------------------------------------------------


def test_the_same_member_name_in_two_archives_makes_two_notes():
    import_uploads([upload("alice.zip", zipped({"notes.md": b"Alice\n\nmine\n"}))])
    report = import_uploads([upload("bob.zip", zipped({"notes.md": b"Bob\n\nmine too\n"}))])
    assert [r.outcome for r in report.results] == [Outcome.CREATED]
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Alice", "Bob"]


def test_a_plain_upload_does_not_replace_a_zip_member_of_the_same_name():
    import_uploads([upload("alice.zip", zipped({"notes.md": b"Alice\n\nmine\n"}))])
    import_uploads([upload("notes.md", b"Carol\n\nanother\n")])
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Alice", "Carol"]


def test_two_people_uploading_files_of_the_same_name_get_a_note_each():
    import_uploads([upload("notes.md", b"Same\n\nalice's\n")], uploader="alice")
    report = import_uploads([upload("notes.md", b"Same\n\nbob's\n")], uploader="bob")
    (result,) = report.results
    assert result.outcome is Outcome.CREATED
    assert result.warnings == ["possible duplicate of same (same title)"]
    assert sorted(Note.objects.values_list("body", flat=True)) == ["alice's", "bob's"]


def test_the_admin_keys_uploads_by_the_person_uploading(client):
    client.force_login(make_user(superuser=True, username="alice"))
    post(client, upload("closures.md", POST.encode()))
    assert Note.objects.get().source == "upload:alice/closures.md"


def test_an_upload_racing_another_of_the_same_archive_reports_already_imported():
    archive = zipped({"a.md": b"A\n\ntext\n", "b.md": b"B\n\ntext\n"})
    import_uploads([upload("notes.zip", archive)])
    # The second import looked for the sources before the first one committed.
    late = NoteImporter()
    late._sources = {}
    report = late.run(collect_uploads([upload("notes.zip", archive)]))
    assert [(r.outcome, r.reason) for r in report.results] == [
        (Outcome.UNCHANGED, "already imported, by another import running at the same time")
    ] * 2
    assert Note.objects.count() == 2


def test_zip_members_climbing_out_of_the_archive_are_reported_as_unsafe():
    archive = zipped({"../evil.md": b"x\n", "/etc/x.md": b"x\n", "ok.md": b"ok\n"})
    report = import_uploads([upload("notes.zip", archive)])
    assert [(r.outcome, r.reason.split(":")[0]) for r in report.results] == [
        (Outcome.FAILED, "unsafe path"),
        (Outcome.FAILED, "unsafe path"),
        (Outcome.CREATED, ""),
    ]


def test_a_damaged_zip_member_is_reported_in_words():
    archive = bytearray(zipped({"a.md": b"Title\n\n" + b"text " * 50}))
    start = archive.index(b"text ")  # stored, not compressed: the bytes are the text
    archive[start : start + 4] = b"TEXT"
    (result,) = import_uploads([upload("notes.zip", bytes(archive))]).results
    assert result.outcome is Outcome.FAILED
    assert result.reason.startswith("this file is damaged inside the archive")


def test_the_import_page_offers_to_trim_web_clippings(staff_client, seeds):
    (path,) = seeds.glob("003_*")
    response = post(staff_client, upload("clip.txt", path.read_bytes()))
    assert "the end looks like web page chrome" in response.content.decode()
    assert "红包" in Note.objects.get().body
    response = post(staff_client, upload("clip.txt", path.read_bytes()), trim_clipping="on")
    assert "cut off what looks like web page chrome from line" in response.content.decode()
    assert "红包" not in Note.objects.get().body


def test_an_upload_naming_another_notes_source_says_whose_note_it_changes():
    import_uploads([upload("notes.md", b"Alice\n\nmine\n")], uploader="alice")
    claim = b"---\ntitle: Alice\nsource: upload:alice/notes.md\n---\nchanged by bob\n"
    (result,) = import_uploads([upload("mine.md", claim)], uploader="bob").results
    assert result.outcome is Outcome.UPDATED
    assert result.warnings == [
        "updates the note its front matter names (source: upload:alice/notes.md)"
    ]


def test_a_zip_member_without_a_date_takes_its_time_in_the_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("pycon.txt", date_time=(2014, 11, 6, 10, 0, 0)), b"P\n\nx\n"
        )
    (result,) = import_uploads([upload("notes.zip", buffer.getvalue())]).results
    assert timezone.localtime(Note.objects.get().created).isoformat().startswith("2014-11-06T10:00")
    assert result.date_source == "file's modification time"


def test_a_single_uploaded_file_says_it_is_dated_by_the_import():
    (result,) = import_uploads([upload("a.txt", b"A\n\nx\n")]).results
    assert result.date_source == "import time (the file gives no date)"


def test_an_uploaded_notes_first_version_names_the_staff_member_who_uploaded_it(client):
    uploader = make_user(superuser=True)
    client.force_login(uploader)
    post(client, upload("closures.md", POST.encode()))
    version = Note.objects.get().history.get()
    assert (version.history_type, version.history_user, version.tag_names) == (
        "+", uploader, "Python, 闭包",
    )  # fmt: skip


def test_a_refused_field_is_tied_to_its_sentence_for_screen_readers(staff_client):
    response = staff_client.post(URL, {"status": "draft", "date": "2014-13-45"})
    page = response.content.decode()
    for field in ("files", "date"):
        assert f'aria-describedby="id_{field}' in page
        described = re.search(rf'<input[^>]*id="id_{field}"[^>]*>', page).group()
        assert 'aria-invalid="true"' in described
        assert f"id_{field}_error" in described
        assert f'<ul class="errorlist" id="id_{field}_error">' in page
