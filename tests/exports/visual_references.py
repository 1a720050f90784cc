"""Visual references: the script sample of each language rendered to PNG and compared with a reviewed image.

An upgrade of WeasyPrint, Pango, HarfBuzz or the fonts that breaks shaping or direction
changes many pixels and fails; anti-aliasing noise stays inside the budget.
Regenerate with `scripts/update-visual-references.py`, then look at every image before committing.
"""

import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

from curriculum.demo.script_samples import FIXED_DATE, sample_edition
from exports import rendering

REFERENCE_DIR = Path(__file__).resolve().parent / "visual"
LANGUAGES = ("en", "ar", "fa", "ur", "ru", "tg", "hi", "bn", "ha")
RESOLUTION = 50
# A pixel differs when a channel moves by more than this; a page may have this share of them.
PIXEL_THRESHOLD = 48
DIFFERENT_PIXEL_BUDGET = 0.004


def render_png(language, directory, extra_css=""):
    """Page 1 of the language's sample module, as pdftoppm draws it."""
    edition = sample_edition(language)
    html = rendering.edition_html(edition, document="module", generated_at=FIXED_DATE)
    if extra_css:
        html = html.replace("</head>", f"<style>{extra_css}</style></head>", 1)
    pdf = Path(directory) / f"{language}.pdf"
    pdf.write_bytes(rendering.html_to_pdf(html, title=edition.title).pdf)
    prefix = Path(directory) / language
    subprocess.run(
        ["pdftoppm", "-r", str(RESOLUTION), "-f", "1", "-l", "1", "-singlefile", "-png", str(pdf), str(prefix)],
        check=True,
    )
    return prefix.with_suffix(".png")


def difference(image_path, reference_path):
    """Share of pixels that differ by more than the threshold (1.0 when the page size changed)."""
    image = Image.open(image_path).convert("L")
    reference = Image.open(reference_path).convert("L")
    if image.size != reference.size:
        return 1.0
    changed = ImageChops.difference(image, reference).point(lambda value: 255 if value > PIXEL_THRESHOLD else 0)
    return sum(changed.histogram()[255:]) / (image.width * image.height)


def regenerate():
    REFERENCE_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        for language in LANGUAGES:
            target = REFERENCE_DIR / f"{language}.png"
            target.write_bytes(render_png(language, directory).read_bytes())
            print(f"wrote {target}")
