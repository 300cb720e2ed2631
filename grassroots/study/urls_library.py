"""The materials library and reflections."""

from django.urls import path

from .views import library, reflections

urlpatterns = [
    path("library/", library.material_list, name="material_list"),
    path("library/new/", library.material_create, name="material_create"),
    path("library/<int:pk>/", library.material_detail, name="material_detail"),
    path("library/<int:pk>/edit/", library.material_edit, name="material_edit"),
    path("library/<int:pk>/delete/", library.material_delete, name="material_delete"),
    path("library/<int:pk>/download/", library.material_download, name="material_download"),
    path("reflections/", reflections.my_reflections, name="my_reflections"),
    path("reflections/new/", reflections.reflection_create, name="reflection_create"),
    path("reflections/review/", reflections.reflection_queue, name="reflection_queue"),
    path("reflections/excellent/", reflections.reflection_excellent, name="reflection_excellent"),
    path("reflections/<int:pk>/", reflections.reflection_detail, name="reflection_detail"),
    path("reflections/<int:pk>/edit/", reflections.reflection_edit, name="reflection_edit"),
    path("reflections/<int:pk>/review/", reflections.reflection_review, name="reflection_review"),
    path("reflections/<int:pk>/share/", reflections.reflection_share, name="reflection_share"),
]
