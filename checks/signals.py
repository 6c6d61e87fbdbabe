"""What the checks app needs done by the layers above it (they connect in AppConfig.ready)."""

from django.dispatch import Signal

# Sent with `version` after the commit that made a rule set version active: every candidate is
# to be reassessed under it (the candidates layer runs that pass).
ruleset_activated = Signal()
