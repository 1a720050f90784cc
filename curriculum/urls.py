from django.urls import path

from . import views, workspace

app_name = "curriculum"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("curricula/<slug:slug>/", views.curriculum_detail, name="detail"),
    path("curricula/<slug:slug>/<slug:module_slug>/", views.module_detail, name="module"),
    path(
        "curricula/<slug:curriculum_slug>/<slug:module_slug>/versions/",
        workspace.module_versions_compare,
        name="module-versions",
    ),
]
