from django.contrib.auth import views as auth_views
from django.urls import path

from rbl.accounts.views import LoginView
from rbl.web.views import (
    accesslog,
    caseload,
    cases,
    home,
    imports,
    lists,
    meetings,
    persons,
    registers,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("werk/", lists.my_work, name="my-work"),
    path("team/", lists.team, name="team"),
    path("termijnen/", lists.overdue, name="overdue"),
    path("zoeken/", persons.search, name="search"),
    path("personen/<person:person_id>/", persons.person, name="person"),
    path(
        "personen/<person:person_id>/verlof/",
        registers.register_leave_view,
        name="person-leave",
    ),
    path(
        "personen/<person:person_id>/vrijstelling/",
        registers.register_exemption_view,
        name="person-exemption",
    ),
    path("zaken/<case:case_id>/", cases.case_page, name="case"),
    path("zaken/<case:case_id>/verlof/besluit/", cases.leave_decision_view, name="case-leave"),
    path("zaken/<case:case_id>/activiteit/", cases.add_activity_view, name="case-activity"),
    path("zaken/<case:case_id>/route/", cases.choose_route_view, name="case-route"),
    path("zaken/<case:case_id>/ouders/", cases.consent_view, name="case-consent"),
    path("zaken/<case:case_id>/afsluiten/", cases.close_view, name="case-close"),
    path("zaken/<case:case_id>/overdragen/", cases.handover_view, name="case-handover"),
    path("zaken/<case:case_id>/taken/", cases.add_task_view, name="case-task"),
    path(
        "zaken/<case:case_id>/taken/<int:task_id>/afgerond/",
        cases.task_done_view,
        name="case-task-done",
    ),
    path("verlof/", registers.leave_list, name="leave"),
    path("vrijstellingen/", registers.exemption_list, name="exemptions"),
    path("thuiszitters/", meetings.thuiszitters_page, name="thuiszitters"),
    path("importeren/", imports.import_page, name="import"),
    path("importeren/<uuid:job_id>/", imports.import_job, name="import-job"),
    path("importeren/<uuid:job_id>/status/", imports.import_job_status, name="import-status"),
    path("importeren/<uuid:job_id>/bevestigen/", imports.import_job_confirm, name="import-confirm"),
    path(
        "importeren/log/<int:log_id>/fouten.csv",
        imports.import_errors_csv,
        name="import-errors",
    ),
    path("caseload/", caseload.caseload_page, name="caseload"),
    path("toegangslog/", accesslog.access_log, name="access-log"),
]
