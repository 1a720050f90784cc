from django.urls import path

from . import views

app_name = "downloads"
edition = "editions/<slug:curriculum_slug>/<slug:edition_slug>/<str:language>/"
urlpatterns = [
    path("downloads/", views.centre, name="centre"),
    path(edition, views.edition_page, name="edition"),
    path(edition + "manual.pdf", views.edition_manual, name="manual"),
    path(edition + "offline.zip", views.edition_offline, name="offline"),
    path(edition + "whats-new/", views.whats_new, name="whats-new"),
    path(edition + "subscribe/", views.subscribe, name="subscribe"),
    path("subscriptions/<str:token>/confirm/", views.confirm, name="confirm"),
    path("subscriptions/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
