from django.urls import path

from . import views

app_name = "workshops"
urlpatterns = [
    path("partners/", views.partner_map, name="partner-map"),
    path("resources/", views.resource_list, name="resources"),
    path("resources/add/", views.resource_add, name="resource-add"),
    path("resources/<int:pk>/download/", views.resource_download, name="resource-download"),
    path("workshops/", views.workshop_list, name="list"),
    path("workshops/new/", views.workshop_edit, name="create"),
    path("workshops/<int:pk>/", views.workshop_edit, name="edit"),
    path("workshops/import/", views.workshop_import, name="import"),
    path("workshops/import/template.csv", views.import_template, name="import-template"),
    path("workshops/people/", views.people, name="people"),
    path("workshops/people/<slug:partner_slug>/export.json", views.people_export, name="people-export"),
    path("workshops/people/<slug:partner_slug>/delete/", views.people_delete, name="people-delete"),
    path("workshops/people/person/<int:pk>/<slug:action>/", views.person_action, name="person"),
    path("reach/", views.reach, name="reach"),
    path("reach/<slug:dimension>.csv", views.reach_csv, name="reach-csv"),
    path("review/", views.review, name="review"),
    path("review/request/", views.review_create, name="review-request"),
    path("review/<uuid:job_id>/download/", views.review_download, name="review-download"),
]
