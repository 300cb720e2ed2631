"""The pages of a campaign's setup: the list, creating and editing, the campaign's page and its
actions, and the printable sheet of its codes."""

from django.urls import path

from .views import campaigns as views

urlpatterns: list = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("<int:pk>/cancel/", views.campaign_cancel, name="campaign_cancel"),
    path("<int:pk>/subjects/add/", views.subject_add, name="subject_add"),
    path("<int:pk>/subjects/<int:part_pk>/remove/", views.subject_remove, name="subject_remove"),
    path("<int:pk>/dimensions/add/", views.dimension_add, name="dimension_add"),
    path("<int:pk>/dimensions/<int:part_pk>/edit/", views.dimension_edit, name="dimension_edit"),
    path(
        "<int:pk>/dimensions/<int:part_pk>/remove/",
        views.dimension_remove,
        name="dimension_remove",
    ),
    path("<int:pk>/levels/<int:part_pk>/edit/", views.level_edit, name="level_edit"),
    path("<int:pk>/groups/add/", views.group_add, name="group_add"),
    path("<int:pk>/groups/<int:part_pk>/edit/", views.group_edit, name="group_edit"),
    path("<int:pk>/groups/<int:part_pk>/remove/", views.group_remove, name="group_remove"),
    path("<int:pk>/raters/add/", views.rater_add, name="rater_add"),
    path("<int:pk>/raters/<int:part_pk>/remove/", views.rater_remove, name="rater_remove"),
    path("<int:pk>/tokens/issue/", views.token_issue, name="token_issue"),
    path("<int:pk>/tokens/<int:part_pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("<int:pk>/tokens/sheet/", views.token_sheet, name="token_sheet"),
]
