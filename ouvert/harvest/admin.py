from django.contrib import admin

from .models import HarvestedObject, HarvestRun, HarvestRunItem, HarvestSource


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url", "schedule", "enabled", "next_run_at"]
    list_filter = ["kind", "schedule", "enabled"]
    search_fields = ["name", "slug", "url"]


class HarvestRunItemInline(admin.TabularInline):
    model = HarvestRunItem
    extra = 0
    can_delete = False
    readonly_fields = ["action", "remote_id", "remote_name", "local_id", "reason"]


@admin.register(HarvestRun)
class HarvestRunAdmin(admin.ModelAdmin):
    list_display = ["source", "status", "created_at", "created", "updated", "deleted", "errors"]
    list_filter = ["status", "source"]
    inlines = [HarvestRunItemInline]
    readonly_fields = [f.name for f in HarvestRun._meta.fields]


@admin.register(HarvestedObject)
class HarvestedObjectAdmin(admin.ModelAdmin):
    list_display = ["source", "remote_name", "local_id", "remote_modified", "updated_at"]
    list_filter = ["source"]
    search_fields = ["remote_id", "remote_name", "local_id"]
