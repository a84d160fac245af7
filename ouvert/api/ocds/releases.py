"""OCDS 1.1 releases, records and packages built from the procurement app's typed reads
(:mod:`ouvert.procurement.open_contracting`). One release per public state change of a call, and
one ``tenderAmendment`` release per published addendum; each release carries what was known at
that moment (the award only from the award on, and so on).

Only core OCDS 1.1 fields are used: bid statistics are ``tender.numberOfTenderers`` and
``tender.tenderers``; a party's size is ``details.scale`` (micro, sme, large).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from ouvert.procurement.open_contracting import CallView, PartyView

SCALE = {"micro": "micro", "small": "sme", "medium": "sme", "large": "large"}
ORDER = ["published", "closed", "debriefing", "awarded", "cancelled", "unsuccessful", "delivered", "rejected",
         "accepted", "paid"]
TAGS = {"published": ["tender"], "closed": ["tenderUpdate"], "debriefing": ["tenderUpdate"],
        "awarded": ["award", "contract"], "cancelled": ["tenderCancellation"], "unsuccessful": ["tenderUpdate"],
        "delivered": ["implementation"], "rejected": ["implementation"], "accepted": ["implementation"],
        "paid": ["implementation"]}
AWARDED = {"awarded", "delivered", "rejected", "accepted", "paid"}


def ocid(call_id: int) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{call_id}"


def _when(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _money(amount: Decimal) -> dict[str, Any]:
    return {"amount": float(amount), "currency": "CAD"}


def _party(party: PartyView) -> dict[str, Any]:
    data: dict[str, Any] = {"id": party.key, "name": party.name, "roles": list(party.roles)}
    if party.scale:
        data["details"] = {"scale": SCALE.get(party.scale, "sme")}
    if party.identifier:
        data["identifier"] = {"scheme": "CA-NEQ", "id": party.identifier, "legalName": party.name}
    if party.region:
        data["address"] = {"region": party.region, "countryName": "Canada"}
    return data


def _ref(party: PartyView) -> dict[str, str]:
    return {"id": party.key, "name": party.name}


@dataclass(frozen=True)
class Moment:
    """What a release describes: the state reached, when, and whether bids were open by then."""

    state: str
    at: dt.datetime
    tag: list[str]
    id: str


def _status(state: str) -> str:
    if state == "cancelled":
        return "cancelled"
    if state == "unsuccessful":
        return "unsuccessful"
    if state in AWARDED:
        return "complete"
    return "active"


def release(call: CallView, moment: Moment, *, seen: set[str], amendments_until: dt.datetime) -> dict[str, Any]:
    opened = bool(seen & {"closed", "debriefing", "unsuccessful"} | (seen & AWARDED))
    weights = "; ".join(f"{name} : {weight} %" for name, weight in call.criteria)
    tender: dict[str, Any] = {
        "id": f"{ocid(call.id)}-tender", "title": call.title, "description": call.summary,
        "status": _status(moment.state), "procuringEntity": _ref(call.buyer),
        "items": [{"id": "1", "description": call.deliverables[:1000]}],
        "value": _money(call.amount), "procurementMethod": "open",
        "procurementMethodDetails": "Micro-acquisition (appel simplifié)", "mainProcurementCategory": "services",
        "awardCriteria": "qualityOnly" if call.pricing == "fixed" else "ratedCriteria",
        "awardCriteriaDetails": f"{weights}. Départage : {call.tie_break}",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": _when(call.published_at), "endDate": _when(call.bid_deadline)},
        "enquiryPeriod": {"startDate": _when(call.published_at), "endDate": _when(call.questions_deadline)},
        "hasEnquiries": bool(call.amendments),
    }
    if call.documents:  # fixed at publication (a draft's attachments change, a published call's do not)
        tender["documents"] = [{
            "id": f"piece-jointe-{d.id}", "documentType": "technicalSpecifications", "title": d.title,
            "url": f"{settings.SITE_URL}{d.url}", "datePublished": _when(call.published_at),
            "format": mimetypes.guess_type(d.filename)[0] or "application/octet-stream", "language": "fr"}
            for d in call.documents]
    amendments = [a for a in call.amendments if a.at <= amendments_until]
    if amendments:
        tender["amendments"] = [{"id": f"addenda-{a.id}", "date": _when(a.at), "rationale": a.question[:1000],
                                 "description": a.answer[:2000]} for a in amendments]
    parties = [call.buyer]
    if opened:
        tender["numberOfTenderers"] = len(call.tenderers)
        tender["tenderers"] = [_ref(t) for t in call.tenderers]
        parties += [t if "supplier" in t.roles and seen & AWARDED else
                    PartyView(key=t.key, name=t.name, roles=("tenderer",), scale=t.scale, identifier=t.identifier,
                              region=t.region) for t in call.tenderers]
    data: dict[str, Any] = {
        "ocid": ocid(call.id), "id": moment.id, "date": _when(moment.at), "tag": moment.tag,
        "initiationType": "tender", "language": "fr", "buyer": _ref(call.buyer),
        "parties": [_party(p) for p in parties], "tender": tender,
    }
    if seen & AWARDED and call.winner and call.awarded_price is not None and call.awarded_at:
        award_id = f"{ocid(call.id)}-award-1"
        data["awards"] = [{"id": award_id, "title": call.title, "status": "active", "date": _when(call.awarded_at),
                           "value": _money(call.awarded_price), "suppliers": [_ref(call.winner)]}]
        contract: dict[str, Any] = {
            "id": f"{ocid(call.id)}-contract-1", "awardID": award_id, "title": call.title,
            "status": "terminated" if "paid" in seen else "active", "value": _money(call.awarded_price),
            "period": {"startDate": _when(call.awarded_at),
                       "endDate": _when(dt.datetime.combine(call.delivery_date, dt.time(23, 59), tzinfo=dt.UTC))}}
        implementation: dict[str, Any] = {}
        if seen & {"delivered", "accepted", "rejected", "paid"} and call.repository_url:
            implementation["documents"] = [{"id": "livrable", "documentType": "completionCertificate"
                                            if "accepted" in seen else "physicalProgressReport",
                                            "title": "Code livré", "url": call.repository_url}]
        if "paid" in seen and call.paid_on:
            implementation["transactions"] = [{
                "id": f"{ocid(call.id)}-payment-1",
                "date": _when(dt.datetime.combine(call.paid_on, dt.time(12), tzinfo=dt.UTC)),
                "value": _money(call.awarded_price), "payer": _ref(call.buyer), "payee": _ref(call.winner)}]
        if implementation:
            contract["implementation"] = implementation
        data["contracts"] = [contract]
    return data


def call_releases(call: CallView) -> list[dict[str, Any]]:
    """Every release of a call, in order."""
    moments: list[tuple[dt.datetime, int, Moment]] = []
    for change in call.changes:
        if change.state in TAGS:
            moments.append((change.at, change.seq, Moment(state=change.state, at=change.at, tag=TAGS[change.state],
                                                          id=f"{ocid(call.id)}-{change.seq:03d}-{change.state}")))
    for amendment in call.amendments:
        moments.append((amendment.at, 0, Moment(state="published", at=amendment.at, tag=["tenderAmendment"],
                                                id=f"{ocid(call.id)}-addenda-{amendment.id}")))
    moments.sort(key=lambda m: (m[0], m[1]))
    out, seen, state = [], set(), "published"
    for at, _seq, moment in moments:
        if moment.tag != ["tenderAmendment"]:
            state = moment.state
            seen.add(state)
        current = Moment(state=state, at=moment.at, tag=moment.tag, id=moment.id)
        out.append(release(call, current, seen=set(seen), amendments_until=at))
    return out


def package_meta(uri: str) -> dict[str, Any]:
    return {"uri": uri, "version": "1.1", "publishedDate": _when(dt.datetime.now(dt.UTC)),
            "publisher": {"name": settings.OCDS_PUBLISHER_NAME}, "license": settings.OCDS_LICENSE}


def record(call: CallView) -> dict[str, Any]:
    releases = call_releases(call)
    compiled = dict(releases[-1]) if releases else {}
    compiled.update({"id": f"{ocid(call.id)}-compiled", "tag": ["compiled"]})
    return {"ocid": ocid(call.id), "releases": releases, "compiledRelease": compiled}
