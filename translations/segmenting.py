"""Splitting Markdown text into the sentences translation memory keeps, and pairing a text's sentences with its translation's.

Pure functions: no database. A segment keeps its place in the text (start, end) so a
translation can be assembled back into the source's Markdown skeleton (list markers,
headings, paragraph breaks) from the translations of its sentences.
"""

import re
import unicodedata
from dataclasses import dataclass

# Sentence-final punctuation: Latin and Cyrillic . ! ? …, Arabic question mark ؟ and full stop ۔ (Urdu),
# Devanagari danda । and double danda ॥ (Hindi, Bengali), the ideographic full stop.
SENTENCE_END = ".!?…؟۔।॥。"
_BOUNDARY_RE = re.compile(rf"[{SENTENCE_END}]+[\"'”’»)\]]*(?=\s)")
# Block-level Markdown that starts a line: headings, quotes, list items (nested quotes and lists too).
_LINE_MARKER_RE = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)+")
_FENCE_RE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_TABLE_RULE_RE = re.compile(r"^[\s|:-]+$")
# A full stop after these does not end a sentence ("e.g. the", "Dr. Amina"); a full stop followed by
# a lowercase letter never does either, which covers abbreviations not listed here.
ABBREVIATIONS = {
    "e.g", "i.e", "eg", "ie", "cf", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "no", "nos", "p", "pp",
    "fig", "vol", "ch", "approx", "min", "ca", "mme", "sr", "sra", "dra", "т.е", "т.д", "т.п", "др", "г",
}  # fmt: skip
# Combining marks belong to their word: a regex \w alone would cut संख्या after its virama, an Arabic word at each haraka.
_MARKS = "".join(chr(code) for code in range(0x300, 0x10000) if unicodedata.category(chr(code)).startswith("M"))
_TOKEN_RE = re.compile(rf"[\w{re.escape(_MARKS)}]+|[^\w\s{re.escape(_MARKS)}]")
# Longest text kept as one segment when a text and its translation cannot be paired sentence by sentence.
MAX_SEGMENT_CHARS = 2000


@dataclass(frozen=True)
class Segment:
    """A sentence of a text: where it is (start, end) and the paragraph, list item or heading (piece) it is in."""

    text: str
    start: int
    end: int
    piece: int


def segment_key(text):
    """A segment as memory compares it: NFC, one space between words, no surrounding blanks."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def segment_tokens(text):
    """The words (with their marks: Devanagari matras, Arabic harakat) and punctuation of a segment, lowercase."""
    return _TOKEN_RE.findall((text or "").lower())


def _pieces(text):
    """(start, end) of each paragraph, list item, heading or quote line: the units sentences never cross."""
    pieces, current, in_fence, offset = [], None, False, 0
    for line in text.splitlines(keepends=True):
        line_start, offset = offset, offset + len(line)
        content = line.rstrip("\r\n")
        if _FENCE_RE.match(content):
            in_fence = not in_fence  # code is not translated prose
            current = None
            continue
        if in_fence or not content.strip() or (_TABLE_RULE_RE.match(content) and "-" in content):
            current = None
            continue
        marker = _LINE_MARKER_RE.match(content)
        body_start = line_start + (marker.end() if marker else len(content) - len(content.lstrip()))
        body_end = line_start + len(content.rstrip())
        if body_end <= body_start:
            current = None
            continue
        heading = marker is not None and marker.group().lstrip().startswith("#")
        if marker is None and current is not None:
            current[1] = body_end  # a paragraph (or list item) continues on the next line
            continue
        current = [body_start, body_end]
        pieces.append(current)
        if heading:
            current = None  # a heading is one line
    return [tuple(piece) for piece in pieces]


def _ends_sentence(text, punctuation_start, after):
    """Whether the punctuation at this place ends a sentence (not "e.g." or "Dr." or "3. item")."""
    following = text[after:].lstrip()[:1]
    if following and following.islower():
        return False
    if text[punctuation_start] == ".":
        word = re.search(r"[\w.]*$", text[:punctuation_start]).group().lower()
        if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
    return True


def segment_text(text):
    """The sentences of a Markdown text, in order; a piece without letters (a number, a rule) is no sentence."""
    text = text or ""
    segments = []
    for piece, (piece_start, piece_end) in enumerate(_pieces(text)):
        start = piece_start
        for boundary in _BOUNDARY_RE.finditer(text, piece_start, piece_end):
            if _ends_sentence(text, boundary.start(), boundary.end()):
                segments.append((start, boundary.end(), piece))
                start = boundary.end()
        segments.append((start, piece_end, piece))
    result = []
    for start, end, piece in segments:
        while start < end and text[start].isspace():
            start += 1
        sentence = text[start:end]
        if any(character.isalpha() for character in sentence):
            result.append(Segment(text=segment_key(sentence), start=start, end=end, piece=piece))
    return result


def _by_piece(segments):
    pieces = {}
    for segment in segments:
        pieces.setdefault(segment.piece, []).append(segment)
    return list(pieces.values())


def segment_pairs(source, translation):
    """(source segment, its translation) pairs of a text and its translation, most precise first.

    Sentence by sentence where each paragraph has as many sentences on both sides;
    a paragraph whole where they differ (a translator joined two sentences); the whole
    text as one pair when even the paragraphs do not line up.
    """
    source_pieces, target_pieces = _by_piece(segment_text(source)), _by_piece(segment_text(translation))
    if not source_pieces or not target_pieces:
        return []
    if len(source_pieces) != len(target_pieces):
        whole = (segment_key(source), segment_key(translation))
        return [whole] if len(whole[0]) <= MAX_SEGMENT_CHARS else []
    pairs = []
    for source_piece, target_piece in zip(source_pieces, target_pieces, strict=True):
        if len(source_piece) == len(target_piece):
            pairs.extend((s.text, t.text) for s, t in zip(source_piece, target_piece, strict=True))
        else:
            pairs.append((" ".join(s.text for s in source_piece), " ".join(t.text for t in target_piece)))
    seen = set()
    return [pair for pair in pairs if not (pair in seen or seen.add(pair))]


def segments_assemble(text, segments, translations):
    """The text with each segment replaced by its translation (a list in segment order): the Markdown stays."""
    parts, position = [], 0
    for segment, translated in zip(segments, translations, strict=True):
        parts.append(text[position : segment.start])
        parts.append(translated)
        position = segment.end
    parts.append(text[position:])
    return "".join(parts).strip()
