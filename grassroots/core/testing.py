"""Test helpers: an organization tree, users with built-in roles on it, and fixtures."""

import pytest

from grassroots.core import permissions


def grant(user, role_slug: str, organization):
    from grassroots.accounts.models import Role, RoleGrant
    from grassroots.accounts.signals import ensure_builtin_roles

    if not Role.objects.filter(slug=role_slug).exists():  # flushed by a transactional test
        ensure_builtin_roles()
    role = Role.objects.get(slug=role_slug)
    obj = RoleGrant.objects.create(user=user, role=role, organization=organization)
    permissions.forget_scopes(user)
    return obj


@pytest.fixture
def county(db):
    """A small county: 县委 → 组织部, 司法局党总支 (支部一, 支部二), 城关镇党委 (社区支部)."""
    from grassroots.orgs.tests.factories import build_county

    return build_county()


@pytest.fixture
def make_user(db):
    from grassroots.accounts.tests.factories import UserFactory

    def make(role_slug: str | None = None, organization=None, **kwargs):
        user = UserFactory(**kwargs)
        if role_slug:
            grant(user, role_slug, organization)
        return user

    return make


def queries_of(client, url: str) -> int:
    """The queries a page costs once what a process caches on first use (content types, the
    session) is warm: compare it for a few rows and for many to show a list stays constant."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def english_client(client):
    """The test client asking for pages in English. The default language is active again
    afterwards: a page in English leaves English active in the thread, and the tests that run
    next read Chinese messages."""
    from django.conf import settings
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield client
    translation.deactivate()
