"""The built-in roles. They are created once; the system admin may edit them afterwards."""

from dataclasses import dataclass

# Names are stored as written here (the message ids) and translated when shown (Role.label).
from django.utils.translation import gettext_noop as _

ORG_VIEW = ["orgs.view_organization", "orgs.view_person"]
ORG_ALL = [
    "orgs.view_organization",
    "orgs.manage_organization",
    "orgs.view_person",
    "orgs.manage_person",
    "orgs.view_id_number",
    "orgs.import_roster",
    "orgs.export_roster",
]


@dataclass(frozen=True)
class BuiltinRole:
    slug: str
    name: str
    description: str
    codenames: list[str] | None  # None: every registered codename


BUILTIN_ROLES = [
    BuiltinRole("system_admin", _("系统管理员"), _("部署、账号、角色与全部数据"), None),
    BuiltinRole(
        "org_dept_admin",
        _("组织部管理员"),
        _("组织部、党校：管理所辖全部组织、人员与授权"),
        ORG_ALL + ["accounts.manage_users", "accounts.manage_grants", "core.view_audit_log"],
    ),
    BuiltinRole(
        "committee_admin",
        _("党委管理员"),
        _("党委（党工委）：管理本党委下属组织与人员"),
        ORG_ALL + ["accounts.manage_users", "accounts.manage_grants", "core.view_audit_log"],
    ),
    BuiltinRole(
        "branch_secretary",
        _("支部书记"),
        _("党支部书记、党务工作者：管理本支部人员，导入导出花名册"),
        ORG_VIEW
        + ["orgs.manage_person", "orgs.import_roster", "orgs.export_roster", "core.view_audit_log"],
    ),
    BuiltinRole(
        "discipline_inspector",
        _("纪检监察员"),
        _("纪检监察：查看所辖组织与人员及其变更记录"),
        ORG_VIEW + ["core.view_audit_log"],
    ),
    BuiltinRole(
        "member",
        _("成员"),
        _("党员、干部、职工：查看本组织和本人信息"),
        ["orgs.view_organization"],
    ),
]
