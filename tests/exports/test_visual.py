import pytest
from PIL import Image

from .visual_references import DIFFERENT_PIXEL_BUDGET, LANGUAGES, REFERENCE_DIR, difference, render_png


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_script_looks_like_its_reviewed_reference(language, tmp_path):
    reference = REFERENCE_DIR / f"{language}.png"
    assert reference.exists(), "run scripts/update-visual-references.py and review the images"
    share = difference(render_png(language, tmp_path), reference)
    assert share <= DIFFERENT_PIXEL_BUDGET, f"{language}: {share:.2%} of the pixels changed; compare with {reference}"


def test_a_page_laid_out_in_the_wrong_direction_is_caught(tmp_path):
    # The Arabic page mirrored, as if the direction were lost: far over the budget.
    mirrored = tmp_path / "mirrored.png"
    Image.open(REFERENCE_DIR / "ar.png").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored)
    assert difference(mirrored, REFERENCE_DIR / "ar.png") > DIFFERENT_PIXEL_BUDGET * 3


def test_a_change_of_font_or_shaping_is_caught(tmp_path):
    # As if an upgrade lost Nastaliq: the Urdu page set in Naskh.
    naskh = render_png("ur", tmp_path, extra_css=':lang(ur) { font-family: "Noto Naskh Arabic"; }')
    assert difference(naskh, REFERENCE_DIR / "ur.png") > DIFFERENT_PIXEL_BUDGET
    # As if direction were lost: the Arabic page laid out left to right.
    ltr = render_png("ar", tmp_path, extra_css="html, [dir=rtl] { direction: ltr; }")
    assert difference(ltr, REFERENCE_DIR / "ar.png") > DIFFERENT_PIXEL_BUDGET
