from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "workshops"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="workshops/login.html", next_page=reverse_lazy("workshops:list")),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("curriculum:catalogue")), name="logout"),
    path("partners/", views.partner_map, name="partner-map"),
    path("resources/", views.resource_list, name="resources"),
    path("resources/add/", views.resource_add, name="resource-add"),
    path("resources/<int:pk>/download/", views.resource_download, name="resource-download"),
    path("workshops/", views.workshop_list, name="list"),
    path("workshops/new/", views.workshop_edit, name="create"),
    path("workshops/<int:pk>/", views.workshop_edit, name="edit"),
    path("workshops/import/", views.workshop_import, name="import"),
    path("workshops/import/template.csv", views.import_template, name="import-template"),
    path("reach/", views.reach, name="reach"),
    path("reach/<slug:dimension>.csv", views.reach_csv, name="reach-csv"),
    path("review/", views.review, name="review"),
    path("review/request/", views.review_create, name="review-request"),
    path("review/<uuid:job_id>/download/", views.review_download, name="review-download"),
]
