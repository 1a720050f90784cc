import pytest

from curriculum.resolution import edition_resolve
from exports import fingerprints, rendering
from tests.pdf import pdf_fonts, pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def test_print_html_carries_language_and_direction_on_the_document_and_every_block(handbook):
    html = rendering.edition_html(edition_resolve(curriculum=handbook, language="ar"))
    assert '<html lang="ar" dir="rtl">' in html
    assert 'class="block block-text"\n                   lang="ar"\n                   dir="rtl"' in html
    # The untranslated handout keeps its own language and direction inside the Arabic manual.
    assert 'class="block block-handout"\n                   lang="en"\n                   dir="ltr"' in html
    assert "جدول المحتويات" in html or "Table of contents" in html


def test_the_url_fetcher_serves_static_files_and_refuses_everything_else(tmp_path):
    fetcher = rendering.StaticOnlyURLFetcher(rendering.static_dirs())
    css = (rendering.static_dirs()[0] / "css" / "pdf.css").resolve()
    assert fetcher.fetch(css.as_uri()).read().startswith(b"/*")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in (
        secret.as_uri(),
        "file:///etc/passwd",
        css.as_uri().replace("pdf.css", "../../../../etc/passwd"),
        "http://127.0.0.1:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.org/x",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


def test_hostile_references_in_the_html_are_refused_and_reported():
    html = (
        '<html lang="en"><head><link rel="stylesheet" href="file:///etc/passwd"></head>'
        '<body><img src="http://169.254.169.254/x"><p>Hello</p></body></html>'
    )
    result = rendering.html_to_pdf(html)
    assert sorted(result.refused_urls) == ["file:///etc/passwd", "http://169.254.169.254/x"]
    assert result.page_count == 1


def test_the_manual_pdf_has_its_text_fonts_and_title(handbook, tmp_path):
    edition = edition_resolve(curriculum=handbook, language="ru")
    result = rendering.html_to_pdf(rendering.edition_html(edition), title=edition.title)
    path = tmp_path / "ru.pdf"
    path.write_bytes(result.pdf)
    text = pdf_text(path)
    assert "Путь к выбору" in text
    assert "Расставьте стулья по кругу." in text
    assert "Руководство ведущей" in text
    fonts = pdf_fonts(path)
    assert fonts and all(font["embedded"] for font in fonts)
    assert any("NotoSerif" in font["name"].replace("-", "") for font in fonts)
    assert pdf_info(path)["Title"] == "Путь к выбору"
    # cover, contents, one page per module, the handout on a page of its own
    assert result.page_count == 5


def test_arabic_text_is_set_in_naskh(handbook, tmp_path):
    edition = edition_resolve(curriculum=handbook, language="ar")
    path = tmp_path / "ar.pdf"
    path.write_bytes(rendering.html_to_pdf(rendering.edition_html(edition)).pdf)
    assert any("NotoNaskhArabic" in font["name"].replace("-", "") for font in pdf_fonts(path))
    assert "الكراسي" in pdf_text(path)


def test_the_renderer_fingerprint_is_stable_within_a_process():
    assert fingerprints.kind_fingerprint("manual") == fingerprints.kind_fingerprint("manual")


def test_a_worker_warms_the_renderer_before_its_pool_forks(monkeypatch):
    from celery import signals

    from exports import tasks

    laid_out = []
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html, **options: laid_out.append(html))
    assert tasks.warm_renderer in [receiver() for _key, receiver in signals.worker_init.receivers]
    tasks.warm_renderer(sender=None)
    # One line in every script with a font stack of its own, bold too: their faces are loaded before the fork.
    assert laid_out == [rendering.WARM_UP_HTML]
    for language in ("ar", "fa", "ur", "hi", "bn"):
        assert f'lang="{language}"' in rendering.WARM_UP_HTML


def test_the_warm_up_lays_out_without_a_missing_glyph():
    result = rendering.html_to_pdf(rendering.WARM_UP_HTML)
    assert result.page_count == 1 and not [warning for warning in result.warnings if ".notdef" in warning]
