import pytest

from curriculum.markup import disallowed_markup, markdown_to_html

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    '<link rel="attachment" href="/etc/passwd">',
    "<style>@import url(http://127.0.0.1/);</style>",
    '<base href="file:///">',
    '<iframe src="http://169.254.169.254/latest/meta-data/"></iframe>',
    '<object data="file:///etc/shadow"></object>',
    '<embed src="/etc/passwd">',
    '<p style="background: url(http://127.0.0.1:6379/)">x</p>',
    '<svg><image href="file:///etc/passwd"/></svg>',
    '<a rel="attachment" href="https://example.org/x">x</a>',
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markup_never_survives_rendering(payload):
    html = markdown_to_html(f"Before\n\n{payload}\n\nAfter")
    for forbidden in ("<script", "onerror", "javascript:", "<link", "<style", "<base", "<iframe", "<object",
                      "<embed", "style=", "<svg", "<image", "file:", 'rel="attachment"', "<img"):  # fmt: skip
        assert forbidden not in html
    assert "After" in html


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markup_is_named_for_the_importer(payload):
    assert disallowed_markup(payload)


def test_ordinary_markdown_keeps_its_structure():
    html = markdown_to_html("**Bold** and *em*\n\n1. one\n2. two\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<strong>Bold</strong>" in html
    assert "<ol>" in html and "<li>two</li>" in html
    assert "<table>" in html and "<td>2</td>" in html
    assert disallowed_markup("**Bold**\n\n- a\n- b\n\n[site](https://example.org)") == []
