"""``?download=1`` on the map exports: an attachment whose file name browsers read."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import make_note, make_topic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "header"),
    [
        ("Threads", 'attachment; filename="threads.{}"'),
        # RFC 6266: the UTF-8 name percent-encoded, which browsers save as 全局解释器锁.opml.
        ("全局解释器锁", "attachment; filename*=utf-8''" + quote("全局解释器锁") + ".{}"),
    ],
)
def test_a_note_map_download_names_the_file_after_its_slug(client, title, header):
    note = make_note(title, body="## One\n\n- two")
    for name, extension in [("notes:note-map-opml", "opml"), ("notes:note-map-freemind", "mm")]:
        url = reverse(name, args=[note.slug])
        assert client.get(url, {"download": "1"})["Content-Disposition"] == header.format(extension)
        assert "Content-Disposition" not in client.get(url)


def test_the_topic_map_downloads_are_attachments(client):
    make_topic("GIL")
    for name, filename in [("notes:map-opml", "python-topics.opml"),
                           ("notes:map-freemind", "python-topics.mm"),
                           ("notes:map-json", "python-topics.json")]:  # fmt: skip
        response = client.get(reverse(name), {"download": "1"})
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
