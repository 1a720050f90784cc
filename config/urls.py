from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from accounts.views import ThrottledLoginView
from curriculum.models import Partner
from downloads.views import partner_logo, robots_txt
from translations.rosetta import LockedTranslationFormView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", robots_txt, name="robots"),
    # Rosetta's save, wrapped with a lock, validation and publishing (see locale/README.md).
    re_path(
        r"^rosetta/files/(?P<po_filter>[\w-]+)/(?P<lang_id>[\w\-_\.@]+)/(?P<idx>\d+)/$",
        LockedTranslationFormView.as_view(),
        name="rosetta-form",
    ),
    path("rosetta/", include("rosetta.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workspace/", include("curriculum.workspace_urls")),
    path("audit/", include("audit.urls")),
    path("exports/", include("exports.urls")),
    path("", include("downloads.urls")),
    path("", include("workshops.urls")),
    path("translations/", include("translations.urls")),
    path("glossary/", include("glossary.urls")),
    path("", include("curriculum.urls")),
)
# Partner logos at the URL their field gives on the disk (MEDIA_URL...), read through the storage on every host.
urlpatterns += [
    path(
        f"{settings.MEDIA_URL.strip('/')}/{Partner.logo.field.upload_to}<str:filename>",
        partner_logo,
        name="partner-logo",
    )
]

handler500 = "config.errors.server_error"
