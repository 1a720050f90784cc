"""A translator takes a sentence from translation memory, heeds a glossary warning, and a reviewer approves the result."""

import pytest

from curriculum.models import Block
from tests.factories import BlockFactory
from translations.models import ReviewState, TranslationRecord

from .test_adaptation_journey import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UNIT = 'section[data-key="block:session-1/circle:body"]'
OWN_SENTENCE = " اجلسي في دائرة واستمعي."


def test_memory_and_glossary_lead_a_translator_to_a_translation_a_reviewer_approves(
    page, live_server, handbook, glossary, translator_ar, reviewer_ar, tmp_path
):
    # The facilitation guide's Arabic ("القيادة ممارسة." for "Leadership is a practice.") is in memory;
    # a new block of session 1 repeats that sentence and adds one of its own.
    BlockFactory(
        module=handbook.modules.get(slug="session-1"), key="circle", position=3, title_en="",
        body_en="Leadership is a practice. Sit in a circle and listen.",
    )  # fmt: skip
    editor = f"{live_server.url}/en/translations/{handbook.slug}/ar/modules/session-1/"

    # 1. The translator sees the glossary term in the source and the memory's 100% match for the first sentence.
    sign_in(page, live_server, "translator-ar")
    page.goto(editor)
    unit = page.locator(UNIT)
    assert unit.locator("mark.glossary-term").first.inner_text().lower() == "leadership"
    exact = unit.locator('[data-testid="memory-match"].memory-match-exact')
    assert exact.locator(".memory-target").inner_text() == "القيادة ممارسة."
    assert "Facilitation guide" in exact.locator(".memory-origin").inner_text()
    assert exact.get_attribute("data-percent") == "100"

    # 2. She types her own rendering of "leadership": the glossary warns while she types, and again after saving.
    textarea = unit.locator("textarea").first
    textarea.fill("الريادة ممارسة." + OWN_SENTENCE)
    warning = unit.get_by_test_id("glossary-warning")
    warning.wait_for(state="visible")
    assert "قيادة" in warning.inner_text()
    page.locator("#save-for-review").click()
    assert "1 translation saved." in page.locator(".messages").inner_text()
    unit = page.locator(UNIT)
    assert unit.get_by_test_id("glossary-warning").is_visible()  # the server's check, not only the script's
    assert unit.get_by_test_id("review-state").get_attribute("data-state") == "needs_review"
    page.screenshot(path=str(tmp_path / "glossary-warning.png"), full_page=True)

    # 3. She starts again from the memory's sentence (one click) and adds her own: the warning goes.
    textarea = unit.locator("textarea").first
    textarea.fill("")
    unit.get_by_test_id("unit-memory").locator("summary").click()  # folded now that the text is translated
    exact = unit.locator('[data-testid="memory-match"].memory-match-exact')
    exact.get_by_test_id("memory-apply").click()
    assert textarea.input_value() == "القيادة ممارسة."
    textarea.press("End")
    textarea.press_sequentially(OWN_SENTENCE)
    unit.get_by_test_id("glossary-warning").wait_for(state="hidden")
    page.locator("#save-for-review").click()
    assert "1 translation saved." in page.locator(".messages").inner_text()
    unit = page.locator(UNIT)
    assert not unit.get_by_test_id("glossary-warning").is_visible()
    assert unit.get_by_test_id("approve").count() == 0  # a translator does not approve
    sign_out(page)

    # 4. The reviewer opens the texts waiting for review and approves hers.
    sign_in(page, live_server, "reviewer-ar")
    page.goto(editor)
    page.get_by_test_id("review-filter-needs_review").click()
    unit = page.locator(UNIT)
    assert unit.locator("textarea").first.input_value() == "القيادة ممارسة." + OWN_SENTENCE
    unit.get_by_test_id("approve").click()
    assert "Translation approved." in page.locator(".messages").inner_text()
    page.goto(editor)
    unit = page.locator(UNIT)
    assert unit.get_by_test_id("review-state").get_attribute("data-state") == "approved"
    assert unit.locator("textarea").first.evaluate("el => getComputedStyle(el).direction") == "rtl"
    page.screenshot(path=str(tmp_path / "approved.png"), full_page=True)

    block = Block.objects.get(key="circle")
    assert block.body_ar == "القيادة ممارسة." + OWN_SENTENCE
    record = TranslationRecord.objects.get(object_id=block.pk, field="body", language="ar")
    assert record.review_state == ReviewState.APPROVED
    assert record.translated_by == translator_ar and record.reviewed_by == reviewer_ar
