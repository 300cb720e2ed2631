"""Leave (请销假): the secondment's tab, a request's actions, the approver's inbox and a
program's approval rules."""

from django.urls import path

from .views import leave as views

urlpatterns = [
    path("secondments/<int:pk>/leave/", views.secondment_leave, name="secondment_leave"),
    path("leave/inbox/", views.leave_inbox, name="leave_inbox"),
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("leave/<int:pk>/cancel/", views.leave_cancel, name="leave_cancel"),
    path("leave/<int:pk>/return/", views.leave_return, name="leave_return"),
    path("leave/<int:pk>/attachment/", views.leave_attachment, name="leave_attachment"),
    path("programs/<int:pk>/leave-rules/", views.leave_rules, name="leave_rules"),
    path("programs/<int:pk>/leave-rules/new/", views.leave_rule_create, name="leave_rule_create"),
    path(
        "programs/<int:pk>/leave-rules/defaults/", views.leave_rules_copy, name="leave_rules_copy"
    ),
    path("programs/<int:pk>/leave-rules/reset/", views.leave_rules_reset, name="leave_rules_reset"),
    path(
        "programs/<int:pk>/leave-rules/<int:rule_pk>/edit/",
        views.leave_rule_edit,
        name="leave_rule_edit",
    ),
    path(
        "programs/<int:pk>/leave-rules/<int:rule_pk>/delete/",
        views.leave_rule_delete,
        name="leave_rule_delete",
    ),
]
