"""Hostile content through the ways text enters: nothing runs, nothing is fetched, the user gets a clear error."""

import copy
import time

import pytest
from django.urls import reverse

from curriculum.exchange import CurriculumImportError, curriculum_import
from curriculum.models import Curriculum, Module
from curriculum.resolution import edition_resolve
from exports import rendering

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//127.0.0.1/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<svg onload="alert(1)"></svg>',
    '<svg><image href="file:///etc/passwd"/></svg>',
    '<svg><use href="http://169.254.169.254/latest/meta-data/#x"/></svg>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="file:///etc/shadow">x</a>',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    '<link rel="attachment" href="/etc/passwd">',
    '<a rel="attachment" href="https://example.org/">x</a>',
    "<style>@import url(http://127.0.0.1:6379/);</style>",
    "<style>body { background: url(file:///etc/passwd) }</style>",
    '<p style="width: 99999999in; height: 99999999in">huge</p>',
    '<p style="background:url(http://169.254.169.254/)">x</p>',
    '<base href="file:///">',
    '<iframe src="http://127.0.0.1:8000/admin/"></iframe>',
    '<object data="file:///etc/passwd"></object>',
    '<embed src="http://127.0.0.1:5432/">',
    '<img src="http://169.254.169.254/latest/meta-data/iam">',
    "![x](file:///etc/passwd)",
    "![x](http://127.0.0.1:6379/)",
    "[x](javascript:alert(1))",
    '<meta http-equiv="refresh" content="0;url=http://evil.example/">',
    '<form action="http://evil.example/"><input name="q"></form>',
    "{% load static %}{% debug %}{{ settings.SECRET_KEY }}",
    "<!--#include virtual='/etc/passwd' --><!-- hidden -->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#x6A;avascript:alert(1)",
]
DANGEROUS_TAGS = {"script", "style", "link", "base", "iframe", "object", "embed", "svg", "img", "meta", "form", "math"}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#")


def dangerous_markup(html):
    """Elements and attributes in rendered HTML that could run, fetch or embed something."""
    from html.parser import HTMLParser

    found = []

    class Inspector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in DANGEROUS_TAGS:
                found.append(f"<{tag}>")
            for name, value in attrs:
                if name.startswith("on") or name == "style" or (name == "rel" and "attachment" in (value or "")):
                    found.append(f"{tag}[{name}]")
                if name in ("href", "src", "data", "action") and not (value or "").startswith(SAFE_SCHEMES):
                    found.append(f"{tag}[{name}={value}]")
                if name in ("href", "src") and any(host in (value or "") for host in ("169.254", "127.0.0.1")):
                    found.append(f"{tag}[{name}={value}]")

    Inspector().feed(html)
    return found


def test_there_are_at_least_thirty_payloads():
    assert len(PAYLOADS) >= 30


def is_plain_text(payload):
    """Template tags and escaped text are plain text, comments are dropped: Markdown entry points accept these."""
    return payload.startswith(("{%", "&lt;", "<!--"))


def main_of(page):
    """The <main> element of a page: the content, without the site's own navigation."""
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def hostile_edition_write(client, *, curriculum, partner, editor):
    """The partner's editor writes every payload as her own text for a block, through the workspace, and publishes."""
    client.force_login(editor)
    module = Module.objects.get(curriculum=curriculum, slug="session-1")
    for number, payload in enumerate(PAYLOADS):
        url = reverse(
            "workspace:local-new",
            kwargs={"curriculum_slug": curriculum.slug, "partner_slug": partner.slug, "module_slug": module.slug},
        )
        assert (
            client.post(url, {"kind": "text", "title_en": f"Payload {number}", "body_en": payload}).status_code == 302
        )
    client.post(reverse("workspace:publish", kwargs={"curriculum_slug": curriculum.slug, "partner_slug": partner.slug}))
    client.logout()
    return curriculum


@pytest.fixture
def hostile_edition(handbook, partner, partner_editor, client):
    return hostile_edition_write(client, curriculum=handbook, partner=partner, editor=partner_editor)


def test_hostile_text_from_the_workspace_never_runs_in_a_page(client, hostile_edition, partner):
    page = client.get(f"/en/curricula/{hostile_edition.slug}/session-1/?edition={partner.slug}").content.decode()
    body = main_of(page)
    assert "Payload 30" in body
    assert dangerous_markup(body) == []
    # Template tags in content are text: shown, never evaluated.
    assert "{{ settings.SECRET_KEY }}" in body and settings_secret() not in page


def settings_secret():
    from django.conf import settings

    return settings.SECRET_KEY


def test_hostile_text_reaches_the_pdf_renderer_harmless_and_fetches_nothing(hostile_edition, partner):
    edition = edition_resolve(curriculum=hostile_edition, language="en", partner=partner)
    html = rendering.edition_html(edition)
    started = time.perf_counter()
    result = rendering.html_to_pdf(html)
    assert time.perf_counter() - started < 30
    # The print template links its own stylesheet; nothing from the content asked the fetcher for anything.
    assert result.refused_urls == []
    assert result.page_count < 40  # huge CSS values never reached the renderer
    assert dangerous_markup(html.split("<body", 1)[1]) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_json_import_with_hostile_markup_is_refused_and_imports_nothing(payload):
    data = {
        "slug": "hostile",
        "title": {"en": "Hostile"},
        "modules": [{"slug": "one", "title": {"en": "One"}, "blocks": [{"key": "a", "body": {"en": payload}}]}],
    }
    if is_plain_text(payload):
        curriculum = curriculum_import(data=copy.deepcopy(data))
        body_html = edition_resolve(curriculum=curriculum, language="en").modules[0].blocks[0].body_html
        assert dangerous_markup(body_html) == [] and "<!--" not in body_html
        return
    with pytest.raises(CurriculumImportError, match="contains markup that is not allowed"):
        curriculum_import(data=data)
    assert not Curriculum.objects.filter(slug="hostile").exists()
