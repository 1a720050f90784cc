"""Review of content translations: draft → needs review → approved, who may review, conflicts, the editor's controls."""

import re
import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse

from curriculum.models import Block
from translations.models import ReviewState, TranslationRecord, TranslatorGrant
from translations.review import (
    ReviewConflict,
    ReviewProblem,
    ReviewRefused,
    reviewer_languages,
    translation_approve,
    translation_save_draft,
    translation_send_back,
    translation_submit,
)
from translations.services import TranslationRefused, text_hash, translation_save
from translations.units import curriculum_progress

pytestmark = pytest.mark.django_db

WELCOME = "block:facilitation-guide/welcome:body"


def _welcome():
    return Block.objects.get(key="welcome")


def _record(block, language="fa", field="body"):
    return TranslationRecord.objects.get(
        content_type=ContentType.objects.get_for_model(Block), object_id=block.pk, field=field, language=language
    )


def _save(user, text, *, language="fa", draft=False, block=None):
    block = block or _welcome()
    save = translation_save_draft if draft else translation_save
    return save(
        user=user,
        obj=block,
        field="body",
        language=language,
        text=text,
        base_translation_hash=text_hash(getattr(block, f"body_{language}")),
        base_source_hash=text_hash(block.body_en),
    )


def _approve(user, block=None, language="fa", **kwargs):
    block = block or _welcome()
    return translation_approve(
        user=user,
        obj=block,
        field="body",
        language=language,
        reviewed_hash=text_hash(getattr(block, f"body_{language}")),
        **kwargs,
    )


# --- States ------------------------------------------------------------------------------------


def test_saving_a_translation_asks_for_its_review(handbook, translator_fa):
    _save(translator_fa, "خوش آمدید، تسهیلگر.")
    assert _record(_welcome()).review_state == ReviewState.NEEDS_REVIEW


def test_a_draft_waits_for_its_translator_to_submit_it(handbook, translator_fa, reviewer_fa, reviewer_ar):
    _save(translator_fa, "پیش‌نویس", draft=True)
    assert _record(_welcome()).review_state == ReviewState.DRAFT
    with pytest.raises(ReviewProblem):
        _approve(reviewer_fa)
    submit = {"obj": _welcome(), "field": "body", "language": "fa", "reviewed_hash": text_hash("پیش‌نویس")}
    with pytest.raises(TranslationRefused):
        translation_submit(user=reviewer_ar, **submit)
    assert translation_submit(user=translator_fa, **submit)
    assert _record(_welcome()).review_state == ReviewState.NEEDS_REVIEW
    _approve(reviewer_fa)
    assert _record(_welcome()).review_state == ReviewState.APPROVED


def test_a_reviewer_approves_the_text_they_read(handbook, reviewer_fa):
    record = _approve(reviewer_fa)
    record.refresh_from_db()
    assert record.review_state == ReviewState.APPROVED
    assert record.approved_hash == text_hash(_welcome().body_fa)
    assert record.reviewed_by == reviewer_fa and record.reviewed_at is not None


def test_editing_an_approved_translation_asks_for_review_again_and_keeps_what_was_approved(
    handbook, translator_fa, reviewer_fa
):
    approved = _welcome().body_fa
    _approve(reviewer_fa)
    _save(translator_fa, "خوش آمدید. رهبری تمرین است.")
    record = _record(_welcome())
    assert record.review_state == ReviewState.NEEDS_REVIEW
    assert record.approved_hash == text_hash(approved)  # still printed where a published version holds it


def test_a_change_made_outside_the_editor_asks_for_review_again_too(handbook, reviewer_fa):
    _approve(reviewer_fa)
    block = _welcome()
    block.body_fa = "متن دیگری از مدیریت."
    block.save()  # the admin, the JSON import: the post_save signal
    assert _record(block).review_state == ReviewState.NEEDS_REVIEW


def test_a_reviewer_sends_a_translation_back_with_a_comment(handbook, reviewer_fa):
    _approve(reviewer_fa)
    block = _welcome()
    read = {
        "user": reviewer_fa,
        "obj": block,
        "field": "body",
        "language": "fa",
        "reviewed_hash": text_hash(block.body_fa),
    }
    with pytest.raises(ReviewProblem):
        translation_send_back(**read, comment=" ")
    translation_send_back(**read, comment="«تسهیلگر» را به کار ببرید.")
    record = _record(block)
    assert record.review_state == ReviewState.DRAFT
    assert record.review_comment == "«تسهیلگر» را به کار ببرید."
    assert record.approved_hash == ""  # the approval of this very text is withdrawn


# --- Who may review ------------------------------------------------------------------------------


def test_a_translator_without_the_review_right_cannot_approve(handbook, translator_fa):
    TranslatorGrant.objects.create(user=translator_fa, language="fa")  # may translate, not review
    assert reviewer_languages(translator_fa) == set()
    with pytest.raises(ReviewRefused):
        _approve(translator_fa)
    assert _record(_welcome()).review_state == ReviewState.NEEDS_REVIEW


def test_a_reviewer_of_another_language_cannot_approve(handbook, reviewer_fa):
    with pytest.raises(ReviewRefused):
        _approve(reviewer_fa, language="ar")
    assert _record(_welcome(), "ar").review_state == ReviewState.NEEDS_REVIEW


def test_the_source_language_is_not_reviewed(handbook, secretariat):
    with pytest.raises(ReviewRefused):
        _approve(secretariat, language="en")


def test_a_reviewer_scoped_to_one_partner_reviews_its_editions_and_its_affiliates_only(
    handbook, partner_reviewer_fa, partner, affiliate, other_partner
):
    assert reviewer_languages(partner_reviewer_fa, partner) == {"fa"}
    assert reviewer_languages(partner_reviewer_fa, affiliate) == {"fa"}
    for scope in (other_partner, None):
        assert reviewer_languages(partner_reviewer_fa, scope) == set()
        with pytest.raises(ReviewRefused):
            _approve(partner_reviewer_fa, partner=scope)
    assert _record(_welcome()).review_state == ReviewState.NEEDS_REVIEW
    _approve(partner_reviewer_fa, partner=partner)
    assert _record(_welcome()).review_state == ReviewState.APPROVED


def test_nobody_approves_their_own_translation_unless_the_site_allows_it(handbook, reviewer_fa, settings):
    _save(reviewer_fa, "ترجمهٔ خودم.")
    with pytest.raises(ReviewRefused):
        _approve(reviewer_fa)
    settings.TRANSLATION_REVIEW_OWN_WORK = True
    _approve(reviewer_fa)
    assert _record(_welcome()).review_state == ReviewState.APPROVED


def test_the_secretariat_reviews_every_language(handbook, secretariat):
    _approve(secretariat, language="ar")
    _approve(secretariat, language="ru")
    assert _record(_welcome(), "ar").review_state == _record(_welcome(), "ru").review_state == ReviewState.APPROVED


# --- Conflicts and stale translations --------------------------------------------------------------


def test_a_translation_changed_meanwhile_is_a_conflict_not_an_approval(handbook, translator_fa, reviewer_fa):
    read = text_hash(_welcome().body_fa)
    _save(translator_fa, "متن تازه‌ای که داور ندیده است.")
    with pytest.raises(ReviewConflict) as conflict:
        translation_approve(user=reviewer_fa, obj=_welcome(), field="body", language="fa", reviewed_hash=read)
    assert conflict.value.current_translation == "متن تازه‌ای که داور ندیده است."
    record = _record(_welcome())
    assert record.review_state == ReviewState.NEEDS_REVIEW and record.approved_hash == ""


def test_a_stale_translation_is_approved_only_after_its_translator_confirms_it(handbook, translator_fa, reviewer_fa):
    _approve(reviewer_fa)
    block = _welcome()
    block.body_en = "Welcome, facilitator. Leadership is a daily practice."
    block.save()
    with pytest.raises(ReviewProblem):
        _approve(reviewer_fa)
    translation_save(
        user=translator_fa, obj=block, field="body", language="fa", text=block.body_fa,
        base_translation_hash=text_hash(block.body_fa), base_source_hash=text_hash(block.body_en), mark_current=True,
    )  # fmt: skip
    record = _record(block)
    # Approved as the translation of the old source: confirmed against the new one, it is reviewed again.
    assert (record.review_state, record.approved_hash) == (ReviewState.NEEDS_REVIEW, "")
    _approve(reviewer_fa)
    assert _record(block).review_state == ReviewState.APPROVED


# --- The matrix -----------------------------------------------------------------------------


def test_the_matrix_counts_approved_words(handbook, reviewer_fa, client):
    _rows, totals = curriculum_progress(curriculum=handbook, languages=["fa"])
    assert totals["fa"].approved == 0
    _approve(reviewer_fa)
    rows, totals = curriculum_progress(curriculum=handbook, languages=["fa"])
    words = len(_welcome().body_en.split())
    guide = next(row for row in rows if row["key"] == "module:facilitation-guide")
    assert guide["cells"]["fa"].approved == totals["fa"].approved == words
    client.force_login(reviewer_fa)
    page = client.get(reverse("translations:matrix", args=[handbook.slug])).content.decode()
    assert f'data-approved-words="{words}"' in page


# --- The editor -----------------------------------------------------------------------------------


def _editor_url(handbook, language="fa", module="facilitation-guide"):
    return reverse("translations:editor", args=[handbook.slug, language, module])


def _review_url(handbook, language="fa", module="facilitation-guide"):
    return reverse("translations:review", args=[handbook.slug, language]) + f"?module={module}"


def _review(client, handbook, decision, *, reviewed_hash, comment="", language="fa"):
    return client.post(
        _review_url(handbook, language),
        {"review": f"{decision}:{WELCOME}", f"b:{WELCOME}": reviewed_hash, f"rc:{WELCOME}": comment},
    )


def test_the_editor_shows_each_state_and_filters_by_it(client, handbook, translator_fa, reviewer_fa):
    _save(translator_fa, "پیش‌نویس", draft=True)
    client.force_login(translator_fa)
    page = client.get(_editor_url(handbook)).content.decode()
    assert re.search(r'data-testid="review-state"\s+data-state="draft"', page)
    assert 'data-testid="approve"' not in page  # no review right
    assert client.get(_editor_url(handbook) + "?review=needs_review").content.decode().count("data-key=") == 0
    drafts = client.get(_editor_url(handbook) + "?review=draft").content.decode()
    assert re.findall(r'data-key="([^"]+)"', drafts) == [WELCOME]


def test_a_translator_saves_a_draft_then_submits_it_and_a_reviewer_approves_it(
    client, handbook, translator_fa, reviewer_fa
):
    block = _welcome()
    client.force_login(translator_fa)
    fields = {f"b:{WELCOME}": text_hash(block.body_fa), f"s:{WELCOME}": text_hash(block.body_en)}
    client.post(_editor_url(handbook), {**fields, f"t:{WELCOME}": "پیش‌نویس من", "save": "draft"})
    assert _record(block).review_state == ReviewState.DRAFT
    fields[f"b:{WELCOME}"] = text_hash("پیش‌نویس من")
    client.post(_editor_url(handbook), {**fields, f"t:{WELCOME}": "پیش‌نویس من", f"r:{WELCOME}": "on"})
    assert _record(block).review_state == ReviewState.NEEDS_REVIEW

    client.force_login(reviewer_fa)
    page = client.get(_editor_url(handbook) + "?review=needs_review").content.decode()
    assert 'id="approve-1"' in page and 'data-testid="approve"' in page
    response = _review(client, handbook, "approve", reviewed_hash=text_hash("پیش‌نویس من"))
    assert response.status_code == 302 and response["Location"] == _editor_url(handbook)
    assert _record(block).review_state == ReviewState.APPROVED
    assert re.search(r'data-state="approved"', client.get(_editor_url(handbook)).content.decode())


def test_the_review_route_refuses_translators_and_reviewers_of_other_languages(
    client, handbook, translator_fa, reviewer_ar, outsider
):
    for user in (translator_fa, reviewer_ar, outsider):
        client.force_login(user)
        response = _review(client, handbook, "approve", reviewed_hash=text_hash(_welcome().body_fa))
        assert response.status_code == 403, user
    assert _record(_welcome()).review_state == ReviewState.NEEDS_REVIEW
    client.logout()
    response = _review(client, handbook, "approve", reviewed_hash=text_hash(_welcome().body_fa))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_review_conflict_shows_the_new_text_and_keeps_the_reviewers_comment(
    client, handbook, translator_fa, reviewer_fa
):
    read = text_hash(_welcome().body_fa)
    _save(translator_fa, "متن تازه")
    client.force_login(reviewer_fa)
    response = _review(client, handbook, "send_back", reviewed_hash=read, comment="نظر من درباره‌ی متن")
    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-testid="review-error"' in page
    assert ">متن تازه</textarea>" in page  # the text as it is now, to read before reviewing
    assert "نظر من درباره‌ی متن</textarea>" in page  # nothing the reviewer typed is lost
    record = _record(_welcome())
    assert record.review_state == ReviewState.NEEDS_REVIEW and record.review_comment == ""


def test_sending_back_without_a_comment_is_refused_with_a_message(client, handbook, reviewer_fa):
    client.force_login(reviewer_fa)
    response = _review(client, handbook, "send_back", reviewed_hash=text_hash(_welcome().body_fa))
    assert response.status_code == 400
    assert "sent back with a comment" in response.content.decode()
    assert _record(_welcome()).review_state == ReviewState.NEEDS_REVIEW


def test_the_editor_does_not_offer_a_reviewer_their_own_translation(client, handbook, reviewer_fa):
    _save(reviewer_fa, "ترجمهٔ خودم.")
    client.force_login(reviewer_fa)
    page = client.get(_editor_url(handbook)).content.decode()
    assert 'data-testid="approve"' not in page
    assert "another reviewer approves it" in page
    response = _review(client, handbook, "approve", reviewed_hash=text_hash("ترجمهٔ خودم."))
    assert response.status_code == 403
    assert _record(_welcome()).review_state == ReviewState.NEEDS_REVIEW


def test_a_refused_translation_right_is_still_refused_when_saving_a_draft(handbook, translator_ar):
    with pytest.raises(TranslationRefused):
        _save(translator_ar, "Hijacked", draft=True)


@pytest.mark.django_db(transaction=True)
def test_a_review_waits_for_a_save_in_progress_and_then_sees_the_conflict(handbook, reviewer_fa):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite serialises every writer)")
    block, read = _welcome(), text_hash(_welcome().body_fa)
    locked = threading.Event()

    def save_slowly():
        with transaction.atomic():
            row = Block.objects.select_for_update().get(pk=block.pk)
            row.body_fa = "ترجمه‌ای که هم‌زمان ذخیره شد."
            row.save(update_fields=["body_fa"])
            locked.set()
            time.sleep(0.6)
        connection.close()

    saver = threading.Thread(target=save_slowly)
    saver.start()
    assert locked.wait(10)
    started = time.monotonic()
    with pytest.raises(ReviewConflict):
        translation_approve(user=reviewer_fa, obj=block, field="body", language="fa", reviewed_hash=read)
    saver.join()
    assert time.monotonic() - started >= 0.4  # it waited for the save, then read the saved text
    assert _record(_welcome()).approved_hash == ""
