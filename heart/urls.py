from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from heart import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico before they read the page's icon link.
    path("favicon.ico", views.favicon, name="favicon"),
    path("audit/", views.audit_log, name="audit_log"),
    path("dashboards/", include("heart.dashboards.urls")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dispatch/", include("dispatch.urls")),
    path("care/", include("care_navigation.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("heart.api_urls")),
    path("triage/", include("triage.urls", namespace="triage")),
]
