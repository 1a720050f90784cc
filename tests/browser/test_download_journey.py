"""A trainer finds the curriculum, picks an Arabic edition and downloads the PDF rendered by a real worker."""

import pytest

from exports.models import ExportJob
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_trainer_downloads_an_arabic_manual(page, live_server, handbook, pdf_worker, tmp_path):
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="Leading to Choices").click()
    page.locator("#id_language").select_option("ar")
    page.get_by_role("button", name="Download PDF").click()

    page.wait_for_url("**/exports/*/")
    # Marks this document: a full reload would lose the mark.
    page.evaluate("window.__sameDocument = true")
    download_link = page.locator("#export-download a")
    download_link.wait_for(state="visible", timeout=90_000)
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("#export-progress").get_attribute("value") == "100"
    assert page.locator("#export-stage").inner_text() == "Ready to download"
    page.screenshot(path=str(tmp_path / "job-done.png"))

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == "leading-to-choices-core-ar.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert "الكراسي" in pdf_text(saved)
    assert ExportJob.objects.get().attempts == 1


def test_the_arabic_pages_are_laid_out_right_to_left(page, live_server, handbook):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/ar/curricula/{handbook.slug}/")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    heading = page.locator("h1").bounding_box()
    # Right-aligned: the heading's right edge sits near the right edge of the screen.
    assert heading["x"] + heading["width"] > 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
