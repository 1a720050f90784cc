"""Text copied out of Chromium's own PDF viewer (pdfium) reads as it was written, in Urdu Nastaliq and Arabic."""

import pytest

from curriculum.demo.script_samples import SAMPLES, sample_edition
from exports import rendering, weasyprint_actualtext

pytestmark = pytest.mark.browser
# The clipboard can only be read from a secure origin; the page is answered by Playwright itself.
CLIPBOARD_ORIGIN = "https://clipboard.test"


def copied_text(browser, pdf_path):
    """Select the whole page in Chromium's PDF viewer, copy it, and read the clipboard back."""
    context = browser.new_context()
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=CLIPBOARD_ORIGIN)
        viewer = context.new_page()
        viewer.goto(pdf_path.as_uri())
        viewer.wait_for_timeout(2500)  # the viewer is a plugin frame Playwright cannot see: wait for it to load
        viewer.mouse.click(640, 400)
        viewer.keyboard.press("Control+a")
        viewer.keyboard.press("Control+c")
        viewer.wait_for_timeout(300)
        reader = context.new_page()
        reader.route(
            f"{CLIPBOARD_ORIGIN}/", lambda route: route.fulfill(body="<html></html>", content_type="text/html")
        )
        reader.goto(f"{CLIPBOARD_ORIGIN}/")
        return reader.evaluate("navigator.clipboard.readText()")
    finally:
        context.close()


def sample_pdf(language, tmp_path):
    edition = sample_edition(language)
    path = tmp_path / f"{language}.pdf"
    path.write_bytes(rendering.html_to_pdf(rendering.edition_html(edition, document="module")).pdf)
    return path


@pytest.mark.parametrize("language", ["ur", "ar", "fa"])
def test_a_line_copied_from_chromiums_pdf_viewer_equals_the_source_line(browser, language, tmp_path):
    lines = copied_text(browser, sample_pdf(language, tmp_path)).splitlines()
    assert SAMPLES[language]["body"] in lines, lines[:8]
    assert SAMPLES[language]["title"] in lines


def test_without_the_spans_chromium_copies_urdu_garbled(browser, tmp_path, monkeypatch):
    monkeypatch.setattr(weasyprint_actualtext, "right_to_left", False)
    assert SAMPLES["ur"]["body"] not in copied_text(browser, sample_pdf("ur", tmp_path))
