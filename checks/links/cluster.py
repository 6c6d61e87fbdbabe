"""link.identity_cluster: a bounded breadth-first walk over exact shared values.

The walk starts from the subject's direct links (exact and verified near-duplicates, not IPs),
then follows exact keys (CLUSTER_KINDS) at most `max_depth` hops from the subject, fetching at most
`fanout` holders per value and stopping at `node_cap` members. Cost: at most max_depth - 1
queries on PostgreSQL (a hop's keys, their holders and the allowlist in one), each holder lookup
an index range scan with a LIMIT, whatever the table size.
A cluster that hits the cap is reported as "at least" that size.
"""

from __future__ import annotations

from uuid import UUID

from checks.base import Finding, Related
from checks.links.allowlist import allowlist_pairs
from checks.links.kinds import EXACT_KINDS, LinkKind

# IPs join nobody: a VPN egress or a carrier's NAT is shared by strangers (they still get
# link.ip_shared). A value held by more than `fanout` candidates is common, not an identity.
CLUSTER_KINDS = tuple(k for k in EXACT_KINDS if k != LinkKind.IP)


def cluster_finding(subject_id: UUID, direct: set[UUID], index, params) -> Finding | None:
    members, capped = _walk(subject_id, direct, index, params)
    if len(members) < params.cluster_min_size:
        return None
    others = sorted(members - {subject_id}, key=str)
    size = f"at least {len(members)}" if capped else str(len(members))
    return Finding(
        code="link.identity_cluster",
        message=f"Belongs to a group of {size} candidates joined by shared attributes",
        evidence={"size": len(members), "capped": capped, "max_depth": params.cluster_max_depth},
        related=tuple(Related(cid, "same cluster") for cid in others),
        related_count=len(others),
    )


def _walk(subject_id: UUID, direct: set[UUID], index, params) -> tuple[set[UUID], bool]:
    members = {subject_id} | set(direct)
    frontier = set(direct)
    versioned = allowlist_pairs(params.allowlist)
    for _ in range(params.cluster_max_depth - 1):
        if not frontier or len(members) >= params.cluster_node_cap:
            break
        found = index.holders_of_keys(frontier, CLUSTER_KINDS, limit=params.cluster_fanout)
        frontier = set()
        for pair, (rows, total) in found.items():
            if pair in versioned or total > params.cluster_fanout:
                continue
            for cid, _d in rows:
                if cid not in members:
                    members.add(cid)
                    frontier.add(cid)
    capped = len(members) >= params.cluster_node_cap
    if capped:
        members = set(sorted(members, key=str)[: params.cluster_node_cap]) | {subject_id}
    return members, capped
