"""Content Markdown → HTML that is safe to show in a page and to hand to the PDF renderer.

Content comes from many organisations and translators: it is untrusted. The
allowlist leaves out everything WeasyPrint would fetch or embed (`<link>`,
`<style>`, `style=`, `<img>`, `<object>`, `rel="attachment"`...) and
everything a browser would run.
"""

from functools import lru_cache
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "a", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "abbr": {"title"}, "th": {"colspan"}, "td": {"colspan"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "sane_lists"]


@lru_cache(maxsize=4096)
def markdown_to_html(text):
    """Render content Markdown and keep only the allowlisted markup."""
    raw = markdown_lib.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


class _MarkupInspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}>")
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f'<{tag} {name}="…">')
            elif name == "href" and (value or "").split(":", 1)[0].lower() not in ALLOWED_URL_SCHEMES | {""}:
                self.problems.append(f'<{tag} href="{(value or "")[:40]}">')

    handle_startendtag = handle_starttag


def disallowed_markup(text):
    """List the elements and attributes in content that the allowlist would remove."""
    raw = markdown_lib.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    inspector = _MarkupInspector()
    inspector.feed(raw)
    inspector.close()
    return sorted(set(inspector.problems))
