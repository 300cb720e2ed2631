from django.urls import path

from . import views

urlpatterns = [
    path("template.xlsx", views.template_download, name="roster_template"),
    path("import/", views.import_upload, name="roster_import"),
    path("export.xlsx", views.export_people, name="roster_export"),
]
