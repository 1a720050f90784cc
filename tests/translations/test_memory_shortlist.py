"""Which segments the database shortlists for a sentence (PostgreSQL's word query), decided from word frequencies."""

from translations.memory_shortlist import COMMON_PAIR_SEGMENTS, _word_query

WORDS = {"the", "local", "objectives", "explains"}


def test_a_sentence_of_rare_words_asks_for_any_of_them():
    query = _word_query(WORDS | {"rasha", "borehole"}, {"the": 9000, "local": 300, "objectives": 150, "explains": 4})
    assert query == "'borehole' | 'rasha' | 'explains' | 'objectives'"  # the four rarest, unknown words first


def test_a_sentence_of_common_words_needs_two_of_them_together():
    query = _word_query(WORDS, {"the": 9000, "local": 3000, "objectives": 400, "explains": 300})
    assert "('explains' & 'objectives')" in query and query.count("|") == 5  # every pair of four


def test_when_even_the_two_rarest_words_are_common_a_candidate_shares_three():
    common = COMMON_PAIR_SEGMENTS + 1
    query = _word_query(WORDS, {"the": 9000, "local": 3000, "objectives": common + 5, "explains": common})
    groups = [group.strip("() ").split(" & ") for group in query.split(" | ")]
    assert len(groups) == 4 and all(len(group) == 3 for group in groups)  # every three of four


def test_a_short_sentence_of_common_words_keeps_pairs_so_an_edited_word_still_finds_its_original():
    words = {"local", "objectives", "explains"}
    query = _word_query(words, {"local": 9000, "objectives": 8000, "explains": 7000})
    assert all(len(group.split(" & ")) == 2 for group in query.split(" | "))
