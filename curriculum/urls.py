from django.urls import path

from . import views

app_name = "curriculum"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("curricula/<slug:slug>/", views.curriculum_detail, name="detail"),
    path("curricula/<slug:slug>/<slug:module_slug>/", views.module_detail, name="module"),
]
