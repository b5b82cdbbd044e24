"""Included at /dashboards/ without a namespace: `dashboards` reverses to the main page, the
name the navigation links to."""

from django.urls import path

from dashboards import views

urlpatterns = [
    path("", views.dashboard, name="dashboards"),
    path("export/<slug:table>.csv", views.export, name="dashboards_export"),
    path("calls/", views.calls, name="dashboards_calls"),
    path("calls.csv", views.calls_csv, name="dashboards_calls_csv"),
    path("calls-gpl.csv", views.gpl_csv, name="dashboards_gpl_csv"),
    path("cases/", views.cases, name="dashboards_cases"),
    path("cases.csv", views.cases_csv, name="dashboards_cases_csv"),
    path("staffing/", views.staffing_page, name="dashboards_staffing"),
    path("staffing.csv", views.staffing_csv, name="dashboards_staffing_csv"),
]
