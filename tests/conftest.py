import pytest
from django.test import Client

from tests.factories import make_user


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(make_user(superuser=True))
    return client


@pytest.fixture
def reader_client(db):
    """A logged-in user who is not staff: sees exactly what anonymous readers see."""
    client = Client()
    client.force_login(make_user())
    return client
