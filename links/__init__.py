"""Cross-candidate link detection's state: the link keys every write keeps, the index that answers
"who else holds this value?", the allowlist, and the backlog of holders still to reassess.

Layering: candidates -> links -> checks. The link *checks* (checks/links/) are pure and read
through the `LinkLookup` protocol (checks.base) that `links.index.LinkIndex` implements.
"""
