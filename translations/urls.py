from django.urls import path

from . import views

app_name = "translations"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    # A partner edition's own text: before the core's routes, which would read "editions" as a language.
    path("<slug:slug>/editions/<slug:partner_slug>/", views.edition_matrix, name="edition_matrix"),
    path(
        "<slug:slug>/editions/<slug:partner_slug>/<str:language>/file.<str:file_format>",
        views.exchange_download,
        name="edition_download",
    ),
    path(
        "<slug:slug>/editions/<slug:partner_slug>/<str:language>/upload/",
        views.exchange_upload,
        name="edition_upload",
    ),
    path("<slug:slug>/editions/<slug:partner_slug>/<str:language>/review/", views.review, name="edition_review"),
    path(
        "<slug:slug>/editions/<slug:partner_slug>/<str:language>/modules/<slug:module_slug>/",
        views.editor,
        name="edition_editor",
    ),
    path("<slug:slug>/", views.matrix, name="matrix"),
    path("<slug:slug>/<str:language>/file.<str:file_format>", views.exchange_download, name="download"),
    path("<slug:slug>/<str:language>/upload/", views.exchange_upload, name="upload"),
    path("<slug:slug>/<str:language>/review/", views.review, name="review"),
    path("<slug:slug>/<str:language>/", views.editor, name="curriculum_editor"),
    # Modules under their own segment: a module slug can never shadow "upload/".
    path("<slug:slug>/<str:language>/modules/<slug:module_slug>/", views.editor, name="editor"),
]
