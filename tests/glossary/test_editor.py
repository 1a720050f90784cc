"""The glossary in the translation editor: terms highlighted in the source, a warning where the rendering is missing."""

import re

import pytest
from django.urls import reverse

from curriculum.models import Block
from translations.services import text_hash

pytestmark = pytest.mark.django_db
WELCOME = "block:facilitation-guide/welcome:body"


def _editor(client, handbook, language):
    return client.get(reverse("translations:editor", args=[handbook.slug, language, "facilitation-guide"]))


def _save(client, handbook, arabic, **kwargs):
    """The translator saves an Arabic translation of the welcome block from the page she loaded."""
    block = Block.objects.get(key="welcome")
    form = {f"t:{WELCOME}": arabic, f"b:{WELCOME}": text_hash(block.body_ar), f"s:{WELCOME}": text_hash(block.body_en)}
    return client.post(reverse("translations:editor", args=[handbook.slug, "ar", "facilitation-guide"]), form, **kwargs)


def _unit(page, key):
    """The HTML of one unit's section of the editor."""
    html = page.content.decode()
    start = html.index(f'data-key="{key}"')
    return html[start : html.index("</section>", start)]


def _warning(unit_html):
    """The glossary warning's opening tag, and the terms it lists as missing (not hidden)."""
    tag = re.search(r'<div class="glossary-warning"[^>]*>', unit_html).group(0)
    missing = re.findall(r'<li class="glossary-missing"\s+data-term="(\d+)"\s*>', unit_html)
    return tag, missing


def test_the_source_highlights_glossary_terms_with_their_preferred_rendering(client, handbook, glossary, translator_fa):
    client.force_login(translator_fa)
    unit = _unit(_editor(client, handbook, "fa"), WELCOME)
    term = glossary["leadership"]
    assert f'<mark class="glossary-term" data-term="{term.pk}" title="preferred: رهبری">Leadership</mark>' in unit
    assert 'data-testid="unit-glossary"' in unit and "A shared practice, not a rank." in unit


def test_an_existing_translation_that_uses_the_rendering_shows_no_warning(client, handbook, glossary, translator_fa):
    client.force_login(translator_fa)
    tag, missing = _warning(_unit(_editor(client, handbook, "fa"), WELCOME))
    assert "hidden" in tag and missing == []


def test_a_saved_translation_without_the_rendering_is_warned_about_but_saved(client, handbook, glossary, translator_ar):
    client.force_login(translator_ar)
    response = _save(client, handbook, "الزعامة ممارسة.", follow=True)
    block = Block.objects.get(key="welcome")
    assert block.body_ar == "الزعامة ممارسة."  # the glossary advises, it does not block
    unit = _unit(response, WELCOME)
    tag, missing = _warning(unit)
    assert 'id="glossary-warning-' in tag and 'data-testid="glossary-warning"' in tag and "hidden" not in tag
    assert missing == [str(glossary["leadership"].pk)]
    assert 'class="glossary-term glossary-term-warning"' in unit


def test_a_form_to_avoid_is_named_in_the_warning(client, handbook, glossary, translator_ar):
    glossary["leadership"].renderings.filter(language="ar").update(avoid="زعامة")
    client.force_login(translator_ar)
    unit = _unit(_save(client, handbook, "القيادة أو الزعامة؟", follow=True), WELCOME)
    tag, missing = _warning(unit)
    assert "hidden" not in tag and missing == [str(glossary["leadership"].pk)]
    avoided = re.search(
        r'<span class="glossary-avoided"([^>]*)>.*?<span class="glossary-avoided-forms"[^>]*>(.*?)</span>', unit, re.S
    )
    assert "hidden" not in avoided.group(1) and avoided.group(2) == "زعامة"


def test_after_an_error_the_warning_checks_what_the_translator_typed(client, handbook, glossary, translator_ar):
    client.force_login(translator_ar)
    response = _save(client, handbook, "<iframe>الزعامة</iframe>")
    assert response.status_code == 400
    tag, missing = _warning(_unit(response, WELCOME))
    assert "hidden" not in tag and missing == [str(glossary["leadership"].pk)]


def test_the_source_around_a_highlighted_term_stays_escaped(client, handbook, glossary, translator_ar):
    Block.objects.filter(key="welcome").update(body_en="<b>Leadership</b> & consensus")
    client.force_login(translator_ar)
    unit = _unit(_editor(client, handbook, "ar"), WELCOME)
    assert "&lt;b&gt;<mark" in unit and "</mark>&lt;/b&gt; &amp; <mark" in unit
    assert "<b>" not in unit


def test_a_page_without_glossary_terms_is_unchanged(client, handbook, translator_ar):
    client.force_login(translator_ar)
    page = _editor(client, handbook, "ar").content.decode()
    assert "glossary-term" not in page and "unit-glossary" not in page
    assert '<div class="source-text"' in page
