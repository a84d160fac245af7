"""Back-office. Site admins see everything; organization admins and editors see their own
organizations only, and may change them only where they are admins."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import permissions, services
from .admin_tasks import TaskResultAdmin  # noqa: F401 — registers the task queue's page
from .models import ApiToken, AuditEntry, Membership, Organization, Role, User


def _admin_site_has_permission(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_authenticated):
        return False
    return user.is_staff or user.memberships.filter(role__in=[Role.ADMIN, Role.EDITOR]).exists()


admin.site.has_permission = _admin_site_has_permission  # type: ignore[method-assign]  # one rule for the whole admin site
admin.site.site_header = _("Ouvert — administration")
admin.site.site_title = "Ouvert"


class OrgScopedAdmin(admin.ModelAdmin):
    """Limits rows to the organizations the user belongs to (site admins: all)."""

    org_field = "organization"

    def _orgs(self, request):
        return Organization.objects.filter(memberships__user=request.user,
                                           memberships__role__in=[Role.ADMIN, Role.EDITOR])

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if permissions.is_site_admin(request.user):
            return qs
        lookup = "pk__in" if self.org_field == "self" else f"{self.org_field}__in"
        return qs.filter(**{lookup: self._orgs(request)})

    def has_module_permission(self, request):
        return _admin_site_has_permission(request)

    def has_view_permission(self, request, obj=None):
        return _admin_site_has_permission(request)

    def _org_of(self, obj):
        return obj if self.org_field == "self" else getattr(obj, self.org_field)

    def has_change_permission(self, request, obj=None):
        if permissions.is_site_admin(request.user):
            return True
        if obj is None:
            return request.user.memberships.filter(role=Role.ADMIN).exists()
        return permissions.can_manage_organization(request.user, self._org_of(obj))

    def has_add_permission(self, request):
        return permissions.is_site_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_site_admin(request.user)


@admin.register(Organization)
class OrganizationAdmin(OrgScopedAdmin):
    org_field = "self"
    list_display = ["name_fr", "acronym", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name_fr", "name_en", "acronym", "slug"]
    prepopulated_fields = {"slug": ("name_fr",)}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        """Writes go through the services, so the audit log sees back-office changes too."""
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.ORGANIZATION_FIELDS}
        if change:
            fresh = Organization.objects.get(pk=obj.pk)
            services.organization_update(organization=fresh, by=request.user, **data)
        else:
            data = {name: form.cleaned_data.get(name) for name in services.ORGANIZATION_FIELDS
                    if form.cleaned_data.get(name) not in (None, "")}
            created = services.organization_create(by=request.user, **data)
            obj.pk = created.pk


@admin.register(Membership)
class MembershipAdmin(OrgScopedAdmin):
    list_display = ["user", "organization", "role", "is_open_gov_contact"]
    list_filter = ["role", "is_open_gov_contact", "organization__kind"]
    search_fields = ["user__email", "organization__name_fr"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        membership = services.membership_set(
            organization=obj.organization, by=request.user, email=obj.user.email, role=obj.role,
            is_open_gov_contact=obj.is_open_gov_contact)
        obj.pk = membership.pk

    def delete_model(self, request, obj):
        services.membership_remove(membership=obj, by=request.user)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_superuser", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profil"), {"fields": ("full_name", "preferred_language")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ["is_superuser", "is_active"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["name", "user__email", "prefix"]


@admin.register(AuditEntry)
class AuditEntryAdmin(OrgScopedAdmin):
    list_display = ["created_at", "actor_label", "action", "object_label", "organization"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_label", "action"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False
