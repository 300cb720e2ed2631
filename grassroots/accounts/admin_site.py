"""Django admin, open to system admins only: superusers, or staff holding core.use_admin_site over the whole tree."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class GrassrootsAdminSite(admin.AdminSite):
    site_header = _("基层党建工作平台 · 管理后台")
    site_title = _("管理后台")

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        from .selectors import holds_everywhere

        return holds_everywhere(user, "core.use_admin_site")


class GrassrootsAdminConfig(AdminConfig):
    default_site = "grassroots.accounts.admin_site.GrassrootsAdminSite"
