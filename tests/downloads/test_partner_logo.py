"""Partner logos are served through the storage on every host, and the route reaches logos only."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40


def test_a_partner_logo_is_served_from_the_storage_at_the_url_its_field_gives(client, partner, storage_backend):
    partner.logo.save("tamkeen.png", ContentFile(PNG))
    url = f"/media/{partner.logo.name}"
    if not storage_backend:
        assert partner.logo.url == url  # what the admin links to
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png" and response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_second_logo_of_the_same_name_does_not_replace_the_first(partner, other_partner, storage_backend):
    partner.logo.save("logo.png", ContentFile(PNG))
    other_partner.logo.save("logo.png", ContentFile(PNG + b"other"))
    assert partner.logo.name != other_partner.logo.name
    assert default_storage.open(partner.logo.name).read() == PNG


def test_the_logo_route_serves_no_other_stored_file(client, partner):
    default_storage.save("partners/logos/orphan.png", ContentFile(PNG))
    assert client.get("/media/partners/logos/orphan.png").status_code == 404
    assert client.get("/media/partners/logos/missing.png").status_code == 404
