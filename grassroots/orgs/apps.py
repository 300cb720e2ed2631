from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "grassroots.orgs"
    label = "orgs"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from grassroots.core import navigation, permissions

        from . import home, models

        permissions.register(
            "orgs",
            {
                "orgs.view_organization": _("查看组织"),
                "orgs.manage_organization": _("管理组织（新建、修改、移动、撤销、合并）"),
                "orgs.view_person": _("查看人员"),
                "orgs.manage_person": _("管理人员"),
                "orgs.view_id_number": _("查看完整身份证号"),
                "orgs.import_roster": _("导入花名册"),
                "orgs.export_roster": _("导出花名册"),
            },
        )
        auditlog.register(
            models.Organization, exclude_fields=["created_at", "updated_at", "numchild", "depth"]
        )
        auditlog.register(
            models.Person,
            exclude_fields=["created_at", "updated_at", "name_pinyin", "name_initials"],
            mask_fields=["id_number"],
        )
        navigation.register(
            navigation.NavItem(
                "orgs", _("组织"), "orgs:tree", "diagram-3", 10, "orgs.view_organization"
            )
        )
        navigation.register(
            navigation.NavItem("people", _("人员"), "orgs:people", "people", 20, "orgs.view_person")
        )
        home.register()
        auditlog.register(models.Membership)
        auditlog.register(models.Position)
        auditlog.register(models.OrganizationKind)
