"""A translator sees a stale block after a source edit, reads the diff, fixes the translation; the matrix turns green."""

import pytest
from django.test import Client

from curriculum.models import Block

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GREEN = "rgb(227, 244, 230)"


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_a_translator_fixes_a_stale_translation_and_the_matrix_turns_green(page, live_server, handbook, tmp_path):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    translator = UserFactory(username="translator-ar")
    translator.groups.add(Group.objects.get_or_create(name="translators-ar")[0])
    block = Block.objects.get(key="welcome")
    block.body_en = "Welcome, dear facilitator. Leadership is a daily practice."
    block.save()  # the secretariat edits the source

    _sign_in(page, live_server, translator)
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="Translations").click()
    guide = page.locator('tr[data-row="module:facilitation-guide"] td[data-language="ar"]')
    assert "has-stale" in guide.get_attribute("class")
    assert "8 words stale" in guide.inner_text()
    guide.get_by_role("link").click()

    unit = page.locator('section[data-key="block:facilitation-guide/welcome:body"]')
    assert unit.locator(".unit-status").inner_text() == "Source changed since translated"
    assert unit.locator(".source-diff ins").all_inner_texts() == [" dear", "daily "]
    textarea = unit.locator("textarea")
    assert textarea.input_value() == "مرحباً بكِ أيتها الميسّرة. القيادة ممارسة."
    assert textarea.evaluate("el => getComputedStyle(el).direction") == "rtl"
    page.screenshot(path=str(tmp_path / "editor-stale.png"), full_page=True)

    textarea.fill("مرحباً بكِ عزيزتي الميسّرة. القيادة ممارسة يومية.")
    # The module's other untranslated fields, so that the whole row is done.
    page.locator('section[data-key="module:facilitation-guide:summary"] textarea').fill("ما تدور حوله الجلسة.")
    page.locator('section[data-key="block:facilitation-guide/welcome:title"] textarea').fill("مرحباً")
    page.get_by_role("button", name="Save and ask for review").click()
    assert "3 translations saved." in page.locator(".messages").inner_text()
    assert page.locator(".unit-stale").count() == 0

    page.get_by_role("link", name="All modules").click()
    guide = page.locator('tr[data-row="module:facilitation-guide"] td[data-language="ar"]')
    assert "complete" in guide.get_attribute("class").split()
    assert "100% translated" in guide.inner_text()
    assert guide.evaluate("el => getComputedStyle(el).backgroundColor") == GREEN
    page.screenshot(path=str(tmp_path / "matrix-green.png"), full_page=True)
    assert Block.objects.get(key="welcome").body_ar == "مرحباً بكِ عزيزتي الميسّرة. القيادة ممارسة يومية."
