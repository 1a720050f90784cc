from django.urls import path

from . import views

app_name = "translations"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("<slug:slug>/", views.matrix, name="matrix"),
    path("<slug:slug>/<str:language>/", views.editor, name="curriculum_editor"),
    path("<slug:slug>/<str:language>/<slug:module_slug>/", views.editor, name="editor"),
]
