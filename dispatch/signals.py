"""Signals dispatch sends to the apps above it, which it may not import (care navigation).

The receiving app connects its receivers in its AppConfig.ready (care_navigation/apps.py).
"""

from django.dispatch import Signal

# Sent inside the transaction of call_clear, ccd_resolve and call_record_closed when a call ends
# with a referral to care navigation, consented or declined. Arguments: call, by, needs,
# consent, person_name, date_of_birth, phone, request, at (None = now; the time of work
# recorded after the fact). Sent with send(), not send_robust(): an error in a receiver
# rolls the clearing back, so a call never shows cleared with its referral lost.
referral_made = Signal()

# Sent by the intake page's side panel with the ids of the people whose prior calls it shows
# (person_ids, a list). Each receiver returns a dict of template context to add: care
# navigation says which of them have an open case (open_cases, {person id: navigator}) and
# which are familiar neighbors (familiar, a set of ids).
people_shown = Signal()

# Sent by the pages that show calls to the people who work them (the CCD queue, the call page,
# the responder's view) with the viewer (user) and the people the calls are about
# (person_ids, a list). Each receiver returns a dict of template context to add: care
# navigation says whose safety plan this viewer may read (safety_plans, {person id: the
# current version's summary}); nothing of a plan's text leaves care navigation this way.
people_shown_to = Signal()

# Sent inside the transaction of each service that moves a call on, so that a partner agency
# hears back exactly when the change commits (interop, docs/interop.md). Arguments: call_id,
# event (one of CALL_EVENTS), at (when it happened), unit_id (None when no unit is concerned).
# Sent with send(): a receiver's error rolls the change back, so no change goes unannounced.
call_changed = Signal()
CALL_EVENTS = ("assigned", "on_scene", "cleared", "fallen_back", "transferred")
