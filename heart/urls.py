from django.contrib import admin
from django.urls import include, path

from access import views as access_views
from dashboards import views as dashboards_views
from heart import views

urlpatterns = [
    path("", dashboards_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico before they read the page's icon link.
    path("favicon.ico", views.favicon, name="favicon"),
    path("audit/", access_views.audit_log, name="audit_log"),
    path("dashboards/", include("dashboards.urls")),
    path("accounts/", access_views.account, name="account"),
    path("accounts/token/revoke/", access_views.account_token_revoke, name="account_token_revoke"),
    path("accounts/login/", access_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", access_views.LogoutView.as_view(), name="logout"),
    path("dispatch/", include("dispatch.urls")),
    path("care/", include("care_navigation.urls")),
    path("partners/", include("interop.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("heart.api_urls")),
    path("triage/", include("triage.urls", namespace="triage")),
]
