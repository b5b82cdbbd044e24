from django.contrib import admin

from people.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ["name", "date_of_birth", "phone", "created_at"]
    search_fields = ["name", "phone"]
