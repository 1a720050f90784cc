"""The ActualText patch of WeasyPrint is applied by the exports app, not as a side effect of importing the renderer."""

import os
import subprocess
import sys

from django.conf import settings

from exports import weasyprint_actualtext


def test_the_app_installs_the_patch_once_django_is_set_up():
    assert weasyprint_actualtext.installed()
    weasyprint_actualtext.install()  # again: still one patch, not a patch of the patch
    assert weasyprint_actualtext._draw_first_line.__module__ == "weasyprint.draw.text"


def test_importing_the_renderer_leaves_weasyprint_as_it_is():
    code = "import exports.rendering, weasyprint.draw.text as text; print(text.draw_first_line.__module__)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "weasyprint.draw.text"


def test_indic_and_arabic_script_lines_need_their_own_text(monkeypatch):
    for text in ("संख्या", "সংখ্যা", "العربية", "می‌خواهم", "بامقصد"):
        assert weasyprint_actualtext.needs_actual_text(text), text
    assert not weasyprint_actualtext.needs_actual_text("Hi") and not weasyprint_actualtext.needs_actual_text("Лидер 45")
    # The behaviour before issue 14, for the bench's "before" column: Indic lines only.
    monkeypatch.setattr(weasyprint_actualtext, "right_to_left", False)
    assert not weasyprint_actualtext.needs_actual_text("العربية") and weasyprint_actualtext.needs_actual_text("संख्या")


def test_pdfium_order_reverses_right_to_left_segments_in_place_and_keeps_marks_and_separators():
    order = weasyprint_actualtext.pdfium_order
    assert order("بامقصد سننا") == "دصقماب اننس"  # each word reversed, the words where they were
    assert order("مدة 45 دقيقة") == "ةدم 54 ةقيقد"
    assert order("ہے (ایک") == "ےہ) کیا"  # the bracket mirrored
    assert order("تكلّمي") == "لكتّيم"  # the shadda (a weak mark) stays after its letter
    assert order("Hi (there)") == "Hi (there)"
    # pdfium's step is its own inverse: applying it to what we write gives the text back.
    for text in ("بامقصد سننا", "جلسهٔ ۳ چهل‌وپنج دقیقه", "القيادة ممارسة: استمعي أولاً ثم تكلّمي."):
        assert order(order(text)) == text
