"""Apps give their codenames to the built-in roles: at creation, and once when first installed."""

from types import SimpleNamespace

import pytest

from grassroots.accounts.models import Role
from grassroots.accounts.signals import ensure_builtin_roles
from grassroots.core import permissions


def test_new_roles_hold_the_app_defaults(db):
    secretary = Role.objects.get(slug="branch_secretary")
    assert "study.manage_session" in secretary.codenames
    assert "study.manage_targets" not in secretary.codenames
    assert "study.manage_targets" in Role.objects.get(slug="org_dept_admin").codenames


def test_an_app_installed_later_gives_its_defaults_once(db):
    secretary = Role.objects.get(slug="branch_secretary")
    secretary.codenames = [c for c in secretary.codenames if not c.startswith("study.")]
    secretary.save()
    # A migrate run that did not install the study app leaves the admin's edit alone.
    ensure_builtin_roles(plan=[])
    secretary.refresh_from_db()
    assert not any(c.startswith("study.") for c in secretary.codenames)
    # The run that applies study's first migration adds its defaults.
    initial = SimpleNamespace(app_label="study", initial=True)
    ensure_builtin_roles(plan=[(initial, False)])
    secretary.refresh_from_db()
    assert "study.manage_session" in secretary.codenames


def test_defaults_must_name_declared_codenames():
    with pytest.raises(ValueError):
        permissions.register("bogus", {"bogus.a": "a"}, roles={"member": ["bogus.b"]})
    assert not permissions.is_registered("bogus.a")
