"""PO and XLIFF 1.2 exchange files, checked with translate-toolkit's own tools."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from curriculum.models import Block, Module
from translations.exchange import ExchangeFileError, exchange_import, exchange_po, exchange_xliff
from translations.units import scope_units

pytestmark = pytest.mark.django_db
BIN = Path(sys.executable).parent


def _tool(name, *args):
    return subprocess.run([str(BIN / name), *map(str, args)], capture_output=True, text=True, check=True)


def _entry(po, key):
    return next(entry for entry in po if entry.msgctxt == key)


def test_a_po_round_trip_changes_exactly_the_edited_entries(handbook, translator_ar, tmp_path):
    po = polib.pofile(exchange_po(curriculum=handbook, language="ar"))
    before = {unit.key: unit.translation for unit in scope_units(curriculum=handbook, languages=["ar"])["ar"]}
    assert {entry.msgctxt for entry in po} == set(before)
    _entry(po, "block:session-1/handout:body").msgstr = "- تحدّثي بوضوح\n- استمعي جيداً"
    _entry(po, "block:facilitation-guide/welcome:body").msgstr = "أهلاً بكِ أيتها الميسّرة. القيادة ممارسة."
    path = tmp_path / "ar.po"
    po.save(str(path))
    _tool("pofilter", path, tmp_path / "report.po")  # the file is one translate-toolkit reads and checks

    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=path.read_bytes())
    assert sorted(report.updated) == ["block:facilitation-guide/welcome:body", "block:session-1/handout:body"], report
    after = {unit.key: unit.translation for unit in scope_units(curriculum=handbook, languages=["ar"])["ar"]}
    changed = {key for key in before if before[key] != after[key]}
    assert changed == set(report.updated)
    assert report.unchanged == len(before) - 2
    # Importing the same file again changes nothing.
    assert (
        exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=path.read_bytes()).updated == []
    )


def test_po2xliff_and_xliff2po_round_trip_our_files(handbook, translator_ar, tmp_path):
    module = Module.objects.get(slug="session-1")
    po_path, xliff_path, back_path = tmp_path / "s.po", tmp_path / "s.xlf", tmp_path / "back.po"
    po_path.write_text(exchange_po(curriculum=handbook, language="ar", module=module), encoding="utf-8")
    _tool("po2xliff", po_path, xliff_path)
    _tool("xliff2po", xliff_path, back_path)
    original, back = polib.pofile(str(po_path)), polib.pofile(str(back_path))
    assert [(e.msgid, e.msgstr) for e in original] == [(e.msgid, e.msgstr) for e in back]
    # The unit keys survive the trip in comments, though translate-toolkit drops msgctxt.
    assert all(f"key: {e.msgctxt}" in b.comment for e, b in zip(original, back, strict=True))
    # The XLIFF that po2xliff made imports (edited) like our own.
    edited = xliff_path.read_text(encoding="utf-8").replace("التواصل الهادف</target>", "التواصل الهادف جداً</target>", 1)
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=edited)
    assert report.updated == ["module:session-1:title"]


def test_our_xliff_is_read_by_translate_toolkit_and_imports_back(handbook, translator_ar, tmp_path):
    xliff_path = tmp_path / "ar.xlf"
    content = exchange_xliff(curriculum=handbook, language="ar")
    xliff_path.write_text(content, encoding="utf-8")
    _tool("xliff2po", xliff_path, tmp_path / "ar.po")
    converted = polib.pofile(str(tmp_path / "ar.po"))
    assert "رتّبي الكراسي في دائرة." in [entry.msgstr for entry in converted]
    edited = content.replace("رتّبي الكراسي في دائرة.", "رتّبي الكراسي في دائرة واسعة.")
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=edited)
    assert report.updated == ["block:session-1/facilitator-note:body"]
    assert Block.objects.get(key="facilitator-note").body_ar == "رتّبي الكراسي في دائرة واسعة."


def test_a_translation_changed_here_since_the_download_is_reported_not_overwritten(handbook, translator_ar):
    po = polib.pofile(exchange_po(curriculum=handbook, language="ar"))
    block = Block.objects.get(key="welcome")
    block.body_ar = "ترجمة أحدث حُفظت في المنصة."
    block.save()
    _entry(po, "block:facilitation-guide/welcome:body").msgstr = "ترجمة من الملف."
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=str(po))
    assert report.conflicts == ["block:facilitation-guide/welcome:body"] and report.updated == []
    assert Block.objects.get(key="welcome").body_ar == "ترجمة أحدث حُفظت في المنصة."


def test_a_file_for_an_old_source_version_is_refused_whole(handbook, translator_ar):
    po = polib.pofile(exchange_po(curriculum=handbook, language="ar"))
    block = Block.objects.get(key="facilitator-note")
    block.body_en = "Arrange the chairs in a wide circle."
    block.save()
    _entry(po, "block:session-1/handout:body").msgstr = "نص"
    with pytest.raises(ExchangeFileError, match="source text changed since this file was downloaded"):
        exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=str(po))
    assert not Block.objects.get(key="handout").body_ar


def test_a_file_for_another_language_is_refused(handbook, translator_ar):
    po = exchange_po(curriculum=handbook, language="fa")
    with pytest.raises(ExchangeFileError, match="for the language 'fa', not 'ar'"):
        exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=po)


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not utf-8",
        '<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file>',
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff>&e;</xliff>',
        'msgid "a"\nmsgstr "b" "unterminated',
    ],
)
def test_malformed_files_are_refused_with_a_message(handbook, translator_ar, content):
    with pytest.raises(ExchangeFileError):
        exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=content)


def test_stale_translations_are_exported_fuzzy_and_fuzzy_entries_are_not_imported(handbook, translator_ar):
    block = Block.objects.get(key="welcome")
    block.body_en = "Welcome, facilitator. Leadership is a daily practice."
    block.save()
    po = polib.pofile(exchange_po(curriculum=handbook, language="ar"))
    entry = _entry(po, "block:facilitation-guide/welcome:body")
    assert "fuzzy" in entry.flags
    entry.msgstr = "مسودة لم تُراجع."
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=str(po))
    assert report.needs_review == ["block:facilitation-guide/welcome:body"] and report.updated == []


def test_hostile_markup_in_a_file_is_not_imported(handbook, translator_ar):
    po = polib.pofile(exchange_po(curriculum=handbook, language="ar"))
    _entry(po, "block:session-1/handout:body").msgstr = '<img src=x onerror="alert(1)">'
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=str(po))
    assert report.updated == [] and "markup that is not allowed" in report.invalid[0]


def test_the_workspace_downloads_and_uploads_files_for_granted_languages_only(client, handbook, translator_fa):
    client.force_login(translator_fa)
    response = client.get(reverse("translations:download", args=[handbook.slug, "fa", "xliff"]) + "?module=session-1")
    assert response.status_code == 200 and 'target-language="fa"' in response.content.decode()
    assert "leading-to-choices-session-1-fa.xlf" in response["Content-Disposition"]
    assert client.get(reverse("translations:download", args=[handbook.slug, "ar", "po"])).status_code == 403
    po = exchange_po(curriculum=handbook, language="ar").encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ar.po", po)
    assert client.post(reverse("translations:upload", args=[handbook.slug, "ar"]), {"file": upload}).status_code == 403
    fa = polib.pofile(exchange_po(curriculum=handbook, language="fa"))
    _entry(fa, "module:session-1:title").msgstr = "ارتباط هدفمند"
    upload = SimpleUploadedFile("fa.po", str(fa).encode())
    response = client.post(reverse("translations:upload", args=[handbook.slug, "fa"]), {"file": upload}, follow=True)
    assert "1 translations updated" in response.content.decode()
    assert Module.objects.get(slug="session-1").title_fa == "ارتباط هدفمند"
    wrong = SimpleUploadedFile("ar.po", po)
    response = client.post(reverse("translations:upload", args=[handbook.slug, "fa"]), {"file": wrong}, follow=True)
    assert "The file was not imported: This file is for the language" in response.content.decode()
    client.logout()
    assert client.get(reverse("translations:download", args=[handbook.slug, "fa", "po"])).status_code == 302


def _approve_welcome_ar(user):
    from translations.review import translation_approve
    from translations.services import text_hash

    block = Block.objects.get(key="welcome")
    translation_approve(user=user, obj=block, field="body", language="ar", reviewed_hash=text_hash(block.body_ar))


def _review_state(handbook, key, language="ar"):
    units = scope_units(curriculum=handbook, languages=[language])[language]
    return next(unit for unit in units if unit.key == key).review_state


def test_approved_units_are_signed_off_in_xliff_and_plain_in_po(handbook, secretariat):
    from lxml import etree

    _approve_welcome_ar(secretariat)
    root = etree.fromstring(exchange_xliff(curriculum=handbook, language="ar").encode())
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    units = {unit.get("id"): unit for unit in root.iterfind(".//x:trans-unit", ns)}
    welcome, note = units["block:facilitation-guide/welcome:body"], units["block:session-1/facilitator-note:body"]
    assert (welcome.get("approved"), welcome.find("x:target", ns).get("state")) == ("yes", "signed-off")
    assert (note.get("approved"), note.find("x:target", ns).get("state")) == (None, "translated")
    po = polib.pofile(exchange_po(curriculum=handbook, language="ar"))
    assert _entry(po, "block:facilitation-guide/welcome:body").flags == []


def test_importing_a_file_never_approves_a_translation(handbook, secretariat, translator_ar):
    _approve_welcome_ar(secretariat)
    xliff = exchange_xliff(curriculum=handbook, language="ar")
    # The translator edits an approved unit (its file still says signed-off) and marks another one signed-off.
    edited = xliff.replace("أيتها الميسّرة. القيادة ممارسة.</target>", "أيتها الميسّرة. القيادة ممارسة يومية.</target>")
    edited = edited.replace(
        '<target state="translated">رتّبي الكراسي في دائرة.</target>',
        '<target state="signed-off">رتّبي الكراسي في دائرة بعناية.</target>',
    )
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=edited.encode())
    assert sorted(report.updated) == ["block:facilitation-guide/welcome:body", "block:session-1/facilitator-note:body"]
    assert _review_state(handbook, "block:facilitation-guide/welcome:body") == "needs_review"
    assert _review_state(handbook, "block:session-1/facilitator-note:body") == "needs_review"
