"""The database's part of a translation memory search: for each sentence, the few segments worth scoring.

Both shortlist by the sentence's rarest words, as CAT tools' indexes do, since the
posting lists of common words ("the") hold nearly every segment: on PostgreSQL a
tsvector GIN index finds them and pg_trgm's similarity orders them; on SQLite an FTS5
word index finds them and bm25 orders them. translations/memory.py scores the shortlist.
"""

import time
from itertools import combinations

from django.db import connection

from .segmenting import segment_tokens

# Candidates scored per sentence: the database's shortlist, best first by its own measure.
SHORTLIST = 12
# Rare words asked of the word index per sentence; when even they are in more than this many segments
# together (ranking them all would be slow), a candidate must have two of them.
POSTGRESQL_QUERY_WORDS = 4
COMMON_WORD_SEGMENTS = 500
# Above this many segments for even a sentence's second-rarest word, a candidate shares three of its words.
COMMON_PAIR_SEGMENTS = 1_000
WORD_FREQUENCIES_SECONDS = 600
SQLITE_QUERY_WORDS = 4


def _hidden_sql(hidden, alias):
    """The SQL condition leaving out hidden partner texts: placeholders only, the ids go in the parameters."""
    if not hidden:
        return "", []
    pairs = sorted(hidden)
    placeholders = ", ".join(["(%s, %s)"] * len(pairs))
    sql = f" AND ({alias}.partner_id IS NULL OR ({alias}.curriculum_id, {alias}.partner_id) NOT IN ({placeholders}))"
    return sql, [value for pair in pairs for value in pair]


_WORD_FREQUENCIES = {"read_at": None, "frequencies": {}}


def _postgresql_word_frequencies():
    """How many segments each common word is in, from the statistics ANALYZE keeps of the word index.

    PostgreSQL's planner keeps them anyway (most_common_elems of the indexed tsvector):
    one small query, read again every few minutes. A word not listed is rare.
    """
    now = time.monotonic()
    if _WORD_FREQUENCIES["read_at"] is None or now - _WORD_FREQUENCIES["read_at"] > WORD_FREQUENCIES_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs, reltuples FROM pg_stats "
                "JOIN pg_class ON relname = 'translations_memorysegment' "
                "WHERE tablename = 'memory_segment_words' AND most_common_elems IS NOT NULL"
            )
            row = cursor.fetchone()
        words, shares, segments = row or ([], [], 0)
        _WORD_FREQUENCIES["frequencies"] = {word: share * segments for word, share in zip(words, shares, strict=False)}
        _WORD_FREQUENCIES["read_at"] = now
    return _WORD_FREQUENCIES["frequencies"]


def _shortlist_postgresql(texts, source_language, language, hidden):
    """Per sentence, the ids of the segments most similar to it by pg_trgm, among those sharing its rarest words.

    The word index (a tsvector GIN) finds the segments with any of a few rare words,
    short posting lists each; pg_trgm's similarity orders them. Asking the trigram index
    for the whole sentence (`%`) reads the posting lists of "the" and "ing" for every
    segment in the language: ten times slower on 100,000 segments. A sentence of common
    words only is asked of the trigram index.
    """
    hidden_sql, hidden_params = _hidden_sql(hidden, "s")
    frequencies = _postgresql_word_frequencies()
    shortlist = {text: [] for text in texts}
    with connection.cursor() as cursor:
        for text in texts:
            words = {token for token in segment_tokens(text) if token[0].isalnum() and len(token) > 1}
            query = _word_query(words, frequencies)
            if query:
                condition, found = "to_tsvector('simple', s.source) @@ to_tsquery('simple', %s)", [query]
            else:
                condition, found = "s.source %% %s", [text]
            cursor.execute(
                "SELECT s.id FROM translations_memorysegment s WHERE s.language = %s AND s.source_language = %s "  # noqa: S608
                f"AND {condition}{hidden_sql} ORDER BY similarity(s.source, %s) DESC, s.id DESC LIMIT %s",
                [language, source_language, *found, *hidden_params, text, SHORTLIST],
            )
            shortlist[text] = [row[0] for row in cursor.fetchall()]
    return shortlist


def _word_query(words, frequencies):
    """The tsquery a candidate must match: any of a sentence's rarest words, or some of them together when all are common.

    Only common words: a candidate shares two of them (one may be the word an edit changed),
    three of four when even the two rarest are each in over COMMON_PAIR_SEGMENTS segments:
    pg_trgm scores every candidate, and two common words still admit thousands.
    """
    rare = sorted(words, key=lambda word: (frequencies.get(word, 0), -len(word), word))[:POSTGRESQL_QUERY_WORDS]
    if len(rare) > 2 and sum(frequencies.get(word, 0) for word in rare) > COMMON_WORD_SEGMENTS:
        common_pair = min(frequencies.get(word, 0) for word in rare[:2]) > COMMON_PAIR_SEGMENTS
        shared = 3 if len(rare) > 3 and common_pair else 2
        return " | ".join("(" + " & ".join(f"'{word}'" for word in group) + ")" for group in combinations(rare, shared))
    return " | ".join(f"'{word}'" for word in rare)


def _quoted(term):
    return '"' + term.replace('"', '""') + '"'


def _shortlist_sqlite(texts, source_language, language, hidden):
    """Per sentence, the ids of the segments sharing its rarest words, best first by bm25 (FTS5 word index)."""
    # The FTS5 table's tokenizer (categories L* N* Co M*) cuts words as segment_tokens does; punctuation is no word.
    words = {text: {token for token in segment_tokens(text) if token[0].isalnum() or len(token) > 1} for text in texts}
    every_word = sorted(set().union(*words.values()))
    shortlist = {text: [] for text in texts}
    if not every_word:
        return shortlist
    hidden_sql, hidden_params = _hidden_sql(hidden, "s")
    with connection.cursor() as cursor:
        frequency = {}
        for start in range(0, len(every_word), 500):
            chunk = every_word[start : start + 500]
            cursor.execute(
                "SELECT term, doc FROM translations_memorysegment_vocabulary "  # noqa: S608 - placeholders only
                f"WHERE term IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            frequency.update(cursor.fetchall())
        scope = _quoted(f"{source_language}x{language}".lower())
        for text in texts:
            known = sorted((frequency[word], word) for word in words[text] if word in frequency)[:SQLITE_QUERY_WORDS]
            if not known:
                continue
            if len(known) > 2 and sum(count for count, _word in known) > COMMON_WORD_SEGMENTS:
                # Only common words: a segment must share two of them (one may be the word an edit changed).
                pairs = combinations([_quoted(word) for _count, word in known], 2)
                rare = " OR ".join(f"({first} AND {second})" for first, second in pairs)
            else:
                rare = " OR ".join(_quoted(word) for _count, word in known)
            cursor.execute(
                "SELECT s.id FROM translations_memorysegment_words w JOIN translations_memorysegment s "  # noqa: S608
                f"ON s.id = w.rowid WHERE translations_memorysegment_words MATCH %s{hidden_sql} "
                "ORDER BY w.rank LIMIT %s",
                [f"scope : {scope} AND source : ({rare})", *hidden_params, SHORTLIST],
            )
            shortlist[text] = [row[0] for row in cursor.fetchall()]
    return shortlist


def memory_shortlist(*, texts, source_language, language, hidden):
    """Per sentence, the ids of the segments (in this pair of languages, not hidden) most like it, best first."""
    if not texts:
        return {}
    search = _shortlist_postgresql if connection.vendor == "postgresql" else _shortlist_sqlite
    return search(texts, source_language, language, hidden)
