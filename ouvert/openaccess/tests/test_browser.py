"""The open-access pages in Chromium, French and English, at desktop and phone width, with axe-core."""

import pytest

from ouvert.openaccess.models import Publication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(make_org):
    from ouvert.openaccess.demo import demo_load

    for code in ("frqnt", "frqs", "frqsc"):
        make_org(code)
    demo_load()
    return Publication.objects.filter(deleted_at__isnull=True).order_by("pk")


def test_public_pages_pass_axe_in_both_languages_and_on_a_phone(page, axe_check, demo):
    pub = demo.first()
    paths = ["/fr/libre-acces/", f"/fr/libre-acces/articles/{pub.pk}/", "/fr/libre-acces/tableau-de-bord/",
             "/fr/libre-acces/trouver-une-voie/?issn=0317-8471", "/fr/libre-acces/guide/",
             "/en/open-access/", f"/en/open-access/articles/{pub.pk}/", "/en/open-access/dashboard/",
             "/en/open-access/find-a-route/?issn=1932-6203", "/en/open-access/guide/"]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            assert page.goto(path).status == 200
            axe_check(page, context=f"{path} at {width}px")
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, path


def test_declare_form_passes_axe(page, axe_check, demo, make_user, password):
    user = make_user("chercheuse@exemple.qc.ca")
    page.goto("/fr/compte/connexion/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    for path in ("/fr/libre-acces/declarer/", "/en/open-access/declare/"):
        assert page.goto(path).status == 200
        axe_check(page, context=path)
