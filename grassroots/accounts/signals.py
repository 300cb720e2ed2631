"""Create the built-in roles after migrate; the system admin role always holds every codename."""

from grassroots.core import permissions

from .roles import BUILTIN_ROLES


def _newly_installed_apps(plan) -> set[str]:
    """The apps whose first migration this migrate run applied."""
    return {
        migration.app_label
        for migration, backwards in plan or []
        if not backwards and migration.initial
    }


def ensure_builtin_roles(plan=None, **kwargs) -> None:
    from .models import Role

    every = [p.codename for p in permissions.all_permissions()]
    new_apps = _newly_installed_apps(plan)
    for spec in BUILTIN_ROLES:
        if spec.codenames is None:
            codenames = every
        else:
            codenames = list(
                dict.fromkeys([*spec.codenames, *permissions.role_defaults(spec.slug)])
            )
        role, created = Role.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": str(spec.name),
                "description": str(spec.description),
                "codenames": codenames,
                "is_builtin": True,
            },
        )
        if created:
            continue
        if spec.codenames is None:
            added = set(every) - set(role.codenames)
        else:
            # An app installed into a running deployment gives its defaults to the roles once.
            added = set(permissions.role_defaults(spec.slug, new_apps)) - set(role.codenames)
        if added:
            role.codenames = sorted(set(role.codenames) | added)
            role.save(update_fields=["codenames", "updated_at"])
