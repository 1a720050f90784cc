"""A partner editor records a workshop; the secretariat reads reach; anyone finds partners on the map and documents in the library."""

from datetime import date

import pytest

from curriculum.models import ModuleVersion, PartnerMembership
from tests.factories import UserFactory
from workshops.models import Resource, Workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username, language="en", then="workshops/"):
    page.goto(f"{live_server.url}/{language}/accounts/login/?next=/{language}/{then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**/{language}/{then}")


@pytest.fixture
def editor(partner):
    user = UserFactory(username="browser-editor")
    PartnerMembership.objects.create(user=user, partner=partner)
    return user


def test_a_partner_editor_records_a_workshop(page, live_server, handbook, partner, editor, tmp_path):
    _sign_in(page, live_server, "browser-editor")
    page.get_by_role("link", name="Record a workshop").click()
    page.locator("#id_kind").select_option("workshop")
    assert page.locator("#id_country").input_value() == "JO"  # from her only partner
    page.locator("#id_place").fill("Irbid youth house")
    page.locator("#id_start_date").fill("2025-04-01")
    page.locator("#id_end_date").fill("2025-04-02")
    page.locator("#id_language").select_option("ar")
    page.locator("#id_curriculum").select_option(str(handbook.pk))
    page.get_by_label("Communicating with purpose · version 1").check()
    page.locator("#id_new_facilitators").fill("Rania Haddad")
    page.locator("#id_participants_women").fill("20")
    page.locator("#id_participants_men").fill("3")
    page.locator("#id_participants_total").fill("22")
    page.get_by_role("button", name="Save").click()
    # The total is refused, with the reason beside the field; nothing is saved.
    assert "smaller than women plus men" in page.locator(".field-participants_total .error").inner_text()
    assert not Workshop.objects.exists()
    page.locator("#id_participants_total").fill("24")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/workshops/")
    assert "The workshop is recorded." in page.locator(".messages").inner_text()
    assert "Irbid youth house" in page.locator("table").inner_text()
    page.screenshot(path=str(tmp_path / "workshops.png"))
    workshop = Workshop.objects.get()
    assert [version.module.slug for version in workshop.module_versions.all()] == ["session-1"]
    assert workshop.created_by == editor and workshop.facilitators.get().name == "Rania Haddad"


def test_the_recording_form_is_right_to_left_in_arabic(page, live_server, handbook, editor):
    page.set_viewport_size({"width": 390, "height": 800})
    _sign_in(page, live_server, "browser-editor", language="ar")
    page.goto(f"{live_server.url}/ar/workshops/new/")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    box = page.locator("#id_place").bounding_box()
    assert box["x"] + box["width"] > 330  # fields start at the right
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture
def reach_data(partner, other_partner, handbook):
    versions = list(ModuleVersion.objects.filter(module__curriculum=handbook))
    common = {"curriculum": handbook, "participants_women": 15, "participants_men": 0, "participants_total": 15}
    tot = Workshop.objects.create(partner=partner, kind="national_tot", country="JO", place="Amman", language="ar",
                                  start_date=date(2024, 1, 5), end_date=date(2024, 1, 7), **common)  # fmt: skip
    for index, item in enumerate([partner, other_partner, other_partner]):
        workshop = Workshop.objects.create(partner=item, kind="workshop", country=item.country, place=f"Place {index}",
                                           language="ar" if item == partner else "sw", parent_tot=tot,
                                           start_date=date(2024, 3 + index, 1), end_date=date(2024, 3 + index, 1), **common)  # fmt: skip
        workshop.module_versions.set(versions)


def test_the_secretariat_reads_reach_filters_it_and_downloads_a_table(
    page, live_server, secretariat, reach_data, tmp_path
):
    secretariat.set_password("pw")
    secretariat.save()
    _sign_in(page, live_server, "secretariat", then="reach/")
    assert "Participants\n60" in page.locator("#reach-totals").inner_text()  # 4 workshops × 15
    assert page.locator("#reach-cascade svg").count() == 1
    assert "3 replications" in page.locator("#reach-cascade svg").text_content()
    page.locator("#id_language").select_option("sw")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**language=sw**")
    assert "Participants\n30" in page.locator("#reach-totals").inner_text()
    with page.expect_download() as download_info:
        page.locator("#reach-partner").get_by_role("link", name="Download as CSV").click()
    path = tmp_path / "partner.csv"
    download_info.value.save_as(path)
    assert "Sauti ya Wanawake,2,30" in path.read_text(encoding="utf-8-sig")
    page.screenshot(path=str(tmp_path / "reach.png"), full_page=True)


def test_reach_charts_are_mirrored_in_arabic(page, live_server, secretariat, reach_data):
    secretariat.set_password("pw")
    secretariat.save()
    console = []
    page.on("console", lambda message: console.append(message.text))
    _sign_in(page, live_server, "secretariat", language="ar", then="reach/")
    chart = page.locator("#reach-partner svg")
    svg_box = chart.bounding_box()
    bar = chart.locator("rect").first.bounding_box()
    label = chart.locator("text").nth(1).bounding_box()
    assert label["x"] > bar["x"] + bar["width"]  # the label is right of its bar
    assert label["x"] + label["width"] <= svg_box["x"] + svg_box["width"] + 1  # and inside the chart
    assert not [text for text in console if "Content Security Policy" in text]


def test_anyone_finds_partners_on_the_map_and_opens_a_popup(page, live_server, partner, affiliate, handbook):
    from curriculum.adaptation import edition_get_or_create
    from curriculum.publishing import edition_publish

    partner.latitude, partner.longitude, partner.description_en = 31.95, 35.93, "Learning circles in Amman."
    partner.save()
    edition_publish(edition=edition_get_or_create(curriculum=handbook, partner=partner))
    affiliate.latitude, affiliate.longitude = 32.55, 35.85
    affiliate.save()
    requests, console = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/en/partners/")
    page.locator("#partner-map[data-ready=true]").wait_for()
    assert page.locator(".leaflet-marker-icon").count() == 2
    page.locator('.leaflet-marker-icon[title="Tamkeen Women\'s Forum"]').click()
    popup = page.locator(".leaflet-popup-content")
    assert "Learning circles in Amman." in popup.inner_text()
    assert popup.get_by_role("link", name="Editions").get_attribute("href").endswith("?edition=tamkeen")
    assert all(url.startswith(live_server.url) for url in requests)  # no tile server is set: nothing external
    assert "Tamkeen Irbid" in page.locator("#partner-list").inner_text()
    assert not [text for text in console if "Content Security Policy" in text]


def test_the_map_page_works_without_scripts(browser, live_server, partner):
    partner.latitude, partner.longitude = 31.95, 35.93
    partner.save()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/ar/partners/")
    assert page.locator("#partner-outline").is_visible()
    assert page.locator("#partner-outline circle").count() == 1
    page.locator("#partner-outline a").first.click()
    assert page.url.endswith("#partner-tamkeen")
    context.close()


def test_an_editor_adds_a_document_and_anyone_finds_it(page, live_server, partner, editor, tmp_path):
    pdf = tmp_path / "annual-report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    _sign_in(page, live_server, "browser-editor", then="resources/")
    page.get_by_role("link", name="Add a document").click()
    page.locator("#id_kind").select_option("report")
    page.locator("#id_year").fill("2024")
    page.locator("#id_language").select_option("ar")
    page.locator("#id_partner").select_option(str(partner.pk))
    page.locator("#id_title_en").fill("Annual report 2024")
    page.locator("#id_tag_names").fill("reports")
    page.locator("#id_upload").set_input_files(str(tmp_path / "annual-report.pdf"))
    page.get_by_role("button", name="Add to the library").click()
    page.wait_for_url("**/resources/")
    assert Resource.objects.get().file_type == "application/pdf"

    visitor = page.context.browser.new_context().new_page()
    visitor.goto(f"{live_server.url}/en/resources/")
    visitor.locator("#id_q").fill("annual")
    visitor.get_by_role("button", name="Search").click()
    assert "1 document" in visitor.locator("#resource-count").inner_text()
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name="Annual report 2024").click()
    assert download_info.value.suggested_filename == "annual-report.pdf"
    visitor.get_by_role("link", name="reports").click()
    assert "Annual report 2024" in visitor.locator("main").inner_text()
    visitor.context.close()
