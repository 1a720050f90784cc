from django.urls import path

from . import suggestion_views, workspace

app_name = "workspace"
edition = "<slug:curriculum_slug>/<slug:partner_slug>/"
urlpatterns = [
    path("", workspace.workspace_index, name="index"),
    path("core/<slug:curriculum_slug>/<slug:module_slug>/publish/", workspace.core_module_publish, name="core-publish"),
    # Before the edition's routes: "core/suggestions/<pk>/" has the shape of a module's workspace.
    path("core/suggestions/", suggestion_views.suggestion_list, name="suggestions"),
    path("core/suggestions/<int:pk>/", suggestion_views.suggestion_detail, name="suggestion"),
    path("core/suggestions/<int:pk>/<str:decision>/", suggestion_views.suggestion_decide, name="suggestion-decide"),
    path("organisations/<slug:partner_slug>/location/", workspace.partner_location, name="partner-location"),
    path(edition, workspace.edition_overview, name="edition"),
    path(edition + "publish/", workspace.edition_publish_view, name="publish"),
    path(edition + "privacy/", workspace.edition_privacy, name="privacy"),
    path(edition + "<slug:module_slug>/", workspace.module_workspace, name="module"),
    path(edition + "<slug:module_slug>/blocks/<slug:block_key>/own-text/", workspace.block_override, name="override"),
    # Before the block actions, whose <action> would take "suggest".
    path(
        edition + "<slug:module_slug>/blocks/<slug:block_key>/suggest/",
        suggestion_views.suggestion_new,
        name="suggest",
    ),
    path(
        edition + "<slug:module_slug>/blocks/<slug:block_key>/<str:action>/",
        workspace.block_action,
        name="block-action",
    ),
    path(edition + "<slug:module_slug>/local/new/", workspace.local_block_form, name="local-new"),
    path(edition + "<slug:module_slug>/local/<slug:key>/", workspace.local_block_form, name="local-edit"),
    path(
        edition + "<slug:module_slug>/local/<slug:key>/<str:action>/",
        workspace.local_block_action,
        name="local-action",
    ),
]
