"""Back-office of the open-access app: site administrators edit the policy versions (as data: a
new policy needs no deploy), the journals of the route finder and the FAQ. Saves of policies and
FAQ entries go through the services, so they are checked and audited."""

from __future__ import annotations

from django.contrib import admin

from ouvert.core import permissions

from . import services
from .models import FaqEntry, Journal, PolicyVersion


class SiteAdminOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return permissions.is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_site_admin(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SiteAdminOnly):
    list_display = ["code", "title_fr", "applies_from", "deadline_months"]
    fields = tuple(services.POLICY_FIELDS)

    def save_model(self, request, obj, form, change):
        services.policy_version_save(policy=obj, by=request.user)


@admin.register(FaqEntry)
class FaqEntryAdmin(SiteAdminOnly):
    list_display = ["question_fr", "position"]
    fields = tuple(services.FAQ_FIELDS)

    def save_model(self, request, obj, form, change):
        services.faq_save(entry=obj, by=request.user)


@admin.register(Journal)
class JournalAdmin(SiteAdminOnly):
    list_display = ["title", "issn", "kind", "licence"]
    search_fields = ["title", "issn"]
