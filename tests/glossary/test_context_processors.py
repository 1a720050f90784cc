import pytest

pytestmark = pytest.mark.django_db


def test_the_navigation_shows_the_glossary_to_those_who_write_or_translate_only(
    client, handbook, partner_editor, translator_ar, outsider
):
    assert "nav-glossary" not in client.get("/en/").content.decode()
    client.force_login(outsider)
    assert "nav-glossary" not in client.get("/en/").content.decode()
    for reader in (partner_editor, translator_ar):
        client.force_login(reader)
        assert "nav-glossary" in client.get("/en/").content.decode()
