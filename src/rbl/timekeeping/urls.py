from django.urls import path

from rbl.timekeeping import views

app_name = "timekeeping"

urlpatterns = [
    path("", views.entries_page, name="entries"),
    path("overzicht/", views.overview_page, name="overview"),
    path("<int:entry_id>/verwijderen/", views.delete_entry, name="entry-delete"),
    path("producten/", views.products_page, name="products"),
    path("producten/<int:pk>/", views.product_edit, name="product-edit"),
]
