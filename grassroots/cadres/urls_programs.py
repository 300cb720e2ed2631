"""Programs before placement: the officers' pages (list, program, posts, groups, trainings,
applications, matching) and the call as people see it (calls, apply, recommend, my
applications)."""

from django.urls import path

from .views import applications, programs

urlpatterns = [
    path("programs/", programs.program_list, name="program_list"),
    path("programs/new/", programs.program_create, name="program_create"),
    path("programs/<int:pk>/", programs.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", programs.program_edit, name="program_edit"),
    path("programs/<int:pk>/publish/", programs.program_publish, name="program_publish"),
    path("programs/<int:pk>/close-call/", programs.program_close_call, name="program_close_call"),
    path("programs/<int:pk>/finish/", programs.program_finish, name="program_finish"),
    path("programs/<int:pk>/posts/new/", programs.post_create, name="post_create"),
    path("posts/<int:pk>/edit/", programs.post_edit, name="post_edit"),
    path("posts/<int:pk>/delete/", programs.post_delete, name="post_delete"),
    path("programs/<int:pk>/groups/new/", programs.group_create, name="group_create"),
    path("groups/<int:pk>/edit/", programs.group_edit, name="group_edit"),
    path("programs/<int:pk>/trainings/new/", programs.training_add, name="training_add"),
    path("trainings/<int:pk>/remove/", programs.training_remove, name="training_remove"),
    path(
        "programs/<int:pk>/applications/",
        programs.program_applications,
        name="program_applications",
    ),
    path("programs/<int:pk>/matching/", programs.program_matching, name="program_matching"),
    path("programs/<int:pk>/matching/assign/", programs.matching_assign, name="matching_assign"),
    path(
        "programs/<int:pk>/matching/<int:secondment_pk>/unassign/",
        programs.matching_unassign,
        name="matching_unassign",
    ),
    path("calls/", applications.call_list, name="call_list"),
    path("calls/<int:pk>/", applications.call_detail, name="call_detail"),
    path("calls/<int:pk>/apply/", applications.call_apply, name="call_apply"),
    path("calls/<int:pk>/recommend/", applications.call_recommend, name="call_recommend"),
    path("applications/mine/", applications.my_applications, name="my_applications"),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
]
