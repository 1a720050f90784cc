"""Reading the translation editor's page as a browser would send it back."""

import re
from html import unescape


def editor_form(page):
    """The editor form's fields as the page sent them, by name."""
    html = page.content.decode()
    data = dict(re.findall(r'<input type="hidden" name="([bs]:[^"]+)" value="([^"]*)"', html))
    for name, text in re.findall(r'<textarea id="t-\d+"\s+name="(t:[^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = unescape(text)
    return data
