import pytest

from curriculum.adaptation import edition_get_or_create
from curriculum.models import Module


@pytest.fixture
def edition(handbook, partner):
    return edition_get_or_create(curriculum=handbook, partner=partner)


@pytest.fixture
def session(handbook):
    return Module.objects.get(curriculum=handbook, slug="session-1")
