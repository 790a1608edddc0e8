from django.urls import path

from rbl.letters import views

app_name = "letters"

urlpatterns = [
    path("", views.letters_home, name="home"),
    path("maken/", views.start_batch_view, name="start-batch"),
    path("opdrachten/<int:batch_id>/", views.batch_page, name="batch"),
    path("opdrachten/<int:batch_id>/status/", views.batch_status, name="batch-status"),
    path("opdrachten/<int:batch_id>/brieven.pdf", views.batch_pdf, name="batch-pdf"),
    path("opdrachten/<int:batch_id>/adressen.csv", views.batch_addresses, name="batch-addresses"),
    path("signalen/<int:signal_id>/antwoord/", views.signal_answer, name="signal-answer"),
    path("documenten/<int:document_id>/", views.document_download, name="document"),
    path("zaken/<case:case_id>/brief/", views.case_make_letter, name="case-letter"),
    path("zaken/<case:case_id>/document/", views.case_upload, name="case-upload"),
    path("sjablonen/", views.template_list, name="templates"),
    path("sjablonen/<str:kind>/", views.template_edit, name="template"),
    path("sjablonen/<str:kind>/voorbeeld.pdf", views.template_preview, name="template-preview"),
]
