"""A tagged PDF's structure tree without the elements that say nothing: bare spans and non-structural groups folded into their parents.

WeasyPrint writes a structure element for every inline box: a /Span holding one marked-content
id under each paragraph, heading or list label, and /NonStruct groups around single elements.
They carry no attribute, language or alternate text, and assistive technology reads their
content as part of the parent's (ISO 32000-1, 14.8.4.4: Span and NonStruct have no semantics
of their own). In the demo manual they were 1,876 of 3,345 elements, and the structure tree
30% of the file's bytes. Folding them moves their content (marked-content ids, or the
elements they group) into the parent in place, in the same reading order, and points the
page's parent-tree entries at the parent. What a reader gets is unchanged: the same
paragraphs, headings, lists, tables, links and figures, in the same order.

An element folds only when it says nothing: an element with attributes, a language, alternate
or actual text, an ID or a link annotation (OBJR) keeps its place. A page reference (/Pg) is
kept only on the elements whose own content is on that page, and no element keeps its /Type
(optional, ISO 32000-1 table 323: /S says what it is). The same pass then merges each
element's consecutive marked-content sequences (exports/marked_content.py).

Pure: a pikepdf document in, the same document changed in place (or PDF bytes in and out).
exports/rendering.py slims every tagged PDF it writes: module parts, front matter, whole documents.
"""

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

from . import stream_compression
from .marked_content import marked_content_merge

FOLDED_TYPES = {"/Span", "/NonStruct", "/Div"}
# What a structure element has that says nothing about its content; any other entry keeps it.
BARE_ENTRIES = {"/Type", "/S", "/P", "/K", "/Pg"}


def pdf_slim(data, *, smallest=True):
    """The PDF's bytes with its structure tree slimmed (the same bytes when it has none).

    `smallest` compresses it as hard as a finished document is (exports/stream_compression.py);
    a module part and the front matter skip it: the join compresses the whole manual again.
    """
    pdf = pikepdf.open(io.BytesIO(data))
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None or "/ParentTree" not in tree:
        return data
    structure_slim(pdf)
    # One element's consecutive marked content as one sequence: fewer MCIDs in the tree, shorter pages.
    marked_content_merge(pdf, _page_arrays(pdf, tree))
    if smallest:
        return stream_compression.pdf_saved_smallest(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=True)
    return buffer.getvalue()


def structure_slim(pdf):
    """Fold the document's bare spans and non-structural groups into their parents; the number of elements folded."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None or "/ParentTree" not in tree:
        return 0
    arrays = _page_arrays(pdf, tree)
    folded = 0
    # Children first: a span inside a span folds into the inner one, which then folds in turn.
    for element, kids in structure_elements(tree):
        # Optional (ISO 32000-1, table 323), and written in every element: what the /S names says it all.
        if element.get("/Type") == Name.StructElem:
            del element["/Type"]
        if any(foldable(kid) for kid in kids):
            content = []
            for kid in kids:
                if foldable(kid):
                    content += _lifted(kid, element, arrays)
                    folded += 1
                else:
                    content.append(kid)
            element.K = kids = Array(content)
        if "/Pg" in element and not any(isinstance(kid, int) for kid in kids):
            del element["/Pg"]
    return folded


def _page_arrays(pdf, tree):
    """{page objgen: the parent-tree array of its marked-content ids}."""
    numbers = tree.ParentTree.get("/Nums", Array())
    by_key = {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)}
    arrays = {}
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is not None and isinstance(by_key.get(int(key)), Array):
            arrays[page.obj.objgen] = by_key[int(key)]
    return arrays


def _is_element(value):
    return isinstance(value, Dictionary) and "/S" in value


def _kids(element):
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def structure_elements(tree):
    """(element, its content) for every structure element under the root, children before their parent, each once."""
    order, seen, stack = [], set(), [(kid, None) for kid in _kids(tree) if _is_element(kid)]
    while stack:
        element, kids = stack.pop()
        if kids is not None:
            order.append((element, kids))
            continue
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        kids = _kids(element)
        stack.append((element, kids))
        stack += [(kid, None) for kid in kids if _is_element(kid)]
    return order


def foldable(kid):
    if not _is_element(kid) or str(kid.S) not in FOLDED_TYPES or not kid.is_indirect:
        return False
    if set(kid.keys()) - BARE_ENTRIES:
        return False
    # A link annotation's parent-tree entry names its element: keep the element it names.
    return not any(isinstance(item, Dictionary) and item.get("/Type") == Name.OBJR for item in _kids(kid))


def _lifted(kid, parent, arrays):
    """The folded element's content as content of `parent`, with the page's parent-tree entries moved to it."""
    content = []
    parent_page = parent.get("/Pg")
    for item in _kids(kid):
        if isinstance(item, int):
            page = kid.get("/Pg")
            if page is None:
                raise ValueError("a marked-content id without its page")
            if parent_page is not None and page.objgen == parent_page.objgen:
                content.append(item)
            else:
                # On another page than the parent's own content: a marked-content reference names it.
                content.append(Dictionary(Type=Name.MCR, Pg=page, MCID=item))
            _parent_entry_set(arrays, page, int(item), parent)
        elif isinstance(item, Dictionary) and item.get("/Type") == Name.MCR:
            content.append(item)
            _parent_entry_set(arrays, item.Pg, int(item.MCID), parent)
        else:
            if _is_element(item):
                item.P = parent
            content.append(item)
    return content


def _parent_entry_set(arrays, page, mcid, parent):
    array = arrays.get(page.objgen)
    if array is not None and mcid < len(array):
        array[mcid] = parent
