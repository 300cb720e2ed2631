"""The default organization kinds. Migration 0002 installs them; tests and the demo call ensure_default_kinds."""

from django.utils.translation import gettext_noop as _

DEFAULT_KINDS = [
    ("party_committee", _("党委"), 10, False),
    ("working_committee", _("党工委"), 20, False),
    ("general_branch", _("党总支"), 30, False),
    ("branch", _("党支部"), 40, True),
    ("party_group", _("党小组"), 50, True),
    ("department", _("机关部门"), 60, False),
    ("community", _("社区"), 70, False),
    ("village", _("村"), 80, False),
    ("enterprise", _("企事业单位"), 90, False),
]


def ensure_default_kinds() -> None:
    from .models import OrganizationKind

    for code, name, order, is_branch in DEFAULT_KINDS:
        OrganizationKind.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order, "is_party_branch": is_branch}
        )
