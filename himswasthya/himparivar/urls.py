from django.urls import path

from himswasthya.himparivar import citizen_views, register_views, views

app_name = "himparivar"
urlpatterns = [
    path("", views.search_view, name="search"),
    # Register import and sync (register_views.py); before the family page, whose id would swallow them.
    path("import/", register_views.import_view, name="import"),
    path("import/<int:run_id>/errors.csv", register_views.import_errors_view, name="import_errors"),
    path("sync/", register_views.sync_view, name="sync"),
    path("mine/", citizen_views.my_family, name="mine"),  # before <family_id>: "mine" is not an id
    path("<str:family_id>/", views.family_view, name="family"),
]
