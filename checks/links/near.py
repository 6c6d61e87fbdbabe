"""Near-duplicates: band rows point at candidates, full hashes and texts decide."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from uuid import UUID

from checks.base import RELATED_CAP, Finding, Holders, Related
from checks.links import resume
from checks.links.images import hamming, quads_distance
from checks.links.kinds import LinkKind

OwnKey = tuple[str, str, str]


def image_findings(own: list[OwnKey], holders: Holders, index, params) -> dict[str, Finding]:
    found: dict[str, Finding] = {}
    photo = _close_by_whole(own, holders, LinkKind.PHOTO_BAND, params.photo_max_distance)
    if photo:
        found["link.photo_duplicate"] = _finding(
            "link.photo_duplicate", "profile photo", photo, "photo"
        )
    docs = _close_by_whole(own, holders, LinkKind.DOCUMENT_IMAGE_BAND, params.document_max_distance)
    docs = _verify_quads(own, docs, index, params.document_quad_max_distance)
    # A page photographed again with its text re-typed: only its portrait zone still matches.
    portraits = _close_by_whole(
        own, holders, LinkKind.DOCUMENT_IMAGE_PORTRAIT_BAND, params.document_portrait_max_distance
    )
    if docs or portraits:
        finding = _finding(
            "link.document_image_duplicate", "document image", docs, "document image"
        )
        found["link.document_image_duplicate"] = _with_portraits(finding, docs, portraits)
    return found


def _with_portraits(
    finding: Finding, docs: dict[UUID, tuple[int, str]], portraits: dict[UUID, tuple[int, str]]
) -> Finding:
    """Adds the candidates whose document page carries the same portrait, and their distance."""
    if not portraits:
        return finding
    ranked = sorted(portraits.items(), key=lambda item: item[1][0])
    related = list(finding.related) + [
        Related(c, f"document page with the same portrait ({d} bits apart)")
        for c, (d, _) in ranked
        if c not in docs
    ]
    return Finding(
        code=finding.code,
        message=f"Document image is a near-copy of {len(related)} other candidate"
        f"{'s' if len(related) != 1 else ''}",
        evidence={
            **finding.evidence,
            "portrait_bits_apart": {str(c): d for c, (d, _) in ranked[:RELATED_CAP]},
        },
        related=tuple(related),
        related_count=len(related),
    )


def _close_by_whole(
    own: list[OwnKey], holders: Holders, kind: str, limit: int
) -> dict[UUID, tuple[int, str]]:
    """{other candidate: (bits apart, own image id)} for band holders within `limit` bits."""
    close: dict[UUID, tuple[int, str]] = {}
    for k, value, display in own:
        if k != kind or (k, value) not in holders:
            continue
        _img, own_id, own_hash = display.split(":", 2)
        for cid, other in holders[(k, value)][0]:
            distance = hamming(own_hash, other.rsplit(":", 1)[-1])
            if distance <= limit and distance < close.get(cid, (limit + 1, ""))[0]:
                close[cid] = (distance, own_id)
    return close


def _verify_quads(
    own: list[OwnKey], close: dict[UUID, tuple[int, str]], index, limit: int
) -> dict[UUID, tuple[int, str]]:
    """Same-template documents are close as a whole; every quarter must be close too."""
    if not close:
        return {}
    own_quads = {value: display for k, value, display in own if k == LinkKind.DOCUMENT_IMAGE_QUADS}
    theirs: dict[UUID, list[str]] = {}
    for cid, _k, _v, display in index.keys_of(close, kinds=[LinkKind.DOCUMENT_IMAGE_QUADS]):
        theirs.setdefault(cid, []).append(display)
    kept = {}
    for cid, (distance, own_id) in close.items():
        mine = own_quads.get(own_id)
        if mine and any(quads_distance(mine, q) <= limit for q in theirs.get(cid, [])):
            kept[cid] = (distance, own_id)
    return kept


def resume_findings(
    own: list[OwnKey], holders: Holders, index, text: str, params
) -> dict[str, Finding]:
    votes: Counter[UUID] = Counter()
    for k, value, _d in own:
        if k == LinkKind.RESUME_BAND and (k, value) in holders:
            votes.update(cid for cid, _ in holders[(k, value)][0])
    if not votes:
        return {}
    mine = resume.shingles(text)
    similar: dict[UUID, float] = {}
    for cid, other in index.resume_texts([c for c, _ in votes.most_common(100)]).items():
        score = resume.jaccard(mine, resume.shingles(other))
        if score >= params.resume_min_jaccard:
            similar[cid] = score
    if not similar:
        return {}
    ranked = sorted(similar.items(), key=lambda item: -item[1])
    return {
        "link.resume_duplicate": Finding(
            code="link.resume_duplicate",
            message=f"Resume is a near-copy of {len(ranked)} other candidate"
            f"{'s' if len(ranked) != 1 else ''}",
            evidence={
                "jaccard": {str(c): round(s, 2) for c, s in ranked[:RELATED_CAP]},
                "threshold": params.resume_min_jaccard,
            },
            related=tuple(Related(c, f"resume (similarity {s:.2f})") for c, s in ranked),
            related_count=len(ranked),
        )
    }


def _finding(code: str, noun: str, close: dict[UUID, tuple[int, str]], label: str) -> Finding:
    ranked = sorted(close.items(), key=lambda item: item[1][0])
    return Finding(
        code=code,
        message=f"{noun.capitalize()} is a near-copy of {len(ranked)} other candidate"
        f"{'s' if len(ranked) != 1 else ''}",
        evidence={"bits_apart": {str(c): d for c, (d, _) in ranked[:RELATED_CAP]}}
        if ranked
        else {},
        related=tuple(
            Related(c, f"{label} (near-identical, {d} bits apart)") for c, (d, _) in ranked
        ),
        related_count=len(ranked),
    )


def merge(first: Finding | None, second: Finding) -> Finding:
    """Exact and near duplicates of one code become one finding."""
    if first is None:
        return second
    related = {r.candidate_id: r for r in second.related}
    related.update({r.candidate_id: r for r in first.related})
    count = max(len(related), first.related_count or 0, second.related_count or 0)
    return Finding(
        code=first.code,
        message=first.message if len(first.related) >= len(second.related) else second.message,
        evidence={**second.evidence, **first.evidence},
        related=tuple(related.values()),
        related_count=count,
    )


def ids(findings: Iterable[Finding]) -> set[UUID]:
    return {r.candidate_id for f in findings for r in f.related}
