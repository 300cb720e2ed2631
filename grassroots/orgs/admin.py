from django.contrib import admin

from .models import Membership, Organization, OrganizationKind, Person, Position


@admin.register(OrganizationKind)
class OrganizationKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "is_party_branch", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    # Tree changes go through the pages (services keep paths and permissions right); the admin reads.
    list_display = ["name", "code", "kind", "status", "depth"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "short_name", "code"]
    readonly_fields = ["path", "depth", "numchild"]
    raw_id_fields = ["secretary", "merged_into"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["organization"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    raw_id_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "gender", "political_status", "primary_org", "status"]
    list_filter = ["status", "political_status", "gender"]
    search_fields = ["name", "name_initials", "mobile"]
    raw_id_fields = ["primary_org"]
    inlines = [MembershipInline, PositionInline]
    list_select_related = ["primary_org"]

    def has_delete_permission(self, request, obj=None):
        return False
