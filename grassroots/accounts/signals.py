"""Create the built-in roles after migrate; the system admin role always holds every codename."""

from grassroots.core import permissions

from .roles import BUILTIN_ROLES


def ensure_builtin_roles(**kwargs) -> None:
    from .models import Role

    every = [p.codename for p in permissions.all_permissions()]
    for spec in BUILTIN_ROLES:
        codenames = every if spec.codenames is None else list(spec.codenames)
        role, created = Role.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": str(spec.name),
                "description": str(spec.description),
                "codenames": codenames,
                "is_builtin": True,
            },
        )
        if not created and spec.codenames is None and set(role.codenames) != set(every):
            role.codenames = sorted(set(role.codenames) | set(every))
            role.save(update_fields=["codenames", "updated_at"])
