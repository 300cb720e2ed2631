from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from grassroots.api import api

urlpatterns = [
    path("", include("grassroots.core.urls")),
    path("accounts/", include("grassroots.accounts.urls")),
    path("orgs/", include("grassroots.orgs.urls")),
    path("notifications/", include("grassroots.notifications.urls")),
    path("study/", include("grassroots.study.urls")),
    path("quizzes/", include("grassroots.quizzes.urls")),
    path("meetings/", include("grassroots.meetings.urls")),
    path("evaluations/", include("grassroots.evaluations.urls")),
    path("cadres/", include("grassroots.cadres.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
