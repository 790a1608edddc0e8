"""The project's URLs. Person and case ids in URLs are opaque (rbl.web.opaque)."""

from django.urls import include, path, register_converter

from rbl.web.opaque import CaseIdConverter, PersonIdConverter

register_converter(PersonIdConverter, "person")
register_converter(CaseIdConverter, "case")

urlpatterns = [
    path("", include("rbl.web.urls")),
    path("", include("rbl.accounts.urls")),
    path("", include("rbl.cases.urls")),
    path("api/v1/", include("rbl.api.urls")),
    path("financien/", include("rbl.finance.urls")),
    path("tijd/", include("rbl.timekeeping.urls")),
    path("brieven/", include("rbl.letters.urls")),
    path("cijfers/", include("rbl.reporting.urls")),
    path("bewaartermijnen/", include("rbl.audit.urls")),
    path("handhaving/", include("rbl.cases.handhaving_urls")),
    path("werkverdeling/", include("rbl.cases.werkverdeling_urls")),
    path("samenwerking/", include("rbl.governance.urls")),
    path("brp/", include("rbl.brp.urls")),
    path("bezwaren/", include("rbl.objections.urls")),
    path("inrichting/rmc-leeftijd/", include("rbl.law.urls")),
    path("inrichting/", include("rbl.organisation.urls")),
    path("keten/", include("rbl.chain.urls")),
]

handler404 = "rbl.web.views.errors.not_found"
handler500 = "rbl.web.views.errors.server_error"
handler403 = "rbl.web.views.errors.permission_denied"
