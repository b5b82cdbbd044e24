from django.urls import path

from triage import views

app_name = "triage"

urlpatterns = [
    path("rulesets/", views.rulesets, name="rulesets"),
    path("rulesets/new/", views.ruleset_create, name="ruleset_create"),
    path("rulesets/<int:version>/", views.ruleset_page, name="ruleset"),
    path("rulesets/<int:version>/rules/edit/", views.rule_edit, name="rule_edit"),
    path("rulesets/<int:version>/rules/add/", views.rule_add, name="rule_add"),
    path("rulesets/<int:version>/rules/move/", views.rule_move, name="rule_move"),
    path("rulesets/<int:version>/rules/delete/", views.rule_delete, name="rule_delete"),
    path("rulesets/<int:version>/publish/", views.ruleset_publish, name="ruleset_publish"),
]
