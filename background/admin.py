from django.contrib import admin

from background.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["id", "task", "created_at", "sent_at", "done_at", "attempts"]
    readonly_fields = [
        "task",
        "payload",
        "created_at",
        "sent_at",
        "done_at",
        "coalesce_key",
        "attempts",
        "last_error",
    ]
