"""The API object: authentication, error answers in the user's language, routers, local docs."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationError
from ninja.renderers import JSONRenderer

from grassroots.quizzes import api as quizzes
from grassroots.study import api as study_sessions
from grassroots.study import api_library as study_library

from . import me, organizations, people
from .auth import TokenAuthError, session_auth, token_auth


class ReadableJSONRenderer(JSONRenderer):
    # Chinese names as UTF-8 rather than \u escapes: readable in a terminal, and shorter.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Grassroots API",
    version="1",
    description="基层党建工作平台接口。认证：请求头 `Authorization: Bearer <访问令牌>`，"
    "或浏览器中已登录的会话。数据范围与网页相同。",
    urls_namespace="api",
    auth=[token_auth, session_auth],
    renderer=ReadableJSONRenderer(),
    # Swagger UI from ninja's own static files (ninja is in INSTALLED_APPS): no CDN. Its
    # validator badge would call validator.swagger.io; intranet deployments have no internet.
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    if isinstance(exc, TokenAuthError):
        message = exc.message
    else:
        message = _("请先登录，或在请求头中提供访问令牌：Authorization: Bearer <令牌>。")
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("未找到，或不在您的权限范围内。")}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": _("您没有权限执行此操作。")}, status=403)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    fields = []
    for error in exc.errors:
        name = ".".join(str(part) for part in error.get("loc", ())[1:]) or str(error.get("loc", ""))
        if name not in fields:
            fields.append(name)
    detail = _("请求参数有误：%(fields)s。") % {"fields": ", ".join(fields)}
    return api.create_response(request, {"detail": detail, "errors": exc.errors}, status=422)


api.add_router("", organizations.router)
api.add_router("", people.router)
api.add_router("", me.router)

# Routers of the domain apps: each app keeps its endpoints beside its selectors.
api.add_router("", study_sessions.router)
api.add_router("", study_library.router)
api.add_router("", quizzes.router)
