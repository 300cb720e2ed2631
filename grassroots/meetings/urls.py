"""Organizational life: meetings, attendance and minutes, compliance, activities, pairings."""

urlpatterns: list = []
app_name = "meetings"
