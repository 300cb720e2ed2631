"""Django admin for accounts: a fallback for superusers. Day-to-day work uses the app's pages,
whose services check scope and escalation; the admin does not, hence superusers only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Role, RoleGrant, User


class SuperuserOnlyMixin:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    raw_id_fields = ["role", "organization", "granted_by"]


@admin.register(User)
class UserAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    # Passwords are set through the app (reset password), never typed into the admin.
    list_display = [
        "username",
        "display_name",
        "mobile",
        "person",
        "is_active",
        "must_change_password",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "must_change_password"]
    list_select_related = ["person"]
    search_fields = ["username", "mobile", "display_name", "person__name"]
    ordering = ["username"]
    raw_id_fields = ["person"]
    inlines = [RoleGrantInline]
    fieldsets = [
        (None, {"fields": ["username"]}),
        (_("个人信息"), {"fields": ["display_name", "mobile", "email", "person"]}),
        (_("状态"), {"fields": ["is_active", "must_change_password", "is_staff", "is_superuser"]}),
        (_("时间"), {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def has_add_permission(self, request, *args):
        return False


@admin.register(Role)
class RoleAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_builtin", "description"]
    search_fields = ["name", "slug"]
    readonly_fields = ["is_builtin"]


@admin.register(RoleGrant)
class RoleGrantAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "role", "organization", "granted_by", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__mobile", "organization__name"]
    raw_id_fields = ["user", "organization", "granted_by"]
    list_select_related = [
        "user",
        "user__person",
        "role",
        "organization",
        "granted_by",
        "granted_by__person",
    ]
