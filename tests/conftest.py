import pytest

from tests.factories import make_user


@pytest.fixture
def staff_client(client, db):
    client.force_login(make_user(superuser=True))
    return client


@pytest.fixture
def reader_client(client, db):
    """A logged-in user who is not staff: sees exactly what anonymous readers see."""
    client.force_login(make_user())
    return client
