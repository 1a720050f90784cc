"""Personas that only the security tests need: the two halves of the old "is this the secretariat?" rule."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


@pytest.fixture
def staff_only(db):
    """Staff status opens the Django admin and nothing else: in the platform's pages she is a signed-in outsider."""
    return UserFactory(username="staff-only", is_staff=True)


@pytest.fixture
def secretariat_group_only(db):
    """In the `secretariat` group without staff status: the secretariat everywhere in the platform's pages."""
    user = UserFactory(username="secretariat-group-only")
    user.groups.add(Group.objects.get_or_create(name="secretariat")[0])
    return user
