"""Every HTML response carries a strict Content-Security-Policy and the other security headers; the
templates and scripts have nothing the policy would refuse."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

from ouvert.core.security import ContentSecurityPolicyMiddleware, basemap_source, content_security_policy

ROOT = Path(__file__).resolve().parents[2]
STRICT = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
          "base-uri 'self'; frame-ancestors 'self'; form-action 'self'")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/fr/", "/en/", "/fr/compte/connexion/", "/fr/cette-page-n-existe-pas/",
                                 "/api/v1/docs"])
def test_html_responses_carry_the_policy_and_headers(client, url):
    response = client.get(url)
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == STRICT
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.django_db
def test_api_docs_use_local_files_not_a_cdn(client):
    body = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in body and "/static/ninja/swagger-ui-bundle.js" in body
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>", body)


@pytest.mark.django_db
def test_json_responses_have_no_page_policy_but_keep_nosniff(client):
    response = client.get("/api/v1/status")
    assert "Content-Security-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_response_keeps_its_own_policy(rf):
    from django.http import HttpResponse

    def view(request):
        response = HttpResponse("<p>fichier</p>")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    assert ContentSecurityPolicyMiddleware(view)(rf.get("/"))["Content-Security-Policy"] == "sandbox; default-src 'none'"


@pytest.mark.parametrize(("url", "source"), [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png", "https://*.tile.example.org:8443"),
    ("", None), ("/tuiles/{z}/{x}/{y}.png", None), ("javascript:alert(1)", None),
])
def test_basemap_host_joins_img_src(url, source):
    assert basemap_source(url) == source
    with override_settings(OUVERT_BASEMAP_URL=url):
        images = next(d for d in content_security_policy().split("; ") if d.startswith("img-src"))
    assert images == ("img-src 'self' data:" + (f" {source}" if source else ""))


def test_templates_have_no_inline_script_handler_style_or_javascript_url():
    """What the policy refuses, caught before a browser sees it (data blocks such as JSON-LD are fine)."""
    problems = []
    for path in ROOT.glob("*/templates/**/*.html"):
        text = path.read_text()
        for pattern, what in ((r"<script(?![^>]*\b(?:src=|type=\"application/(?:ld\+)?json\"))[^>]*>", "inline script"),
                              (r"\son[a-z]+\s*=", "event handler attribute"), (r"\sstyle\s*=", "style attribute"),
                              (r"<style", "style element"), (r"javascript:", "javascript: URL")):
            if re.search(pattern, text, flags=re.I):
                problems.append(f"{path.relative_to(ROOT)}: {what}")
    for path in ROOT.glob("*/static/**/*.js"):
        if "vendor" in path.parts:
            continue
        if re.search(r"style=\\?\"|\bstyle:\s*[\"']|\.setAttribute\(\s*[\"']style|\beval\(|new Function\(", path.read_text()):
            problems.append(f"{path.relative_to(ROOT)}: inline style or eval in a script")
    assert not problems, "\n".join(problems)
