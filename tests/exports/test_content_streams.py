"""Content streams written short: the same drawing in fewer bytes."""

from decimal import Decimal

import pikepdf
from pikepdf import Array, ContentStreamInstruction, Operator, String

from exports import content_streams


def _drawn(content):
    """The instructions a reader parses out of content stream bytes, as (operands, operator)."""
    pdf = pikepdf.new()
    parsed = pikepdf.parse_content_stream(pikepdf.Stream(pdf, content))
    return [
        (
            [bytes(item) if isinstance(item, String) else item for item in instruction.operands],
            str(instruction.operator),
        )
        for instruction in parsed
    ]


def test_a_tj_joins_the_glyph_strings_that_no_adjustment_separates():
    tj = ContentStreamInstruction(
        [Array([String(b"\x00\x36"), 0, String(b"\x00\x48"), -20, String(b"\x00\x56"), 0])], Operator("TJ")
    )
    [(operands, operator)] = _drawn(content_streams.content_written([tj]))
    assert operator == "TJ"
    assert [bytes(item) if isinstance(item, String) else int(item) for item in operands[0]] == [
        b"\x00\x36\x00\x48",
        -20,
        b"\x00\x56",
    ]


def test_a_tj_left_with_one_string_is_written_as_a_tj_of_that_string():
    tj = ContentStreamInstruction([Array([String(b"\x00\x36"), 0, String(b"\x00\x48")])], Operator("TJ"))
    adjusted = ContentStreamInstruction([Array([String(b"\x00\x36"), -20, String(b"\x00\x48")])], Operator("TJ"))
    drawn = _drawn(content_streams.content_written([tj, adjusted]))
    assert [operator for _operands, operator in drawn] == ["Tj", "TJ"]
    assert bytes(drawn[0][0][0]) == b"\x00\x36\x00\x48"


def test_a_dictionary_end_before_a_zero_is_no_string_to_join():
    content = b"<< /MCID 0 >> 0 <0041> BDC"
    assert content_streams.tj_joined(content) == content


def test_positions_and_colours_are_written_to_a_thousandth_and_matrices_keep_every_digit():
    line = ContentStreamInstruction([Decimal("76.031496"), Decimal("129.8385")], Operator("l"))
    matrix = ContentStreamInstruction([Decimal("0.123456"), 0, 0, Decimal("0.123456"), 0, 0], Operator("cm"))
    text_matrix = ContentStreamInstruction([1, 0, 0, -1, Decimal("76.0004"), Decimal("2.5")], Operator("Tm"))
    assert list(content_streams._shorter(line).operands) == [Decimal("76.031"), Decimal("129.838")]
    assert list(content_streams._shorter(matrix).operands) == list(matrix.operands)
    assert list(content_streams._shorter(text_matrix).operands) == [1, 0, 0, -1, 76, Decimal("2.5")]


def test_hex_strings_are_written_literal_with_the_bytes_a_reader_would_misread_escaped():
    content = content_streams.literal_strings(b"[ <005c00280029000d0a> 5 <feff0041> ] TJ\n/Span << /MCID 0 >> BDC\n")
    pdf = pikepdf.new()
    operands = pikepdf.parse_content_stream(pikepdf.Stream(pdf, content))[0].operands[0]
    assert [bytes(item) for item in operands if isinstance(item, String)] == [
        b"\x00\\\x00(\x00)\x00\r\n",
        b"\xfe\xff\x00A",
    ]
    assert b"<< /MCID 0 >>" in content


def test_an_empty_text_object_is_left_out_and_every_other_instruction_kept():
    instructions = [
        ContentStreamInstruction(operands, Operator(operator))
        for operands, operator in [
            ([], "q"),
            ([], "BT"),
            ([], "ET"),
            ([], "BT"),
            ([String(b"a")], "Tj"),
            ([], "ET"),
            ([], "Q"),
        ]
    ]
    kept = content_streams.redundant_left_out(instructions)
    assert [str(instruction.operator) for instruction in kept] == ["q", "BT", "Tj", "ET", "Q"]


def test_the_running_layer_and_a_pages_content_are_written_with_the_same_rules():
    written = content_streams.content_written(
        [ContentStreamInstruction([Array([String(b"\x00A"), 0, String(b"\x00B")])], Operator("TJ"))]
    )
    assert written.strip() == b"(\x00A\x00B) Tj"
