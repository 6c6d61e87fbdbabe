"""What links needs done by the layer above it.

Reassessing a candidate belongs to the candidates layer, which connects a receiver in its
AppConfig.ready; links sends the ids and never imports it.
"""

from django.dispatch import Signal

# Sent with candidate_ids (list of UUID), trigger ("link") and low_priority (holders of a crowded
# value: may wait for a sweep), inside the transaction that found them; the receiver requests
# their reassessment and returns how many it requested.
reassess_requested = Signal()
