"""Read-only back-office views of calls, suppliers and bids for site administrators.

Changes go through the pages and services (audit, notices), never here. A bid shows its state and
dates; its price and proposal only once opened (before, they do not exist in clear anywhere), and
never the sealed bytes."""

from __future__ import annotations

from django.contrib import admin

from ouvert.core import permissions

from .models import Bid, Call, Supplier


class ReadOnlyForSiteAdmins(admin.ModelAdmin):
    def has_module_permission(self, request):
        return permissions.is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_site_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyForSiteAdmins):
    list_display = ["title", "organization", "state", "amount", "bid_deadline", "opened_at"]
    list_filter = ["state"]
    search_fields = ["title"]
    exclude = ["public_key"]


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyForSiteAdmins):
    list_display = ["name", "neq", "size", "region"]
    search_fields = ["name", "neq"]


@admin.register(Bid)
class BidAdmin(ReadOnlyForSiteAdmins):
    list_display = ["call", "supplier", "state", "submitted_at", "versions", "price"]
    list_filter = ["state"]
    exclude = ["sealed"]
