from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token

from heart import api

docs_view = SpectacularSwaggerSplitView.as_view(
    url_name="api-schema", template_name="heart/swagger_ui.html"
)

urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("me/", api.me, name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs_view, name="api-docs"),
]
