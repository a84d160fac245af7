"""Back-office for the catalogue's editorial content: site administrators write tutorials (Markdown)
and hackathons here. Saves go through the services, so the audit log records them."""

from __future__ import annotations

from django.contrib import admin

from ouvert.core import permissions

from . import learning
from .models import Hackathon, Tutorial


class SiteAdminOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return permissions.is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_site_admin(request.user)

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return permissions.is_site_admin(request.user)


@admin.register(Tutorial)
class TutorialAdmin(SiteAdminOnly):
    list_display = ["title", "track", "position", "updated_at"]
    list_filter = ["track"]
    search_fields = ["title", "summary", "body"]
    fields = ["slug", "title", "track", "summary", "body", "position"]
    prepopulated_fields = {"slug": ("title",)}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = learning.tutorial_save(by=request.user, slug=data["slug"], title=data["title"], track=data["track"],
                                       summary=data["summary"], body=data["body"], position=data["position"] or 0)
        obj.pk = saved.pk


@admin.register(Hackathon)
class HackathonAdmin(SiteAdminOnly):
    list_display = ["title", "theme", "starts_on", "ends_on"]
    search_fields = ["title", "theme"]
    filter_horizontal = ["datasets"]
