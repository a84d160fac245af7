"""Project-wide pytest fixtures: people, organizations, API clients, and the browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parent.parent / "shared"
CHROMIUM = os.environ.get("OUVERT_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() == "true"


def shared_path(*parts: str) -> Path:
    """A file under ../shared; skips the test where it is absent, fails under CI=true."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent (../shared/ is not beside this checkout)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def password() -> str:
    return "un-mot-de-passe-solide-42"


@pytest.fixture
def make_user(db, password):
    from ouvert.core.models import User

    counter = {"n": 0}

    def make(email: str | None = None, *, site_admin: bool = False, **fields) -> User:
        counter["n"] += 1
        email = email or f"personne{counter['n']}@exemple.qc.ca"
        if site_admin:
            return User.objects.create_superuser(email=email, password=password, **fields)
        return User.objects.create_user(email=email, password=password, **fields)

    return make


@pytest.fixture
def make_org(db):
    from ouvert.core.models import Organization, OrganizationKind

    counter = {"n": 0}

    def make(slug: str | None = None, *, kind: str = OrganizationKind.MINISTRY, **fields) -> Organization:
        counter["n"] += 1
        slug = slug or f"org-{counter['n']}"
        fields.setdefault("name_fr", f"Organisation {slug}")
        fields.setdefault("name_en", f"Organization {slug}")
        return Organization.objects.create(slug=slug, kind=kind, **fields)

    return make


@pytest.fixture
def make_member(db):
    from ouvert.core.models import Membership

    def make(user, organization, role: str = "editor", **fields) -> Membership:
        return Membership.objects.create(user=user, organization=organization, role=role, **fields)

    return make


@pytest.fixture
def catalogue_resource(db):
    """``catalogue_resource(resource_id, organization, state="active", private=False)``: the
    catalogue's dataset and resource owning ``resource_id`` (a link resource, nothing scheduled), so
    that datastore tables and map layers made for that id in tests are read through the access
    model as in production. Calling it again for the same id changes its dataset's standing."""
    import uuid as _uuid

    from ouvert.catalog.models import Dataset, Licence, Resource

    def make(resource_id, organization, *, state: str = "active", private: bool = False,
             dataset_id=None) -> Resource:
        rid = resource_id if isinstance(resource_id, _uuid.UUID) else _uuid.UUID(str(resource_id))
        resource = Resource.objects.select_related("dataset").filter(pk=rid).first()
        if resource is not None:
            Dataset.objects.filter(pk=resource.dataset_id).update(state=state, private=private)
            resource.dataset.refresh_from_db()
            return resource
        licence = Licence.objects.order_by("position").first() or Licence.objects.create(
            slug="cc-by-4.0", title_fr="CC BY 4.0", title_en="CC BY 4.0", is_default=True)
        dataset = Dataset.objects.filter(pk=dataset_id).first() if dataset_id else None
        if dataset is None:
            dataset = Dataset.objects.create(id=dataset_id or _uuid.uuid4(), name=f"jeu-{rid.hex[:12]}",
                                             title=f"Jeu {rid.hex[:8]}", licence=licence,
                                             organization=organization, state=state, private=private)
        return Resource.objects.create(id=rid, dataset=dataset, name=f"ressource-{rid.hex[:8]}",
                                       url=f"https://donnees.exemple.qc.ca/{rid.hex}.csv", format="CSV")

    return make


@pytest.fixture
def public_rid(catalogue_resource, make_org):
    """``public_rid(dataset_id=None)``: a new resource id of a published public dataset (a layer or a
    table made for an id the catalogue does not know is readable by nobody)."""
    import uuid as _uuid

    organization = make_org("cartes")

    def make(dataset_id=None) -> _uuid.UUID:
        rid = _uuid.uuid4()
        catalogue_resource(rid, organization, dataset_id=dataset_id)
        return rid

    return make


@pytest.fixture
def allow_loopback(settings):
    """Lets the outbound fetcher (``ouvert.core.fetch``) reach test servers on 127.0.0.1, which it
    refuses by default. Every test talking to a loopback server asks for this explicitly."""
    settings.OUVERT_FETCH_ALLOW_PRIVATE = True


@pytest.fixture
def site_admin(make_user):
    return make_user("admin@exemple.qc.ca", site_admin=True)


@pytest.fixture
def make_token(db):
    from ouvert.core.services import token_create

    def make(user, name: str = "test") -> str:
        return token_create(user=user, by=user, name=name)[1]

    return make


# Browser -----------------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def _playwright_browser():
    if not Path(CHROMIUM).exists() or not AXE_JS.exists():
        missing = CHROMIUM if not Path(CHROMIUM).exists() else AXE_JS
        message = f"{missing} is missing: run scripts/test, which installs Chromium and axe-core"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page a browser test visits must load without a Content-Security-Policy violation: Chromium
# reports each one on the console ("Refused to …") and as a ``securitypolicyviolation`` event, which
# this script forwards to the console with a recognizable prefix.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});"""


@pytest.fixture
def csp_violations() -> list[str]:
    """The CSP violations seen by the ``page`` fixture so far (the fixture fails the test on any)."""
    return []


@pytest.fixture
def page(_playwright_browser, live_server, csp_violations):
    context = _playwright_browser.new_context(base_url=live_server.url, locale="fr-CA")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(15000)

    def on_console(message):
        text = message.text
        if text.startswith(("Refused to", "CSP violation:")):
            csp_violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    yield page
    context.close()
    if csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(csp_violations)))


@pytest.fixture
def axe_check():
    """Run axe-core on the current page; fail on any serious or critical violation."""
    script = AXE_JS.read_text()

    def check(page, *, context: str = "") -> list[dict]:
        page.evaluate(script)  # not add_script_tag: an inline <script> is refused by the site's CSP
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        bad = [v for v in result["violations"] if v.get("impact") in {"serious", "critical"}]
        details = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:5])
            for v in bad
        )
        assert not bad, f"axe-core violations on {context or page.url}:\n{details}"
        return result["violations"]

    return check


@pytest.fixture
def screenshots_dir() -> Path:
    path = Path(os.environ.get("OUVERT_SCREENSHOTS", Path(__file__).resolve().parent / "var" / "screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def look(axe_check, screenshots_dir):
    """Open ``path`` at a width (a phone's 390 px or a desktop's 1280 px), then what a person checking the page by
    eye would: axe-core clean, nothing wider than the screen, ``<html lang>`` right, and a full-page
    screenshot named ``name`` (``OUVERT_SCREENSHOTS``, else ``var/screenshots``) to look at."""

    def view(page, path: str | None, name: str, *, size: dict[str, int], lang: str) -> None:
        page.set_viewport_size(size)
        if path is not None:
            page.goto(path)
        assert page.evaluate("document.documentElement.lang") == lang, page.url
        page.screenshot(path=str(screenshots_dir / f"{name}.png"), full_page=True)
        axe_check(page, context=f"{name} ({page.url})")
        wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        culprits = page.evaluate(
            "() => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right"
            " > window.innerWidth + 1).slice(-4).map(e => e.tagName + '.' + e.className + ' '"
            " + e.textContent.trim().slice(0, 40))")
        assert wide <= 1, f"{page.url} is {wide} px wider than the {size['width']} px screen: {culprits}"

    return view







@pytest.fixture(scope="session", autouse=True)
def _restore_seeds_after_flush():
    """Transactional tests (live server, browser) end by emptying every table, then Django sends
    ``post_migrate``: put back what the catalogue's data migration seeds (licences, themes), so that
    the order in which transactional tests run does not matter."""
    from importlib import import_module

    from django.apps import apps
    from django.db.models.signals import post_migrate

    if not apps.is_installed("ouvert.catalog"):
        yield
        return
    seed = import_module("ouvert.catalog.migrations.0002_search_and_seed").seed

    def restore(sender, **kwargs):
        if sender.label == "catalog":
            seed(apps, None)

    post_migrate.connect(restore, dispatch_uid="tests-restore-catalog-seeds")
    yield
    post_migrate.disconnect(dispatch_uid="tests-restore-catalog-seeds")


@pytest.fixture(autouse=True)
def _isolated_state():
    """Rate-limit counters, cached values and the active language never leak from one test into the
    next (the test client leaves the last request's language active in the test's thread, and the
    live server used by browser tests would inherit it)."""
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    translation.activate("fr")
    yield
    cache.clear()
    translation.activate("fr")
