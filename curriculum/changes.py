"""What changed between two texts or two sets of blocks: the one word diff and the one block comparison.

Pages (workspace, version compare, "what's new since my copy", the translation editor) and the
e-mails and PDFs that quote them all go through these two functions, so a change reads the same
wherever it is shown.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

_SPACES_OR_TEXT = re.compile(r"\s+|\S+")


def _is_word_character(character):
    # Letters, marks and digits: a mark (Arabic harakat, Devanagari matras and viramas) belongs to
    # its word. Splitting on regex \w would cut संख्या or a vowelled Arabic word into pieces.
    return unicodedata.category(character)[0] in "LMN"


def _words(text):
    """Whitespace runs, words (with their marks) and each punctuation or symbol character, in order."""
    tokens = []
    for token in _SPACES_OR_TEXT.findall(text or ""):
        if token.isspace():
            tokens.append(token)
            continue
        start, end = 0, len(token)
        while start < end and not _is_word_character(token[start]):
            start += 1
        while end > start and not _is_word_character(token[end - 1]):
            end -= 1
        tokens.extend(token[:start])
        if start < end:
            tokens.append(token[start:end])
        tokens.extend(token[end:])
    return tokens


def word_diff(old, new):
    """An HTML word-level diff of two texts: <del> for removed words, <ins> for added ones, every piece escaped."""
    before, after = _words(old), _words(new)
    parts = []
    for operation, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if operation in {"delete", "replace"}:
            parts.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if operation in {"insert", "replace"}:
            parts.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


@dataclass(frozen=True)
class BlockChange:
    key: str
    title: str
    state: str  # same | changed | added | removed
    diff_html: str
    block: object = None  # what the caller compared: the newer block, or the removed one

    @property
    def changed(self):
        return self.state != "same"

    @property
    def added(self):
        return self.state == "added"

    @property
    def removed(self):
        return self.state == "removed"


def block_changes(old, new):
    """Compare two ordered lists of (key, title, body, block): every block of `new`, then those only in `old`.

    A block is changed when its title or its body differs; the diff is of the body.
    """
    old_by_key = {key: (title, body, block) for key, title, body, block in old}
    new_keys = set()
    changes = []
    for key, title, body, block in new:
        new_keys.add(key)
        if key not in old_by_key:
            changes.append(BlockChange(key, title, "added", word_diff("", body), block))
            continue
        old_title, old_body, _old_block = old_by_key[key]
        state = "same" if (old_title, old_body) == (title, body) else "changed"
        changes.append(BlockChange(key, title, state, word_diff(old_body, body), block))
    for key, title, body, block in old:
        if key not in new_keys:
            changes.append(BlockChange(key, title, "removed", word_diff(body, ""), block))
    return changes


def snapshot_blocks(snapshot, language):
    """The blocks of a published module snapshot in one language, as `block_changes` compares them."""
    return [
        (block["key"], block.get("title", {}).get(language, ""), block.get("body", {}).get(language, ""), block)
        for block in (snapshot or {}).get("blocks", [])
    ]


def snapshot_changes(old, new, language):
    """Per block of a module, what changed between two snapshots in one language."""
    return block_changes(snapshot_blocks(old, language), snapshot_blocks(new, language))
