from django.urls import path, re_path

from . import views

urlpatterns = [
    path("ocds/releases.json", views.releases_json, name="ocds_releases"),
    path("ocds/records.json", views.records_json, name="ocds_records"),
    re_path(r"^ocds/releases-(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])\.json$", views.month_json, name="ocds_month"),
    re_path(r"^ocds/(?P<ocid>[A-Za-z0-9-]{1,80})\.json$", views.record_json, name="ocds_record"),
]
