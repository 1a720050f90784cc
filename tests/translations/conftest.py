import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


def _translator(username, *languages):
    user = UserFactory(username=username)
    for language in languages:
        user.groups.add(Group.objects.get_or_create(name=f"translators-{language}")[0])
    return user


@pytest.fixture
def translator_ar(db):
    return _translator("translator-ar", "ar")


@pytest.fixture
def translator_fa(db):
    return _translator("translator-fa", "fa")
