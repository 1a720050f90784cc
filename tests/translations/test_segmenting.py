"""Sentences of Markdown text, in every script the platform translates into, and pairing them with a translation."""

from translations.segmenting import segment_pairs, segment_text, segment_tokens, segments_assemble


def _sentences(text):
    return [segment.text for segment in segment_text(text)]


def test_a_paragraph_is_cut_after_each_sentence():
    assert _sentences("Welcome, facilitator. Leadership is a practice! Are you ready?") == [
        "Welcome, facilitator.",
        "Leadership is a practice!",
        "Are you ready?",
    ]


def test_abbreviations_initials_and_lowercase_continuations_do_not_end_a_sentence():
    text = "Dr. Amina Yusuf leads it, e.g. in Kano. Ask J. Smith. Bring pens, paper etc. and tape."
    assert _sentences(text) == [
        "Dr. Amina Yusuf leads it, e.g. in Kano.",
        "Ask J. Smith.",
        "Bring pens, paper etc. and tape.",
    ]


def test_markdown_markers_are_no_part_of_a_segment_and_list_items_stand_alone():
    text = "# Objectives\n\n- Speak clearly\n- Listen fully. Then reply.\n1. First step\n\n> A quote.\n\nA paragraph\nwrapped over two lines."
    assert _sentences(text) == [
        "Objectives",
        "Speak clearly",
        "Listen fully.",
        "Then reply.",
        "First step",
        "A quote.",
        "A paragraph wrapped over two lines.",
    ]


def test_code_rules_and_numbers_are_not_sentences():
    assert _sentences("```\nprint(1). x\n```\n\n---\n\n15\n\nAfter the code.") == ["After the code."]


def test_arabic_question_marks_and_urdu_full_stops_end_sentences():
    assert _sentences("ما هي القيادة؟ القيادة ممارسة.") == ["ما هي القيادة؟", "القيادة ممارسة."]
    assert _sentences("یہ ایک مشق ہے۔ ہم مل کر سیکھتے ہیں۔") == ["یہ ایک مشق ہے۔", "ہم مل کر سیکھتے ہیں۔"]


def test_devanagari_and_bengali_dandas_end_sentences():
    assert _sentences("नेतृत्व एक अभ्यास है। हम साथ सीखते हैं॥ क्या आप तैयार हैं?") == [
        "नेतृत्व एक अभ्यास है।",
        "हम साथ सीखते हैं॥",
        "क्या आप तैयार हैं?",
    ]
    assert _sentences("নেতৃত্ব একটি অনুশীলন। আমরা একসাথে শিখি।") == ["নেতৃত্ব একটি অনুশীলন।", "আমরা একসাথে শিখি।"]


def test_words_keep_their_marks():
    # A regex \w would cut संख्या after its virama and a vowelled Arabic word at each haraka.
    assert segment_tokens("संख्या बढ़ी।") == ["संख्या", "बढ़ी", "।"]
    assert segment_tokens("رتّبي الكراسي.") == ["رتّبي", "الكراسي", "."]


def test_sentences_pair_one_to_one_when_each_paragraph_has_as_many_on_both_sides():
    source = "Welcome, facilitator. Leadership is a practice.\n\n- Speak clearly"
    translation = "مرحباً بكِ أيتها الميسّرة. القيادة ممارسة.\n\n- تحدّثي بوضوح"
    assert segment_pairs(source, translation) == [
        ("Welcome, facilitator.", "مرحباً بكِ أيتها الميسّرة."),
        ("Leadership is a practice.", "القيادة ممارسة."),
        ("Speak clearly", "تحدّثي بوضوح"),
    ]


def test_a_paragraph_translated_in_fewer_sentences_pairs_whole():
    source = "Arrange the chairs. Make a circle.\n\nThen begin."
    translation = "Расставьте стулья по кругу.\n\nЗатем начните."
    assert segment_pairs(source, translation) == [
        ("Arrange the chairs. Make a circle.", "Расставьте стулья по кругу."),
        ("Then begin.", "Затем начните."),
    ]


def test_paragraphs_that_do_not_line_up_pair_as_the_whole_text():
    assert segment_pairs("One.\n\nTwo.", "Один. Два.") == [("One. Two.", "Один. Два.")]


def test_a_translation_is_assembled_into_the_sources_markdown():
    source = "## Rules\n\n- Speak clearly. Be brief.\n- Listen fully"
    translated = segments_assemble(
        source, segment_text(source), ["القواعد", "تحدّثي بوضوح.", "كوني موجزة.", "استمعي جيداً"]
    )
    assert translated == "## القواعد\n\n- تحدّثي بوضوح. كوني موجزة.\n- استمعي جيداً"
