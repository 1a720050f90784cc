"""At phone size, in English and Arabic: find an edition, download its manual, take it offline."""

import io
import zipfile

import pytest

from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "direction", "expected_text"), [("en", "ltr", "Arrange the chairs"), ("ar", "rtl", "الكراسي")]
)
def test_find_download_and_take_offline_on_a_phone(
    page, live_server, handbook, pdf_worker, tmp_path, language, direction, expected_text
):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/{language}/downloads/?language={language}&edition=core")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == direction
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator(f"a[href='/{language}/editions/{handbook.slug}/core/{language}/']").click()
    page.screenshot(path=str(tmp_path / f"edition-{language}.png"))

    # The permanent link: rendered by the worker, progress shown, then the file.
    page.locator(f"a[href$='/core/{language}/manual.pdf']").first.click()
    page.wait_for_url("**/exports/*/")
    link = page.locator("#export-download a")
    link.wait_for(state="visible", timeout=90_000)
    with page.expect_download() as download:
        link.click()
    manual = tmp_path / "manual.pdf"
    download.value.save_as(manual)
    assert expected_text in pdf_text(manual)

    # The offline package: a page that refreshes itself until every file is rendered, then the ZIP.
    page.goto(f"{live_server.url}/{language}/editions/{handbook.slug}/core/{language}/")
    offline_url = f"{live_server.url}/{language}/editions/{handbook.slug}/core/{language}/offline.zip"
    for _attempt in range(60):
        response = page.request.get(offline_url)
        if response.status == 200:
            break
        assert response.status == 202
        page.wait_for_timeout(1000)
    archive = zipfile.ZipFile(io.BytesIO(response.body()))
    assert {"manual.pdf", "handouts.pdf", "manifest.json", "index.html"} <= set(archive.namelist())
    # The offline index opens from the file system, in the edition's language and direction.
    folder = tmp_path / "offline"
    archive.extractall(folder)
    page.goto((folder / "index.html").as_uri())
    assert page.evaluate("document.documentElement.dir") == direction
    assert page.locator("a[href='manual.pdf']").is_visible()
