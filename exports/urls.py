from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("request/", views.request_export, name="request"),
    path("<uuid:job_id>/", views.job_detail, name="job"),
    path("<uuid:job_id>/status/", views.job_status, name="status"),
    path("<uuid:job_id>/download/", views.job_download, name="download"),
]
