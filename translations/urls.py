from django.urls import path

from . import views

app_name = "translations"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("<slug:slug>/", views.matrix, name="matrix"),
    path("<slug:slug>/<str:language>/file.<str:file_format>", views.exchange_download, name="download"),
    path("<slug:slug>/<str:language>/upload/", views.exchange_upload, name="upload"),
    path("<slug:slug>/<str:language>/review/", views.review, name="review"),
    path("<slug:slug>/<str:language>/", views.editor, name="curriculum_editor"),
    # Modules under their own segment: a module slug can never shadow "upload/".
    path("<slug:slug>/<str:language>/modules/<slug:module_slug>/", views.editor, name="editor"),
]
