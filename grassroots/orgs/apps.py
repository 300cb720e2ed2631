from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "grassroots.orgs"
    label = "orgs"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from grassroots.core import audit, navigation, permissions

        from . import counts, home, models

        def counts_changed(**kwargs):
            counts.changed()

        for model in (models.Organization, models.Person):
            name = model.__name__
            post_save.connect(
                counts_changed, sender=model, weak=False, dispatch_uid=f"counts-save-{name}"
            )
            post_delete.connect(
                counts_changed, sender=model, weak=False, dispatch_uid=f"counts-del-{name}"
            )

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
        # A move changes paths through treebeard's bulk updates; the move service logs it.
        audit.register(models.Organization, exclude=("numchild", "depth", "path"))
        audit.register(models.Person, exclude=("name_pinyin", "name_initials"), mask=("id_number",))
        navigation.register(
            navigation.NavItem(
                "orgs", _("组织"), "orgs:tree", "diagram-3", 10, "orgs.view_organization"
            )
        )
        navigation.register(
            navigation.NavItem("people", _("人员"), "orgs:people", "people", 20, "orgs.view_person")
        )
        home.register()
        audit.register(models.Membership)
        audit.register(models.Position)
        audit.register(models.OrganizationKind)
