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
