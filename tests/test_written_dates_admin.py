"""Staff and written dates: the upload page's date, the "Set written date" action on
the note list, the guess marked in the list and on the note page (for staff only)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notes.models import Note
from tests.factories import make_note, make_user

pytestmark = pytest.mark.django_db

NOV_6 = dt.date(2014, 11, 6)
CHANGELIST = reverse("admin:notes_note_changelist")
IMPORT = reverse("admin:notes_note_import")


def guessed(title: str, day: dt.date = dt.date(2026, 12, 3), **fields) -> Note:
    """A note an import dated by its file's time."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    return make_note(title, created=moment, created_is_guess=True, **fields)


def written(note: Note) -> dt.date:
    note.refresh_from_db()
    return timezone.localdate(note.created)


def staff_with(*codenames: str) -> Client:
    user = make_user(staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="notes", codename__in=codenames)
    )
    client = Client()
    client.force_login(user)
    return client


# --- the upload page ---------------------------------------------------------------------


def upload(client: Client, content: bytes, **fields):
    files = [SimpleUploadedFile("a.txt", content)]
    return client.post(IMPORT, {"files": files, "status": "draft", **fields})


def test_the_upload_pages_date_dates_every_uploaded_note(staff_client):
    response = upload(staff_client, "A\n\n日期: 2015-01-01\n".encode(), date="2014-11-06")
    note = Note.objects.get()
    assert (written(note), note.created_is_guess) == (NOV_6, False)
    assert "dated 2014-11-06, the date given for this import" in response.content.decode()


def test_the_upload_page_reports_a_date_found_in_the_first_lines(staff_client):
    response = upload(staff_client, "A\n\n时间：2014年11月6日\n".encode())
    assert written(Note.objects.get()) == NOV_6
    assert "dated 2014-11-06 from its first lines" in response.content.decode()


@pytest.mark.parametrize("typed", ["2014-13-01", "soon", "2014.11.06"])
def test_an_upload_date_that_is_no_date_is_refused_with_a_sentence(staff_client, typed):
    response = upload(staff_client, b"A\n\nx\n", date=typed)
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        f"“{typed}” is not a date. Write the day as year-month-day, for example 2014-11-06."
    ]
    assert not Note.objects.exists()


def test_an_upload_date_after_today_is_refused(staff_client):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = upload(staff_client, b"A\n\nx\n", date=tomorrow)
    assert response.context["form"].errors["date"] == [
        f"{tomorrow} is after today: notes cannot have been written on a day still to come."
    ]
    assert not Note.objects.exists()


# --- the "Set written date" action -------------------------------------------------------


def choose(client: Client, *notes: Note, **fields):
    data = {"action": "set_written_date", "_selected_action": [n.pk for n in notes], **fields}
    return client.post(CHANGELIST, data)


def confirm(client: Client, *notes: Note, date: str = "2014-11-06"):
    return choose(client, *notes, post="yes", date=date)


def test_choosing_the_action_asks_for_the_date_on_a_page_listing_the_notes(staff_client):
    first, second = guessed("Threads"), make_note("进程")
    response = choose(staff_client, first, second, index=0)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/notes/note/set_written_date.html"
    page = response.content.decode()
    assert "Threads" in page and "进程" in page
    assert "(a guess)" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="date"' in page and "autofocus" in page
    for note in (first, second):
        assert f'name="_selected_action" value="{note.pk}"' in page
    assert written(first) == dt.date(2026, 12, 3)  # nothing saved yet


def test_the_action_dates_the_chosen_notes_and_says_how_many_changed(staff_client):
    first, second, other = guessed("Threads"), make_note("进程"), guessed("Other")
    response = confirm(staff_client, first, second)
    assert response.status_code == 302
    assert [written(first), written(second)] == [NOV_6, NOV_6]
    assert written(other) == dt.date(2026, 12, 3)
    first.refresh_from_db()
    assert timezone.localtime(first.created).time() == dt.time(0, 0)
    assert not first.created_is_guess
    assert Note.objects.get(pk=other.pk).created_is_guess
    messages = [str(m) for m in staff_client.get(CHANGELIST).context["messages"]]
    assert messages == ["2 notes are now dated 2014-11-06."]


def test_each_dated_note_gets_a_version_in_its_history_naming_who_dated_it(client):
    user = make_user(superuser=True)
    client.force_login(user)
    note = guessed("Threads")
    confirm(client, note)
    latest = note.history.order_by("-history_date", "-history_id").first()
    assert note.history.count() == 2
    assert latest.history_user == user
    assert latest.history_change_reason == "written date set"
    assert timezone.localdate(latest.created) == NOV_6
    assert latest.created_is_guess is False


def test_a_guessed_note_already_on_that_day_keeps_its_time_and_loses_the_guess(staff_client):
    note = guessed("Threads", day=NOV_6)
    confirm(staff_client, note)
    note.refresh_from_db()
    assert timezone.localtime(note.created).time() == dt.time(9, 30)
    assert not note.created_is_guess
    messages = [str(m) for m in staff_client.get(CHANGELIST).context["messages"]]
    assert messages == [
        "1 note was dated 2014-11-06 already; its date is no longer marked as a guess."
    ]


def test_notes_already_dated_that_day_are_left_alone(staff_client):
    note = make_note("Threads", created=timezone.make_aware(dt.datetime(2014, 11, 6, 8)))
    confirm(staff_client, note)
    assert note.history.count() == 1
    messages = [str(m) for m in staff_client.get(CHANGELIST).context["messages"]]
    assert messages == ["The selected notes were dated 2014-11-06 already; nothing changed."]


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("2014-02-30", "“2014-02-30” is not a date. Write the day as year-month-day, "
                       "for example 2014-11-06."),
        ("", "This field is required."),
    ],
)  # fmt: skip
def test_a_bad_date_is_a_sentence_on_the_page_and_nothing_is_saved(staff_client, typed, sentence):
    note = guessed("Threads")
    response = confirm(staff_client, note, date=typed)
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [sentence]
    assert sentence in response.content.decode().replace("&quot;", '"')
    note.refresh_from_db()
    assert (written(note), note.created_is_guess, note.history.count()) == (
        dt.date(2026, 12, 3),
        True,
        1,
    )


def test_a_date_after_today_is_refused_on_the_page(staff_client):
    note = guessed("Threads")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = confirm(staff_client, note, date=tomorrow)
    assert "is after today" in response.content.decode()
    assert written(note) == dt.date(2026, 12, 3)


def test_the_action_dates_all_the_notes_or_none(staff_client, monkeypatch):
    first, second = guessed("First"), guessed("Second")
    real_save = Note.save

    def failing_save(self, *args, **kwargs):
        if self.title == "Second":
            raise RuntimeError("the disk is full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Note, "save", failing_save)
    with pytest.raises(RuntimeError):
        confirm(staff_client, first, second)
    monkeypatch.undo()
    assert [written(first), written(second)] == [dt.date(2026, 12, 3)] * 2
    assert first.history.count() == 1


def test_staff_who_may_only_view_notes_are_neither_offered_nor_can_run_the_action():
    client = staff_with("view_note")
    note = guessed("Threads")
    assert 'value="set_written_date"' not in client.get(CHANGELIST).content.decode()
    response = choose(client, note, index=0)
    assert "admin/notes/note/set_written_date.html" not in [t.name for t in response.templates]
    confirm(client, note)
    note.refresh_from_db()
    assert (written(note), note.created_is_guess) == (dt.date(2026, 12, 3), True)


def test_staff_who_may_change_notes_can_run_the_action():
    client = staff_with("view_note", "change_note")
    note = guessed("Threads")
    assert 'value="set_written_date"' in client.get(CHANGELIST).content.decode()
    confirm(client, note)
    assert written(note) == NOV_6


def test_the_confirmation_is_refused_without_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(superuser=True))
    note = guessed("Threads")
    response = confirm(client, note)
    assert response.status_code == 403
    assert written(note) == dt.date(2026, 12, 3)


# --- the guess, in the admin and on the note page -----------------------------------------


def change_form(note: Note, **overrides) -> dict:
    """What the change form posts, with the date it showed (Django sends it back hidden,
    `initial-created`, for a field whose default is a function: now)."""
    day, time = timezone.localtime(note.created).strftime("%Y-%m-%d %H:%M:%S").split()
    data = {
        "title": note.title, "slug": note.slug, "status": note.status, "category": "",
        "tags": "", "body": note.body, "excerpt": "", "created_0": day, "created_1": time,
        "initial-created_0": day, "initial-created_1": time, "front_matter": "{}",
        "format": "markdown", "seen_version": str(note.version),
    }  # fmt: skip
    return {**data, **overrides}


def test_editing_the_written_date_in_the_admin_clears_the_guess(staff_client):
    note = guessed("Threads")
    url = reverse("admin:notes_note_change", args=[note.pk])
    response = staff_client.post(url, change_form(note, created_0="2014-11-06"))
    assert response.status_code == 302
    note.refresh_from_db()
    assert (written(note), note.created_is_guess) == (NOV_6, False)


def test_editing_anything_else_in_the_admin_keeps_the_guess(staff_client):
    note = guessed("Threads")
    url = reverse("admin:notes_note_change", args=[note.pk])
    response = staff_client.post(url, change_form(note, body="changed"))
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.body, note.created_is_guess) == ("changed", True)


def test_the_note_list_filters_and_marks_guessed_dates(staff_client):
    guessed("Guessed")
    make_note("Known")
    page = staff_client.get(CHANGELIST, {"date_guess": "yes"})
    assert [note.title for note in page.context["cl"].result_list] == ["Guessed"]
    page = staff_client.get(CHANGELIST, {"date_guess": "no"})
    assert [note.title for note in page.context["cl"].result_list] == ["Known"]
    page = staff_client.get(CHANGELIST).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", page, re.DOTALL)
    (guessed_row,) = [row for row in rows if ">Guessed<" in row]
    (known_row,) = [row for row in rows if ">Known<" in row]
    assert '<em class="date-guess">(a guess)</em>' in guessed_row
    assert "a guess" not in known_row


def test_staff_see_that_a_notes_date_is_a_guess_beside_written(staff_client):
    note = guessed("Threads")
    page = staff_client.get(note.get_absolute_url()).content.decode()
    assert 'class="badge badge-guess"' in page
    assert "date is a guess" in page


def test_readers_never_see_that_a_date_is_a_guess(client, reader_client, staff_client):
    note = guessed("Threads")
    staff_client.get(note.get_absolute_url())  # cached for staff first
    for visitor in (client, reader_client):
        page = visitor.get(note.get_absolute_url()).content.decode()
        assert "Threads" in page
        assert "badge-guess" not in page and "date is a guess" not in page


def test_the_badge_leaves_the_page_once_the_date_is_set(staff_client):
    note = guessed("Threads")
    assert "badge-guess" in staff_client.get(note.get_absolute_url()).content.decode()
    confirm(staff_client, note)
    assert "badge-guess" not in staff_client.get(note.get_absolute_url()).content.decode()


def test_a_known_date_shows_no_badge_to_staff(staff_client):
    note = make_note("Threads")
    assert "badge-guess" not in staff_client.get(note.get_absolute_url()).content.decode()


def test_the_badge_is_in_chinese_for_chinese_staff(staff_client):
    note = guessed("Threads")
    page = staff_client.get(note.get_absolute_url(), headers={"accept-language": "zh-hans"})
    assert "日期为推测" in page.content.decode()
