from django.urls import path

from . import workspace

app_name = "workspace"
edition = "<slug:curriculum_slug>/<slug:partner_slug>/"
urlpatterns = [
    path("", workspace.workspace_index, name="index"),
    path("core/<slug:curriculum_slug>/<slug:module_slug>/publish/", workspace.core_module_publish, name="core-publish"),
    path("organisations/<slug:partner_slug>/location/", workspace.partner_location, name="partner-location"),
    path(edition, workspace.edition_overview, name="edition"),
    path(edition + "publish/", workspace.edition_publish_view, name="publish"),
    path(edition + "privacy/", workspace.edition_privacy, name="privacy"),
    path(edition + "<slug:module_slug>/", workspace.module_workspace, name="module"),
    path(edition + "<slug:module_slug>/blocks/<slug:block_key>/own-text/", workspace.block_override, name="override"),
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
