"""Content streams written short, drawing the same: what a page's drawing costs once WeasyPrint's verbosity is gone.

- a TJ's glyph strings that no adjustment separates are one string (`[<0036>0<0048>]` is
  `[<00360048>]`): the same glyphs at the same positions; a TJ left with one string is a Tj;
- strings are written literal, each byte once instead of two hex digits;
- positions and colours to a thousandth of a CSS pixel or of a component (matrices and font
  sizes keep every digit: a scale's error grows with what it scales);
- an empty text object is left out.

Pure: instructions (pikepdf's content-stream parser's) in, bytes out. exports/marked_content.py
writes the pages of every tagged PDF with it, exports/assembly.py the running layer.
"""

import re
from decimal import ROUND_HALF_EVEN, Decimal

import pikepdf

# Operators whose numbers are positions on the page (in WeasyPrint's CSS pixels) or colour components:
# a thousandth is far below what any screen or printer shows (and a colour's 1/255 step is 0.0039).
# Matrices (cm) and font sizes keep every digit: a scale's error grows with what it scales.
ROUNDED_OPERATORS = {"m", "l", "c", "v", "y", "re", "Td", "TD", "rg", "RG", "g", "G", "k", "K", "sc", "SC"}
THOUSANDTH = Decimal("0.001")


def _rounded(value):
    if not isinstance(value, Decimal):
        return value
    value = value.quantize(THOUSANDTH, rounding=ROUND_HALF_EVEN)
    return int(value) if value == value.to_integral_value() else value.normalize()


def _shorter(instruction):
    """The instruction with its positions or colours to a thousandth (a text matrix: its translation only)."""
    operator = str(instruction.operator)
    if operator in ROUNDED_OPERATORS:
        return pikepdf.ContentStreamInstruction(
            [_rounded(value) for value in instruction.operands], instruction.operator
        )
    if operator == "Tm" and len(instruction.operands) == 6:
        operands = list(instruction.operands)
        operands[4:] = [_rounded(value) for value in operands[4:]]
        return pikepdf.ContentStreamInstruction(operands, instruction.operator)
    return instruction


def content_written(instructions):
    """The instructions as a content stream, written as short as they draw the same."""
    instructions = list(instructions)
    kept = [_shorter(instruction) for instruction in redundant_left_out(instructions)]
    content = pikepdf.unparse_content_stream(kept)
    if any(isinstance(instruction, pikepdf.ContentStreamInlineImage) for instruction in instructions):
        return content  # an inline image's bytes could look like strings: leave them as they are
    return literal_strings(tj_joined(content))


# Two hex strings with a zero adjustment between them, in a TJ: `<0036> 0 <0048>` (a dictionary's `>>` is no string end).
ZERO_ADJUSTMENT = re.compile(rb"(?<=[0-9A-Fa-f<])>\s+-?0(?:\.0*)?\s+<(?=[0-9A-Fa-f>])")
# A zero adjustment after the last string of a TJ moves nothing either.
TRAILING_ZERO = re.compile(rb"(?<=[0-9A-Fa-f<])>\s+-?0(?:\.0*)?(?=\s+\])")
# A TJ of one string and no adjustment is a Tj: `[<0036>] TJ` draws what `<0036> Tj` does.
SINGLE_STRING = re.compile(rb"\[\s*(<[0-9A-Fa-f]*>)\s*\]\s*TJ")


def tj_joined(content):
    """The content with each TJ's glyph strings that no adjustment separates joined into one.

    `[<0036> 0 <0048>] TJ` draws what `[<00360048>] TJ` does: the same glyphs at the same positions,
    and what `<00360048> Tj` does.
    (Done on the written bytes: pikepdf's arrays cost a third of the pass's time item by item.)
    """
    return SINGLE_STRING.sub(rb"\1 Tj", TRAILING_ZERO.sub(b">", ZERO_ADJUSTMENT.sub(b"", content)))


def redundant_left_out(instructions):
    """The instructions without the empty text objects (WeasyPrint writes one for a box without glyphs): they draw nothing.

    (Leaving out a font or colour set again to the one in force, and joining a text object
    to the next, were measured too: 40 bytes off the demo manual once compressed, not kept.)
    """
    kept = []
    for instruction in instructions:
        if str(instruction.operator) == "ET" and kept and str(kept[-1].operator) == "BT":
            kept.pop()
            continue
        kept.append(instruction)
    return kept


HEX_STRING = re.compile(rb"<([0-9A-Fa-f]*)>")


def _literal(match):
    data = bytes.fromhex(match.group(1).decode())
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").replace(b"\r", b"\\r") + b")"


def literal_strings(content):
    """A content stream with its hex strings written as literal ones: each byte once instead of two hex digits.

    Only a backslash, the parentheses and a carriage return (which a reader would take for a
    line end) are escaped; every other byte stands for itself, as the format allows.
    """
    return HEX_STRING.sub(_literal, content)
