"""The `link` check: values this candidate shares with any other stored candidate.

All lookups go through `ctx.links` (the `LinkLookup` protocol of checks.base) and read the
candidate's own keys as the links layer stored them. Allowlisted values never produce a signal.
Query count per assessment is fixed: the holders of every own value with the allowlist's verdict
(one query; the own keys come with the subject), quads, resume texts, plus the bounded cluster
walk, one query per hop (docs/links.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.base import RELATED_CAP, Check, Code, Context, Finding, Holders, Subject
from checks.evidence import Field
from checks.guidance import (
    DOJ_LAPTOP_FARMS,
    FBI_2023_PROFILES,
    FBI_2024_FACILITATORS,
    FBI_2025_CROSS_CHECK,
    FBI_2025_DOCUMENTS,
    JOINT_2022_LOGINS,
    JOINT_2022_PAYMENT,
    JOINT_2022_SHARED_PAYMENT,
    JOINT_2022_TEMPLATES,
)
from checks.links import images, people
from checks.links.allowlist import allowlist_entry, allowlist_pairs
from checks.links.cluster import cluster_finding
from checks.links.exact import EXACT_CODES, exact_findings
from checks.links.household import household_apply
from checks.links.kinds import BAND_KINDS, LinkKind
from checks.links.near import ids, image_findings, merge, resume_findings
from checks.params import param


class LinkCheck(Check):
    name = "link"
    reads_links = True
    evidence_fields = {
        "values": Field("Shared values"),
        "shared": Field("Shared"),
        "holders": Field("Other holders", "candidates"),
        # Internal or already on the page: the key an admin allowlists (the allowlist form takes
        # the address as typed), and per-candidate scores the related list shows by name.
        "allowlist_key": Field("Allowlist key", hidden=True),
        "bits_apart": Field("Bits apart", hidden=True),
        "portrait_bits_apart": Field("Portrait bits apart", hidden=True),
        "jaccard": Field("Similarity", hidden=True),
        "threshold": Field("Similarity threshold", "share"),
        "size": Field("Cluster size", "candidates"),
        "capped": Field("Walk stopped at its cap"),
        "max_depth": Field("Hops walked at most"),
        "referrer": Field("Referrer"),
        "own": Field("The candidate's own contact"),
    }
    codes = {
        "link.phone_shared": Code(
            "Same phone (normalised E.164) as other candidates", 35, "medium", FBI_2025_CROSS_CHECK
        ),
        "link.email_shared": Code(
            "Same mailbox (case, provider dots and plus-tags removed) as other candidates",
            40,
            "medium",
            FBI_2025_CROSS_CHECK,
        ),
        "link.ip_shared": Code(
            "Session IPs shared with other candidates", 15, "low", JOINT_2022_LOGINS
        ),
        "link.ip_subnet_shared": Code(
            "Session IPs in the same /24 (IPv4) or /64 (IPv6) network "
            "as other candidates' (same building or provider)",
            5,
            "info",
            JOINT_2022_LOGINS,
        ),
        "link.address_shared": Code(
            "Same normalised home or shipping address as other candidates",
            25,
            "low",
            DOJ_LAPTOP_FARMS,
        ),
        "link.payout_shared": Code(
            "Same payout account as other candidates", 70, "high", JOINT_2022_SHARED_PAYMENT
        ),
        "link.document_number_shared": Code(
            "Same identity document number as other candidates",
            80,
            "critical",
            FBI_2024_FACILITATORS,
        ),
        "link.document_image_duplicate": Code(
            "Document image identical or near-identical to another candidate's, or the same "
            "passport page photographed again with other text (same portrait)",
            80,
            "critical",
            FBI_2025_DOCUMENTS,
        ),
        "link.photo_duplicate": Code(
            "Profile photo identical or near-identical to another candidate's",
            70,
            "high",
            FBI_2023_PROFILES,
        ),
        "link.resume_duplicate": Code(
            "Resume text is a near-duplicate of another candidate's",
            35,
            "medium",
            JOINT_2022_TEMPLATES,
        ),
        "link.reference_shared": Code(
            "A reference's phone or email is the candidate's own, another candidate's own "
            "contact, or a linked candidate's reference",
            35,
            "medium",
            FBI_2025_CROSS_CHECK,
        ),
        "link.payout_holder_shared": Code(
            "Paid to the same holder, not the candidate, as other candidates",
            45,
            "high",
            JOINT_2022_PAYMENT,
        ),
        "link.referral_ring": Code(
            "Referred by a candidate linked to this one or assessed high or critical",
            40,
            "high",
            FBI_2025_CROSS_CHECK,
        ),
        "link.resume_metadata_shared": Code(
            "Resume file written or last saved by the same named person as other candidates'",
            30,
            "medium",
            JOINT_2022_TEMPLATES,
        ),
        "link.identity_cluster": Code(
            "Belongs to a group of 3+ candidates joined by shared attributes",
            40,
            "high",
            FBI_2025_CROSS_CHECK,
        ),
    }

    @dataclass(frozen=True)
    class Params:
        allowlist: tuple[str, ...] = param(
            (),
            "Shared values that never link candidates (a corporate VPN egress, an agency's "
            "address), one per line as kind:value, kind one of phone, email, ip, ip_net, "
            "address; normalised on save",
            normalise=allowlist_entry,
        )
        ip_subnet_enabled: bool = param(True, "Raise the weaker 'same /24 or /64' signal")
        photo_max_distance: int = param(
            images.PHOTO_MAX_DISTANCE,
            "Photos this many pHash bits apart (of 256) or fewer are duplicates",
            min=0,
            max=256,
        )
        document_max_distance: int = param(
            images.DOCUMENT_MAX_DISTANCE,
            "Whole-page prefilter for document images (bits of 256)",
            min=0,
            max=256,
        )
        document_quad_max_distance: int = param(
            images.DOCUMENT_QUAD_MAX_DISTANCE,
            "Document images duplicate when each quarter is this close (bits)",
            min=0,
            max=256,
        )
        document_portrait_max_distance: int = param(
            images.DOCUMENT_PORTRAIT_MAX_DISTANCE,
            "Document pages duplicate when their registered portrait zones are this close "
            "(dHash bits of 256): a passport page photographed again",
            min=0,
            max=256,
        )
        band_fetch_limit: int = param(
            200, "Holders read per hash band before verifying", min=1, max=5000
        )
        resume_min_jaccard: float = param(
            0.5, "Resume similarity (3-word shingles, 0-1) that counts as a duplicate", min=0, max=1
        )
        cluster_min_size: int = param(3, "Candidates in a group before it is a cluster", min=2)
        cluster_max_depth: int = param(3, "Hops walked from the candidate", min=1, max=10)
        cluster_node_cap: int = param(100, "Most candidates visited per walk", min=1, max=10000)
        cluster_fanout: int = param(20, "Most neighbours followed per candidate", min=1, max=1000)
        payout_holder_min_others: int = param(
            1, "Other candidates paid to the same third-party holder before it counts", min=1
        )
        resume_author_max_holders: int = param(
            20,
            "A resume author named on more candidates' files than this is a template's, "
            "not a person's",
            min=1,
        )
        household_enabled: bool = param(
            True,
            "Two candidates sharing a home address and its network are a household: their "
            "home, network and a payout account held by one of them do not link them",
        )

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        index = ctx.links
        if index is None:
            return []
        own, exact, bands = self._lookups(subject, params, index)
        by_ip = {
            cid for (k, _v), (rows, _t) in exact.items() if k == LinkKind.IP for cid, _ in rows
        }
        found = exact_findings(own, exact, skip={LinkKind.IP_NET: by_ip})
        near = image_findings(own, bands, index, params)
        near |= resume_findings(own, bands, index, subject.resume_text, params)
        for code, finding in near.items():
            found[code] = merge(found.get(code), finding)
        found |= _people_findings(own, exact, found, params)
        if params.household_enabled:
            found = household_apply(subject, own, exact, found)
        direct = ids(f for code, f in found.items() if code not in _WEAK)
        cluster = cluster_finding(subject.id, direct, index, params)
        if cluster is not None:
            found[cluster.code] = cluster
        referral = _referral(own, exact, direct | ids([cluster] if cluster else []), index)
        if referral is not None:
            found[referral.code] = referral
        return sorted(found.values(), key=lambda f: f.code)

    @staticmethod
    def _lookups(subject: Subject, params: Params, index) -> tuple[list, Holders, Holders]:
        """The subject's keys less allowlisted values; holders of its exact and people values
        and of its bands, and the allowlist table's verdict on them, in one query."""
        if subject.link_keys is not None:
            own = list(subject.link_keys)
        else:
            own = [(k, v, d) for _c, k, v, d in index.keys_of([subject.id])]
        extra = people.lookup_pairs(own)
        exact_pairs = [(k, v) for k, v, _ in own if k in EXACT_CODES]
        versioned = allowlist_pairs(params.allowlist)  # the rule set's own, versioned list
        wanted = [
            p
            for p in dict.fromkeys(exact_pairs + extra)
            if p not in versioned and (params.ip_subnet_enabled or p[0] != LinkKind.IP_NET)
        ]
        (exact, bands), blocked = index.holders_lookup(
            [
                (wanted, RELATED_CAP, True),
                ([(k, v) for k, v, _ in own if k in BAND_KINDS], params.band_fetch_limit, False),
            ],
            exclude=subject.id,
            allowlist=dict.fromkeys(exact_pairs + extra),
        )
        blocked |= versioned
        own = [key for key in own if (key[0], key[1]) not in blocked]
        if not params.ip_subnet_enabled:
            own = [key for key in own if key[0] != LinkKind.IP_NET]
        return own, exact, bands


# IPs alone join nobody into a group (a VPN egress, a carrier's NAT).
_WEAK = ("link.ip_shared", "link.ip_subnet_shared")


def _people_findings(own, exact: Holders, found: dict[str, Finding], params) -> dict:
    linked = ids(f for code, f in found.items() if code not in _WEAK)
    candidates = [
        people.reference_finding(own, exact, linked),
        people.holder_finding(own, exact, params.payout_holder_min_others),
        people.resume_author_finding(own, exact, params.resume_author_max_holders),
    ]
    return {f.code: f for f in candidates if f is not None}


def _referral(own, exact: Holders, linked: set, index) -> Finding | None:
    """One more query, only for a referred candidate whose referrer is not linked to it."""
    referrer = people.referrer_of(own, exact)
    if referrer is None:
        return None
    level = "" if referrer in linked else index.risk_levels([referrer]).get(referrer, "")
    return people.referral_finding(referrer, linked, level)
