"""The project's URLs plus the baseline views; used only with ``bench.settings``."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/bare/", views.bare, name="bench-bare"),
    path("bench/raw-insert/", views.raw_insert, name="bench-raw-insert"),
    path("bench/raw-call-create/", views.raw_call_create, name="bench-raw-call-create"),
    path("", include("heart.urls")),
]
