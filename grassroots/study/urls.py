from .urls_library import urlpatterns as library_urls
from .urls_sessions import urlpatterns as session_urls

app_name = "study"
urlpatterns = [*session_urls, *library_urls]
