"""OAI-PMH at /oai: every verb and error, each answer validated against the OAI-PMH XSD in
../shared/realdata/oai-pmh (oai_dc records fully; oai_openaire records inside the envelope), and
a full harvest with sickle through a live server."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from lxml import etree

from conftest import shared_path
from ouvert.core import actors
from ouvert.openaccess.models import Publication
from ouvert.openaccess.services import publication_declare, publication_delete

pytestmark = pytest.mark.django_db
NS = {"o": "http://www.openarchives.org/OAI/2.0/", "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
      "dc": "http://purl.org/dc/elements/1.1/",
      "oaire": "http://namespace.openaire.eu/schema/oaire/", "datacite": "http://datacite.org/schema/kernel-4",
      "oi": "http://www.openarchives.org/OAI/2.0/oai-identifier"}


class Schemas:
    """The envelope against OAI-PMH.xsd (whose <metadata> and <description> skip their content),
    then each oai_dc record against oai_dc.xsd and each Identify description in the oai-identifier
    namespace against oai-identifier.xsd — the two schemas OpenAIRE's validator (EuroCRIS, in
    ../shared/realdata/oai-pmh/eurocris-validator) applies besides its CERIF one. No OpenAIRE
    literature XSD is in ../shared: oai_openaire records are checked by the tests' assertions."""

    def __init__(self, folder):
        self.envelope = etree.XMLSchema(etree.parse(str(folder / "OAI-PMH.xsd")))
        self.dc = etree.XMLSchema(etree.parse(str(folder / "oai_dc.xsd")))
        self.identifier = etree.XMLSchema(etree.parse(str(folder / "oai-identifier.xsd")))

    def check(self, doc):
        assert self.envelope.validate(doc), self.envelope.error_log.last_error
        for record in doc.xpath("//o:metadata/oai_dc:dc", namespaces=NS):
            assert self.dc.validate(record), self.dc.error_log.last_error
        for scheme in doc.xpath("//o:Identify/o:description/oi:oai-identifier", namespaces=NS):
            assert self.identifier.validate(scheme), self.identifier.error_log.last_error
        return True


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    source = shared_path("realdata", "oai-pmh", "eurocris-validator", "schemas")
    folder = tmp_path_factory.mktemp("xsd")
    for path in source.glob("*.xsd"):  # offline: the imports point at the local copies
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'schemaLocation="http://www\.w3\.org/[^"]*xml\.xsd"', 'schemaLocation="xml.xsd"', text)
        text = text.replace('schemaLocation="http://dublincore.org/schemas/xmls/simpledc20021212.xsd"',
                            'schemaLocation="simpledc20021212.xsd"')
        (folder / path.name).write_text(text, encoding="utf-8")
    return Schemas(folder)


def test_the_schemas_refuse_what_they_must(schema):
    head = (b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2020-01-01T00:00:00Z'
            b'</responseDate><request>http://x/oai</request>')
    with pytest.raises(AssertionError):
        schema.check(etree.fromstring(head + b'<error code="nope">x</error></OAI-PMH>'))
    record = (b'<GetRecord><record><header><identifier>a</identifier><datestamp>2020-01-01</datestamp></header>'
              b'<metadata><dc xmlns="http://www.openarchives.org/OAI/2.0/oai_dc/"><foo/></dc></metadata></record>'
              b'</GetRecord></OAI-PMH>')
    with pytest.raises(AssertionError):
        schema.check(etree.fromstring(head + record))


@pytest.fixture
def oai(client, schema):
    def ask(method="get", **params):
        response = getattr(client, method)("/oai", params)
        assert response["Content-Type"].startswith("text/xml")
        doc = etree.fromstring(response.content)
        schema.check(doc)
        return response.status_code, doc
    return ask


@pytest.fixture
def world(frq, article, make_user):
    owner = make_user()
    today = timezone.localdate()
    open_pub = publication_declare(data=article(title="Ouvert sous CC BY", doi="10.1000/open", route="deposit",
                                                version="accepted", licence="CC-BY-4.0",
                                                grant_numbers=["FRQS-298877"]),
                                   file=SimpleUploadedFile("open.pdf", b"%PDF open"), by=owner)
    embargoed = publication_declare(data=article(title="Sous embargo", route="deposit", version="accepted",
                                                 licence="CC-BY-4.0", embargo_until=today + dt.timedelta(days=90)),
                                    file=SimpleUploadedFile("closed.pdf", b"%PDF closed"), by=owner)
    gone = publication_declare(data=article(title="Retiré"), by=owner)
    publication_delete(publication=gone, by=owner)
    return {"open": open_pub, "embargoed": embargoed, "gone": gone}


def ident(pub):
    return f"oai:ouvert.quebec:publication/{pub.pk}"


def test_identify_says_persistent_deletions_and_second_granularity(oai, world):
    status, doc = oai(verb="Identify")
    assert status == 200
    assert doc.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "persistent"
    assert doc.findtext("o:Identify/o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert doc.findtext("o:Identify/o:baseURL", namespaces=NS).endswith("/oai")


def test_openaire_validator_requirements_identifier_scheme_base_url_unique_formats(oai, world, schema, settings):
    """The checks of OpenAIRE's OAI-PMH validator that do not concern CERIF (its CHECKS.md: 0, 1b,
    1d, 2d–2f, and 5a's identifiers built on the repository identifier)."""
    _status, doc = oai(verb="Identify")
    schemes = doc.xpath("//o:Identify/o:description/oi:oai-identifier", namespaces=NS)
    assert len(schemes) == 1  # exactly one, validated against oai-identifier.xsd by ``oai``
    repository = schemes[0].findtext("oi:repositoryIdentifier", namespaces=NS)
    assert repository == settings.OPENACCESS_OAI_REPOSITORY_ID
    assert schemes[0].findtext("oi:sampleIdentifier", namespaces=NS).startswith(f"oai:{repository}:")
    assert doc.findtext("o:Identify/o:baseURL", namespaces=NS) == "http://testserver/oai"
    _status, doc = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    identifiers = doc.xpath("//o:header/o:identifier/text()", namespaces=NS)
    assert identifiers and all(i.startswith(f"oai:{repository}:publication/") for i in identifiers)
    _status, doc = oai(verb="ListMetadataFormats")
    for field in ("metadataPrefix", "metadataNamespace", "schema"):
        values = doc.xpath(f"//o:metadataFormat/o:{field}/text()", namespaces=NS)
        assert len(values) == len(set(values)) == 2, field
    broken = etree.fromstring(b'<oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier">'
                              b'<scheme>oai</scheme><repositoryIdentifier>pas un domaine</repositoryIdentifier>'
                              b'<delimiter>:</delimiter><sampleIdentifier>x</sampleIdentifier></oai-identifier>')
    assert not schema.identifier.validate(broken)  # control: the schema does refuse a bad scheme


def test_formats_and_sets(oai, world):
    _status, doc = oai(verb="ListMetadataFormats")
    assert doc.xpath("//o:metadataPrefix/text()", namespaces=NS) == ["oai_dc", "oai_openaire"]
    _status, doc = oai(verb="ListSets")
    specs = doc.xpath("//o:setSpec/text()", namespaces=NS)
    assert {"openaire", "fonds:frqs", "fonds:frqs:chercheurs-boursiers", "fonds:frqsc"} <= set(specs)


def test_records_embargoed_file_not_linked_and_deleted_header(oai, world):
    _status, doc = oai(verb="ListRecords", metadataPrefix="oai_dc")
    records = {r.findtext("o:header/o:identifier", namespaces=NS): r for r in doc.xpath("//o:record", namespaces=NS)}
    assert set(records) == {ident(p) for p in world.values()}
    gone = records[ident(world["gone"])]
    assert gone.find("o:header", NS).get("status") == "deleted" and gone.find("o:metadata", NS) is None
    open_ids = records[ident(world["open"])].xpath(".//dc:identifier/text()", namespaces=NS)
    assert any(world["open"].file.name in i for i in open_ids)
    closed = etree.tostring(records[ident(world["embargoed"])]).decode()
    assert world["embargoed"].file.name not in closed and "embargoedAccess" in closed


def test_openaire_has_funding_award_licence_and_access_rights(oai, world):
    _status, doc = oai(verb="GetRecord", identifier=ident(world["open"]), metadataPrefix="oai_openaire")
    assert doc.xpath("//oaire:awardNumber/text()", namespaces=NS) == ["FRQS-298877"]
    assert doc.xpath("//oaire:licenseCondition/@uri", namespaces=NS) == ["https://creativecommons.org/licenses/by/4.0/"]
    assert doc.xpath("//datacite:rights/@rightsURI", namespaces=NS) == ["http://purl.org/coar/access_right/c_abf2"]
    assert doc.xpath("//oaire:file/@objectType", namespaces=NS) == ["fulltext"]
    _status, doc = oai(verb="GetRecord", identifier=ident(world["embargoed"]), metadataPrefix="oai_openaire")
    assert doc.xpath("//oaire:file", namespaces=NS) == []
    assert doc.xpath("//datacite:rights/text()", namespaces=NS) == ["embargoed access"]


def test_sets_and_dates_select(oai, world):
    _status, doc = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="fonds:frqs")
    assert doc.xpath("//o:identifier/text()", namespaces=NS) == [ident(world["open"])]
    Publication.objects.filter(pk=world["open"].pk).update(updated_at=dt.datetime(2020, 5, 5, 10, 0, 0, tzinfo=dt.UTC))
    _status, doc = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until="2020-05-05")
    assert doc.xpath("//o:identifier/text()", namespaces=NS) == [ident(world["open"])]
    _status, doc = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2020-05-05T10:00:00Z",
                                                                            "until": "2020-05-05T10:00:00Z"})
    assert doc.xpath("//o:identifier/text()", namespaces=NS) == [ident(world["open"])]
    status, doc = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2020-05-05T10:00:01Z",
                                                                           "until": "2020-05-05T23:00:00Z"})
    assert status == 200 and doc.find("o:error", NS).get("code") == "noRecordsMatch"


@pytest.mark.parametrize("params,code,status", [
    ({}, "badVerb", 400),
    ({"verb": "Harvest"}, "badVerb", 400),
    ({"verb": "ListRecords"}, "badArgument", 400),
    ({"verb": "Identify", "extra": "1"}, "badArgument", 400),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-01"}, "badArgument", 400),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01", "until": "2024-02-01T00:00:00Z"},
     "badArgument", 400),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-01-01", "until": "2024-01-01"},
     "badArgument", 400),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat", 400),
    ({"verb": "ListRecords", "resumptionToken": "garbage!"}, "badResumptionToken", 400),
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument", 400),
    ({"verb": "ListSets", "resumptionToken": "abc"}, "badResumptionToken", 400),
    ({"verb": "GetRecord", "identifier": "oai:ouvert.quebec:publication/999999", "metadataPrefix": "oai_dc"},
     "idDoesNotExist", 404),
    ({"verb": "ListMetadataFormats", "identifier": "oai:elsewhere:1"}, "idDoesNotExist", 404),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "fonds:crsh"}, "noRecordsMatch", 200),
])
def test_errors_have_their_code_and_status(oai, world, params, code, status):
    got_status, doc = oai(**params)
    assert (got_status, doc.find("o:error", NS).get("code")) == (status, code)
    if code in ("badVerb", "badArgument"):
        assert doc.find("o:request", NS).attrib == {}


def test_repeated_argument_is_bad(client, world):
    response = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc")
    assert response.status_code == 400 and b'code="badArgument"' in response.content


def test_post_answers_like_get(oai, world):
    status, doc = oai(method="post", verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert status == 200 and len(doc.xpath("//o:header", namespaces=NS)) == 3


def test_tokens_are_keys_that_do_not_expire_and_pages_cost_the_same(oai, world, frq, article, settings,
                                                                     django_assert_max_num_queries):
    settings.OPENACCESS_OAI_PAGE_SIZE = 2
    for i in range(4):
        publication_declare(data=article(title=f"Article {i}"), by=actors.COMMAND)
    seen, token, cursors = [], None, []
    while True:
        params = {"verb": "ListRecords", "resumptionToken": token} if token else {"verb": "ListRecords",
                                                                                   "metadataPrefix": "oai_dc"}
        with django_assert_max_num_queries(12):
            _status, doc = oai(**params)
        seen += doc.xpath("//o:header/o:identifier/text()", namespaces=NS)
        element = doc.find(".//o:resumptionToken", NS)
        if element is None:
            break
        assert element.get("completeListSize") == "7"
        cursors.append(int(element.get("cursor")))
        token = element.text
        if not token:
            break
    assert len(seen) == len(set(seen)) == 7 and cursors == [0, 2, 4, 6]
    # a record changed during the harvest moves to the end; the token itself stays valid
    _status, first = oai(verb="ListRecords", metadataPrefix="oai_dc")
    kept = first.find(".//o:resumptionToken", NS).text
    Publication.objects.filter(title="Article 3").update(updated_at=timezone.now() + dt.timedelta(days=1))
    status, later = oai(verb="ListRecords", resumptionToken=kept)
    assert status == 200 and later.find("o:error", NS) is None


@pytest.mark.django_db(transaction=True)
def test_sickle_harvests_every_record_through_tokens(live_server, frq, article, settings, schema):
    from sickle import Sickle

    settings.OPENACCESS_OAI_PAGE_SIZE = 3
    for i in range(8):
        publication_declare(data=article(title=f"Moisson {i}"), by=actors.COMMAND)
    sickle = Sickle(f"{live_server.url}/oai")
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    records = list(sickle.ListRecords(metadataPrefix="oai_openaire", set="openaire"))
    assert len(headers) == len(records) == 8
    assert sorted(r.header.identifier for r in records) == sorted(h.identifier for h in headers)
    assert sickle.Identify().deletedRecord == "persistent"
    post = Sickle(f"{live_server.url}/oai", http_method="POST")
    assert len(list(post.ListRecords(metadataPrefix="oai_dc"))) == 8


