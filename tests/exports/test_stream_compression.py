"""Streams and object streams compressed again at libdeflate's best: fewer bytes, the same document."""

import io
import zlib

import pikepdf
import pytest
from pikepdf import Dictionary, Name

from exports import stream_compression

from .test_print_profiles import qpdf_check


def _saved(pdf, **options):
    buffer = io.BytesIO()
    pdf.save(buffer, **options)
    return buffer.getvalue()


def _document(pages=30):
    """A PDF with text pages, an image-like stream with a predictor and a structure-like tree of many small objects."""
    pdf = pikepdf.new()
    for number in range(pages):
        pdf.add_blank_page()
        content = b"".join(
            b"BT /F1 12 Tf 72 %d Td (Line %d of page %d, some words again) Tj ET\n" % (700 - 14 * line, line, number)
            for line in range(40)
        )
        pdf.pages[-1].obj.Contents = pikepdf.Stream(pdf, content)
    elements = pikepdf.Array(
        [
            pdf.make_indirect(Dictionary(S=Name.P, K=index, Title=pikepdf.String(f"element {index}")))
            for index in range(400)
        ]
    )
    pdf.Root.Elements = pdf.make_indirect(Dictionary(K=elements))
    predicted = pikepdf.Stream(pdf, zlib.compress(b"\x02" + bytes(range(40)) * 20))
    predicted.Filter = Name.FlateDecode
    predicted.DecodeParms = Dictionary(Predictor=12, Columns=40)
    pdf.Root.Predicted = predicted
    return pdf


def _objects(data):
    """Every object of the file, as qpdf resolves it: (number, its unparsed form or its decoded stream)."""
    pdf = pikepdf.open(io.BytesIO(data))
    seen = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            if obj.get("/Type") == Name.ObjStm or obj.get("/Type") == Name.XRef:
                continue
            seen[obj.objgen] = obj.read_bytes() if "/DecodeParms" not in obj else obj.read_raw_bytes()
        else:
            seen[obj.objgen] = obj.unparse()
    return seen


def test_streams_are_compressed_again_shorter_and_decode_to_the_same_bytes():
    pdf = _document()
    before = _saved(pdf, compress_streams=True)
    contents = [page.obj.Contents.read_bytes() for page in pdf.pages]
    predicted = pdf.Root.Predicted.read_raw_bytes()
    changed = stream_compression.streams_recompress(pdf)
    after = _saved(pdf, compress_streams=True)
    assert changed == len(pdf.pages)
    assert len(after) < len(before)
    reopened = pikepdf.open(io.BytesIO(after))
    assert [page.obj.Contents.read_bytes() for page in reopened.pages] == contents
    # A stream with a predictor is left as it was: recompressing it would mean undoing the predictor first.
    assert reopened.Root.Predicted.read_raw_bytes() == predicted


def test_object_streams_are_compressed_again_and_every_object_stays_what_it_was(tmp_path):
    pdf = _document()
    saved = _saved(pdf, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    repacked = stream_compression.object_streams_recompress(saved)
    assert len(repacked) < len(saved)
    assert _objects(repacked) == _objects(saved)
    path = tmp_path / "repacked.pdf"
    path.write_bytes(repacked)
    qpdf_check(path)


@pytest.mark.parametrize(
    "options",
    [
        {"object_stream_mode": pikepdf.ObjectStreamMode.disable},
        {"object_stream_mode": pikepdf.ObjectStreamMode.generate, "linearize": True},
    ],
    ids=["no object streams", "linearized"],
)
def test_a_file_the_repacking_does_not_understand_comes_back_unchanged(options):
    saved = _saved(_document(pages=3), compress_streams=True, **options)
    assert stream_compression.object_streams_recompress(saved) == saved


def test_a_truncated_file_comes_back_unchanged():
    saved = _saved(_document(pages=3), object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert stream_compression.object_streams_recompress(saved[:-60]) == saved[:-60]
