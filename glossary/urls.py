from django.urls import path

from . import views

app_name = "glossary"
urlpatterns = [
    path("", views.glossary_list, name="list"),
    path("terms/new/", views.term_create, name="term-new"),
    path("terms/<int:pk>/", views.term_edit, name="term-edit"),
    path("terms/<int:pk>/remove/", views.term_remove, name="term-remove"),
    path("partners/<slug:partner_slug>/terms/<int:pk>/", views.partner_renderings, name="partner-renderings"),
    path("glossary.<str:file_format>", views.glossary_export, name="export"),
    path("import/", views.glossary_import_network, name="import"),
    path("partners/<slug:partner_slug>/import/", views.glossary_import_partner, name="partner-import"),
]
