"""Plain WeasyPrint, the fair reference every benchmark compares with: the same HTML and print stylesheet.

Without the stylesheet WeasyPrint lays out another document (30 pages of the demo instead of 37),
so the figures beside ours would not be of the same manual.
"""

import weasyprint

from exports import rendering


def plain_pdf(html, *, tagged=False):
    """The manual's print HTML laid out whole by plain WeasyPrint, untagged or tagged (PDF/UA): the PDF's bytes."""
    base_url = rendering.static_dirs()[0].resolve().as_uri() + "/"
    stylesheet = weasyprint.CSS(filename=str(rendering.static_file(rendering.PDF_STYLESHEET)))
    options = {"pdf_variant": rendering.DEFAULT_PDF_VARIANT} if tagged else {}
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(stylesheets=[stylesheet], **options)
