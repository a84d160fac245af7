"""OAI-PMH 2.0 at ``/oai``: the six verbs as an explicit table, arguments checked against it,
every error of the protocol.

- Lists are paged by a **key**, not an offset: the resumption token carries the request's
  arguments and the (datestamp, id) of the last record sent, so it never expires and every page
  costs one indexed range scan whatever its depth. ``completeListSize`` and ``cursor`` are given.
- Granularity ``YYYY-MM-DDThh:mm:ssZ``; ``from``/``until`` accept a day or a second (the same
  granularity for both); a day's ``until`` includes the whole day.
- Deleted records are kept (``deletedRecord`` persistent): a header with ``status="deleted"``.
- HTTP status: 400 for an illegal request (badVerb, badArgument, badResumptionToken,
  cannotDisseminateFormat), 404 for idDoesNotExist, 200 otherwise (noRecordsMatch included, as
  harvesters expect).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from django.conf import settings
from django.utils import timezone

from ouvert.core.cursors import cursor_decode, cursor_encode
from ouvert.openaccess import records

from .formats import DATACITE, DC, FORMATS, OAI_DC, OAIRE, XSI, Links

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
for _prefix, _uri in (("", OAI), ("xsi", XSI), ("oai_dc", OAI_DC), ("dc", DC), ("oaire", OAIRE),
                      ("datacite", DATACITE), ("oai-identifier", OAI_IDENTIFIER)):
    register_namespace(_prefix, _uri)

DAY = "%Y-%m-%d"
SECOND = "%Y-%m-%dT%H:%M:%SZ"
ILLEGAL = {"badVerb", "badArgument", "badResumptionToken", "cannotDisseminateFormat"}


class OaiError(Exception):
    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


@dataclass(frozen=True)
class Verb:
    required: frozenset[str]
    optional: frozenset[str]
    exclusive: str | None
    handler: Callable[[Context, dict[str, str]], None]


@dataclass
class Context:
    root: Element
    base_url: str
    landing: Callable[[int], str]
    file_url: Callable[[str], str]
    today: dt.date

    def identifier(self, pk: int) -> str:
        return f"oai:{settings.OPENACCESS_OAI_REPOSITORY_ID}:publication/{pk}"

    def links(self) -> Links:
        return Links(landing=lambda r: self.landing(r.pk), file=lambda r: self.file_url(r.file_path))


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime(SECOND)


def _text(parent: Element, tag: str, text: str, **attrs: str) -> Element:
    child = SubElement(parent, f"{{{OAI}}}{tag}", attrs)
    child.text = text
    return child


def _parse_date(value: str, name: str, *, end: bool) -> tuple[dt.datetime, str]:
    for fmt, granularity in ((SECOND, "second"), (DAY, "day")):
        try:
            parsed = dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC)  # noqa: DTZ007 — UTC is set here
        except ValueError:
            continue
        if granularity == "day" and end:
            parsed = parsed + dt.timedelta(days=1, seconds=-1)
        return parsed, granularity
    raise OaiError("badArgument", f"{name}={value!r} is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ")


def _pk_of(identifier: str) -> int | None:
    prefix = f"oai:{settings.OPENACCESS_OAI_REPOSITORY_ID}:publication/"
    if not identifier.startswith(prefix):
        return None
    tail = identifier[len(prefix):]
    return int(tail) if tail.isdigit() and 0 < int(tail) < 2**63 else None


def _header(ctx: Context, parent: Element, record: records.Record) -> None:
    header = SubElement(parent, f"{{{OAI}}}header", {"status": "deleted"} if record.deleted else {})
    _text(header, "identifier", ctx.identifier(record.pk))
    _text(header, "datestamp", _stamp(record.datestamp))
    for spec in record.sets:
        _text(header, "setSpec", spec)


def _record(ctx: Context, parent: Element, record: records.Record, prefix: str) -> None:
    element = SubElement(parent, f"{{{OAI}}}record")
    _header(ctx, element, record)
    if not record.deleted:
        metadata = SubElement(element, f"{{{OAI}}}metadata")
        metadata.append(FORMATS[prefix].build(record, ctx.links(), ctx.today))


def identify(ctx: Context, args: dict[str, str]) -> None:
    node = SubElement(ctx.root, f"{{{OAI}}}Identify")
    _text(node, "repositoryName", "Ouvert — libre accès à la recherche financée par les FRQ")
    _text(node, "baseURL", ctx.base_url)
    _text(node, "protocolVersion", "2.0")
    _text(node, "adminEmail", settings.OPENACCESS_OAI_ADMIN_EMAIL)
    earliest = records.earliest_datestamp()
    _text(node, "earliestDatestamp", _stamp(earliest) if earliest else "1970-01-01T00:00:00Z")
    _text(node, "deletedRecord", "persistent")
    _text(node, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    # The identifier scheme (oai-identifier.xsd), as OpenAIRE's validators require: exactly one such
    # description, whose repositoryIdentifier is the namespace of every record's identifier.
    description = SubElement(node, f"{{{OAI}}}description")
    scheme = SubElement(description, f"{{{OAI_IDENTIFIER}}}oai-identifier", {
        f"{{{XSI}}}schemaLocation": f"{OAI_IDENTIFIER} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"})
    for tag, text in (("scheme", "oai"), ("repositoryIdentifier", settings.OPENACCESS_OAI_REPOSITORY_ID),
                      ("delimiter", ":"), ("sampleIdentifier", ctx.identifier(1))):
        SubElement(scheme, f"{{{OAI_IDENTIFIER}}}{tag}").text = text


def list_metadata_formats(ctx: Context, args: dict[str, str]) -> None:
    if "identifier" in args:
        pk = _pk_of(args["identifier"])
        if pk is None or records.record_get(pk) is None:
            raise OaiError("idDoesNotExist", f"no record {args['identifier']!r}")
    node = SubElement(ctx.root, f"{{{OAI}}}ListMetadataFormats")
    for fmt in FORMATS.values():
        item = SubElement(node, f"{{{OAI}}}metadataFormat")
        _text(item, "metadataPrefix", fmt.prefix)
        _text(item, "schema", fmt.schema)
        _text(item, "metadataNamespace", fmt.namespace)


def list_sets(ctx: Context, args: dict[str, str]) -> None:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "the list of sets is complete in one answer")
    node = SubElement(ctx.root, f"{{{OAI}}}ListSets")
    for item in records.record_sets():
        element = SubElement(node, f"{{{OAI}}}set")
        _text(element, "setSpec", item.spec)
        _text(element, "setName", item.name)


def _list_state(args: dict[str, str]) -> dict[str, Any]:
    if "resumptionToken" in args:
        try:
            state = json.loads(cursor_decode(args["resumptionToken"]) or "null")
        except ValueError:
            state = None
        if not isinstance(state, dict) or not {"p", "d", "i", "c"} <= set(state):
            raise OaiError("badResumptionToken", "this resumption token is not one of ours")
        if state["p"] not in FORMATS or not isinstance(state["i"], int) or not isinstance(state["c"], int):
            raise OaiError("badResumptionToken", "this resumption token is not one of ours")
        try:
            dt.datetime.fromisoformat(state["d"])
            for key in ("f", "u"):
                if state.get(key):
                    dt.datetime.fromisoformat(state[key])
        except (TypeError, ValueError) as exc:
            raise OaiError("badResumptionToken", "this resumption token is not one of ours") from exc
        return state
    prefix = args["metadataPrefix"]
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"metadataPrefix {prefix!r} is not one of {', '.join(FORMATS)}")
    since = until = None
    granularity = ""
    if "from" in args:
        since, granularity = _parse_date(args["from"], "from", end=False)
    if "until" in args:
        until, until_granularity = _parse_date(args["until"], "until", end=True)
        if granularity and until_granularity != granularity:
            raise OaiError("badArgument", "from and until must have the same granularity")
    if since and until and since > until:
        raise OaiError("badArgument", "from is later than until")
    spec = args.get("set")
    if spec and not records.set_exists(spec):
        raise OaiError("noRecordsMatch", f"no set {spec!r}")
    return {"p": prefix, "s": spec or "", "f": since.isoformat() if since else "",
            "u": until.isoformat() if until else "", "d": "", "i": 0, "c": 0}


def _list(ctx: Context, args: dict[str, str], *, verb: str) -> None:
    state = _list_state(args)
    since = dt.datetime.fromisoformat(state["f"]) if state.get("f") else None
    until = dt.datetime.fromisoformat(state["u"]) if state.get("u") else None
    spec = state.get("s") or None
    after = (dt.datetime.fromisoformat(state["d"]), state["i"]) if state["d"] else None
    size = settings.OPENACCESS_OAI_PAGE_SIZE
    page = records.records_page(since=since, until=until, spec=spec, after=after, limit=size + 1,
                                metadata=verb == "ListRecords")
    if not page:
        if after is not None:
            raise OaiError("badResumptionToken", "nothing follows this resumption token any more")
        raise OaiError("noRecordsMatch", "no record matches these arguments")
    more, page = len(page) > size, page[:size]
    node = SubElement(ctx.root, f"{{{OAI}}}{verb}")
    for record in page:
        if verb == "ListRecords":
            _record(ctx, node, record, state["p"])
        else:
            _header(ctx, node, record)
    if after is None and not more:
        return
    total = records.records_count(since=since, until=until, spec=spec)
    token = SubElement(node, f"{{{OAI}}}resumptionToken",
                       {"completeListSize": str(total), "cursor": str(state["c"])})
    if more:
        last = page[-1]
        token.text = cursor_encode(json.dumps({**state, "d": last.datestamp.isoformat(), "i": last.pk,
                                               "c": state["c"] + len(page)}, separators=(",", ":")))


def list_records(ctx: Context, args: dict[str, str]) -> None:
    _list(ctx, args, verb="ListRecords")


def list_identifiers(ctx: Context, args: dict[str, str]) -> None:
    _list(ctx, args, verb="ListIdentifiers")


def get_record(ctx: Context, args: dict[str, str]) -> None:
    if args["metadataPrefix"] not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"metadataPrefix {args['metadataPrefix']!r} is not offered")
    pk = _pk_of(args["identifier"])
    record = records.record_get(pk) if pk is not None else None
    if record is None:
        raise OaiError("idDoesNotExist", f"no record {args['identifier']!r}")
    node = SubElement(ctx.root, f"{{{OAI}}}GetRecord")
    _record(ctx, node, record, args["metadataPrefix"])


LIST = frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})
VERBS: dict[str, Verb] = {
    "Identify": Verb(frozenset(), frozenset(), None, identify),
    "ListMetadataFormats": Verb(frozenset(), frozenset({"identifier"}), None, list_metadata_formats),
    "ListSets": Verb(frozenset(), frozenset(), "resumptionToken", list_sets),
    "ListIdentifiers": Verb(*LIST, "resumptionToken", list_identifiers),
    "ListRecords": Verb(*LIST, "resumptionToken", list_records),
    "GetRecord": Verb(frozenset({"identifier", "metadataPrefix"}), frozenset(), None, get_record),
}


def _arguments(what: str, count: int) -> str:
    """"illegal argument" or "illegal arguments": OAI-PMH error texts are English, for harvesters."""
    return f"{what} argument" if count == 1 else f"{what} arguments"


def _check_arguments(verb: Verb, args: dict[str, str]) -> None:
    names = set(args)
    if verb.exclusive and verb.exclusive in names:
        if names != {verb.exclusive}:
            raise OaiError("badArgument", f"{verb.exclusive} is an exclusive argument")
        return
    unknown = names - verb.required - verb.optional
    if unknown:
        raise OaiError("badArgument", f"{_arguments('illegal', len(unknown))}: {', '.join(sorted(unknown))}")
    missing = verb.required - names
    if missing:
        raise OaiError("badArgument", f"{_arguments('missing', len(missing))}: {', '.join(sorted(missing))}")


def respond(params: Mapping[str, list[str]], *, base_url: str, landing: Callable[[int], str],
            file_url: Callable[[str], str]) -> tuple[int, bytes]:
    """The status and XML body answering one request's arguments (each name with its values)."""
    root = Element(f"{{{OAI}}}OAI-PMH", {
        f"{{{XSI}}}schemaLocation": f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"})
    _text(root, "responseDate", _stamp(timezone.now()))
    request = _text(root, "request", base_url)
    ctx = Context(root=root, base_url=base_url, landing=landing, file_url=file_url, today=timezone.localdate())
    status = 200
    try:
        repeated = [name for name, values in params.items() if len(values) > 1]
        args = {name: values[0] for name, values in params.items()}
        verb_name = args.pop("verb", None)
        if repeated == ["verb"] or verb_name not in VERBS:
            raise OaiError("badVerb", "missing, repeated or unknown verb")
        if repeated:
            raise OaiError("badArgument", f"{_arguments('repeated', len(repeated))}: {', '.join(repeated)}")
        verb = VERBS[verb_name]
        _check_arguments(verb, args)
        request.set("verb", verb_name)
        for name, value in args.items():
            request.set(name, value)
        verb.handler(ctx, args)
    except OaiError as error:
        for name in list(request.attrib):
            if error.code in ("badVerb", "badArgument"):
                del request.attrib[name]
        for child in list(root)[2:]:
            root.remove(child)
        _text(root, "error", error.text, code=error.code)
        status = 400 if error.code in ILLEGAL else 404 if error.code == "idDoesNotExist" else 200
    return status, b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8",
                                                                         xml_declaration=False)
