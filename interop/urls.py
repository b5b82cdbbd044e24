from django.urls import path

from interop import views

app_name = "interop"

urlpatterns = [
    path("deliveries/", views.deliveries, name="deliveries"),
]
