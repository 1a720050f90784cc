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


def test_only_indic_lines_need_their_own_text():
    assert weasyprint_actualtext.needs_actual_text("संख्या") and weasyprint_actualtext.needs_actual_text("সংখ্যা")
    assert not weasyprint_actualtext.needs_actual_text("العربية") and not weasyprint_actualtext.needs_actual_text("Hi")
