"""Pages of 组织生活合规 (compliance per period) and its rules."""

from django.urls import path

from .views import compliance as views

urlpatterns = [
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/meetings/", views.compliance_drill, name="compliance_drill"),
    path("compliance/export/", views.compliance_export, name="compliance_export"),
    path("compliance/rules/", views.rules, name="rules"),
    path("compliance/rules/new/", views.rule_create, name="rule_create"),
    path("compliance/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("compliance/rules/<int:pk>/active/", views.rule_toggle, name="rule_toggle"),
]
