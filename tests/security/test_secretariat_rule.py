"""One answer to "is this the secretariat?": curriculum.roles.is_secretariat, read by every page that asks."""

import re
from pathlib import Path

import pytest

from curriculum.roles import is_secretariat

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "audit", "config", "curriculum", "downloads", "exports", "translations", "workshops"]
# Staff status or the group name read anywhere else would be a second rule that can disagree with the first.
SECOND_RULE = re.compile(r"\bis_staff\b|name\s*=\s*[\"']secretariat[\"']|SECRETARIAT_GROUP\b")
# Where reading them is right: the rule itself, the demo's accounts, and the admin (its own staff checks).
ALLOWED = {"curriculum/roles.py", "curriculum/demo/__init__.py"}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and path.name != "admin.py":
                yield path
    yield from sorted((ROOT / "templates").rglob("*.html"))


def test_no_page_decides_with_staff_status_or_the_group_name_itself():
    found = {str(path.relative_to(ROOT)) for path in _sources() if SECOND_RULE.search(path.read_text(encoding="utf-8"))}
    assert found - ALLOWED == set()


@pytest.mark.django_db
def test_every_place_that_asks_gets_the_same_answer(settings, staff_only, secretariat_group_only):
    """The rule itself, the navigation's template filter, and the translation workspace's "every language"."""
    from tests.factories import UserFactory
    from translations.services import translator_languages
    from workshops.templatetags.workshops import is_secretariat as nav_shows_secretariat

    superuser = UserFactory(username="root", is_superuser=True)
    for user, expected in ((secretariat_group_only, True), (superuser, True), (staff_only, False)):
        answers = [
            is_secretariat(user),
            nav_shows_secretariat(user),
            translator_languages(user) == set(settings.LANGUAGE_CODES),
        ]
        assert answers == [expected] * 3, user.username


@pytest.mark.django_db
@pytest.mark.parametrize("persona, previews", [("staff_only", False), ("secretariat_group_only", True)])
def test_a_draft_curriculum_is_previewed_by_the_secretariat_only(request, client, handbook, persona, previews):
    handbook.is_published = False
    handbook.save()
    client.force_login(request.getfixturevalue(persona))
    assert (client.get(f"/en/curricula/{handbook.slug}/").status_code == 200) is previews
