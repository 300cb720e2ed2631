"""manage.py demo_logins: print the demo accounts, or how to load them."""

import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from grassroots.orgs.demo import DEMO_PASSWORD, demo_login_rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table whose columns stay aligned with Chinese characters in them."""
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the demo logins (role, username, mobile, password, organization)."

    def handle(self, *args, **options):
        rows = demo_login_rows()
        if not rows:
            self.stdout.write(_("尚未装入演示数据。运行 manage.py demo 生成演示组织、人员和账号。"))
            return
        header = [_("角色"), _("用户名"), _("手机号"), _("密码"), _("授权组织"), _("姓名")]
        table = [
            [
                r["role"],
                r["username"],
                r["mobile"],
                DEMO_PASSWORD if r["password_unchanged"] else _("（已修改）"),
                r["organization"],
                r["name"],
            ]
            for r in rows
        ]
        self.stdout.write(_("演示账号（用户名或手机号均可登录）："))
        self.stdout.write(format_table(header, table))
        if any(r["password_unchanged"] for r in rows):
            self.stdout.write(
                self.style.WARNING(
                    _("这些账号使用公开的演示密码，正式使用前请修改密码或停用这些账号。")
                )
            )
