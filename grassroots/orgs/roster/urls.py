from django.urls import path

from . import views

urlpatterns = [
    path("template.xlsx", views.template_download, name="roster_template"),
    path("import/", views.import_upload, name="roster_import"),
    path("import/<int:pk>/", views.import_preview, name="roster_preview"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="roster_confirm"),
    path("import/<int:pk>/cancel/", views.import_cancel, name="roster_cancel"),
    path("import/<int:pk>/result/", views.import_result, name="roster_result"),
    path("export.xlsx", views.export_people, name="roster_export"),
]
