"""Signals triage sends to the apps above it, which it may not import (dispatch holds calls).

The receiving app connects its receivers in its AppConfig.ready (dispatch/apps.py).
"""

from django.dispatch import Signal

# Sent by the what-if replay of a draft rule set (ruleset_selectors.ruleset_what_if) for the
# stored calls received at or after `since`. A receiver returns them as an iterable of
# (call id, call type code, answers, received_at, stored route, stored rule-set version),
# newest first; with no receiver there is nothing to replay.
replay_calls_requested = Signal()
