from django.urls import include, path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("switch/", views.switch_organization, name="switch"),
    path("tree/search/", views.tree_search, name="tree_search"),
    path("tree/<int:pk>/children/", views.tree_children, name="tree_children"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:parent_pk>/new/", views.organization_create, name="create"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/move/", views.organization_move, name="move"),
    path("<int:pk>/merge/", views.organization_merge, name="merge"),
    path("<int:pk>/dissolve/", views.organization_dissolve, name="dissolve"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/transfer/", views.person_transfer, name="person_transfer"),
    path("people/<int:pk>/status/", views.person_status, name="person_status"),
    path("people/<int:pk>/positions/new/", views.position_add, name="position_add"),
    path(
        "people/<int:pk>/positions/<int:position_pk>/end/", views.position_end, name="position_end"
    ),
    path("people/roster/", include("grassroots.orgs.roster.urls")),
]
