"""The OpenAPI schema and its docs page are served by the app itself, with no CDN."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/organizations",
    "/api/v1/organizations/{id}",
    "/api/v1/people",
    "/api/v1/people/{id}",
    "/api/v1/me",
}


def test_openapi_json_lists_the_endpoints_and_the_bearer_scheme(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert ENDPOINTS <= set(schema["paths"])
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer" for s in schemes.values())
    params = {p["name"] for p in schema["paths"]["/api/v1/people"]["get"]["parameters"]}
    assert {"org", "political_status", "status", "q", "limit", "offset"} <= params


def test_docs_page_loads_nothing_from_another_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert assets, "the docs page should load swagger-ui from the app's static files"
    for url in assets:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"external asset: {url}"
        assert url.startswith("/static/")
        assert finders.find(url.removeprefix("/static/")), f"missing static file: {url}"
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html)
    # Swagger UI's validator badge would call validator.swagger.io: switched off.
    assert '"validatorUrl": null' in html
    assert "cdn" not in html.lower()
