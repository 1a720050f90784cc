import pytest

from curriculum.changes import block_changes, word_diff

pytestmark = pytest.mark.django_db


def test_word_diff_escapes_markup():
    assert word_diff("a <b>", "a <i>") == "a &lt;<del>b</del><ins>i</ins>&gt;"


def test_word_diff_keeps_words_with_their_marks_whole():
    # A Devanagari word carries vowel signs and a virama; a vowelled Arabic word carries harakat.
    # Splitting on \w would show a change of one letter as a change inside a word's pieces.
    assert word_diff("संख्या बढ़ी", "संख्या घटी") == "संख्या <del>बढ़ी</del><ins>घटी</ins>"
    assert word_diff("كَتَبَ الدَّرْسَ", "قَرَأَ الدَّرْسَ") == "<del>كَتَبَ</del><ins>قَرَأَ</ins> الدَّرْسَ"


def test_word_diff_sets_punctuation_apart_from_words():
    assert word_diff("Partner local.", "Partner local, revised.") == "Partner local<ins>, revised</ins>."


def test_block_changes_names_added_changed_removed_and_unchanged_blocks():
    old = [("a", "A", "same text", None), ("b", "B", "old text", None), ("c", "C", "gone", None)]
    new = [("a", "A", "same text", None), ("b", "B", "new text", None), ("d", "D", "fresh", None)]
    states = {change.key: change.state for change in block_changes(old, new)}
    assert states == {"a": "same", "b": "changed", "c": "removed", "d": "added"}


def test_a_changed_title_alone_counts_as_a_change():
    [change] = block_changes([("a", "Old title", "body", None)], [("a", "New title", "body", None)])
    assert change.changed and change.diff_html == "body"
