"""HEAD and byte ranges as real clients use them, against the production server (waitress).

Django's test client and ``runserver`` drop HEAD bodies themselves, which hid the bug that GDAL's
``/vsicurl/`` met: waitress sent the body of a HEAD, corrupting the next response on a kept-alive
connection. These tests serve the application with waitress in a thread and drive it with
``http.client`` (one kept-alive connection), GDAL (pyogrio) and DuckDB's httpfs.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = [pytest.mark.slow, pytest.mark.one_engine]  # HTTP semantics of the server, whatever the engine

CSV = "nom,latitude,longitude,valeur\n" + "".join(
    f"Borne {i},{45.50 + i / 1000:.3f},{-73.60 - i / 1000:.3f},{i * 1.5}\n" for i in range(40))


@pytest.fixture
def server(transactional_db) -> Iterator[str]:
    """The WSGI application behind waitress on a free loopback port (sharing the test database)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connections
    from waitress.server import create_server

    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}  # type: ignore[attr-defined]  # SQLite's
    for connection in shared.values():
        connection.inc_thread_sharing()
    handler = WSGIHandler()

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        for alias, connection in shared.items():
            connections[alias] = connection
        return handler(environ, start_response)

    httpd = create_server(app, host="127.0.0.1", port=0, threads=1, clear_untrusted_proxy_headers=True)

    def serve() -> None:
        with contextlib.suppress(OSError, ValueError):  # close() from this thread ends the loop so
            httpd.run()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.effective_port}"  # type: ignore[union-attr]  # the stubs lack it
    finally:
        httpd.close()
        thread.join(timeout=5)
        for connection in shared.values():
            connection.dec_thread_sharing()


@pytest.fixture
def published(make_user, make_org, make_member, django_capture_on_commit_callbacks) -> dict[str, str]:
    """A published dataset with one CSV of points: a datastore table, a map layer and a stored file."""
    from ouvert.catalog import services

    organization = make_org("bornes")
    editor = make_user("editrice@bornes.qc.ca")
    make_member(editor, organization, "editor")
    with django_capture_on_commit_callbacks(execute=True):
        dataset = services.dataset_create(by=editor, organization=organization, title="Bornes de recharge",
                                          name="bornes-recharge",
                                          notes="Les bornes de recharge publiques, avec leurs coordonnées.")
        resource = services.resource_create(dataset=dataset, by=editor, name="bornes",
                                            file=SimpleUploadedFile("bornes.csv", CSV.encode()))
        services.dataset_publish(dataset=dataset, by=editor)
    return {"rid": str(resource.pk), "media": f"/media/{resource.file.name}",
            "ckan_download": f"/dataset/{dataset.pk}/resource/{resource.pk}/download/bornes.csv"}


def _connection(base: str) -> http.client.HTTPConnection:
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)


def test_head_sends_no_body_and_keeps_the_connection_usable(server, published):
    connection = _connection(server)
    paths = ["/fr/", "/api/3/action/status_show", f"/api/v1/datastore/{published['rid']}/export.csv",
             f"/api/v1/geo/layers/{published['rid']}/export/geojson", published["media"]]
    for path in paths:
        connection.request("HEAD", path)
        head = connection.getresponse()
        assert head.status == 200, (path, head.status)
        assert head.read() == b""
        length = head.getheader("Content-Length")
        connection.request("GET", path)  # same connection: a HEAD body left on it would corrupt this
        get = connection.getresponse()
        body = get.read()
        assert get.status == 200, (path, get.status, body[:200])
        if length is not None and not get.getheader("Content-Encoding"):
            assert int(length) == len(body), path
    connection.request("GET", "/api/3/action/status_show")
    assert b'"success": true' in connection.getresponse().read()
    connection.close()


def test_head_of_a_stream_of_unknown_size_has_its_length_and_no_bytes(server):
    """The open-access ledger is streamed as it is written: a HEAD gets its length and not one byte after
    the headers (waitress frames a body of unknown size as chunks, whose terminator broke clients)."""
    parts = urlsplit(server)
    for path in ("/fr/libre-acces/registre.csv", "/en/open-access/ledger.csv"):
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port), timeout=30) as raw:
            raw.sendall(f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := raw.recv(65536):
                answer += chunk
        headers, _, after = answer.partition(b"\r\n\r\n")
        assert headers.startswith(b"HTTP/1.1 200") and after == b"", (path, headers, after)
        assert b"transfer-encoding" not in headers.lower(), headers
        length = int(re.search(rb"(?im)^content-length: (\d+)", headers).group(1))
        connection = _connection(server)
        connection.request("GET", path)
        get = connection.getresponse()
        assert get.status == 200 and len(get.read()) == length
        connection.close()


def test_byte_ranges_on_files_and_exports(server, published):
    connection = _connection(server)
    for path in [published["media"], f"/api/v1/datastore/{published['rid']}/export.parquet",
                 f"/api/v1/geo/layers/{published['rid']}/export/shapefile"]:
        connection.request("GET", path)
        whole = connection.getresponse()
        full = whole.read()
        assert whole.status == 200, path
        connection.request("GET", path, headers={"Range": "bytes=4-19"})
        part = connection.getresponse()
        assert part.status == 206, (path, part.status)
        assert part.getheader("Content-Range") == f"bytes 4-19/{len(full)}"
        assert part.read() == full[4:20]
        connection.request("GET", path, headers={"Range": "bytes=-8"})
        tail = connection.getresponse()
        assert (tail.status, tail.read()) == (206, full[-8:])
        if path.endswith("/shapefile"):  # generated per request: the same bytes a second later, or the
            time.sleep(1.1)  # parts a range reader assembles would come from different archives
            connection.request("GET", path)
            assert connection.getresponse().read() == full
        connection.request("GET", path, headers={"Range": f"bytes={len(full) + 10}-"})
        refused = connection.getresponse()
        refused.read()
        assert refused.status == 416 and refused.getheader("Content-Range") == f"bytes */{len(full)}"
    connection.close()


def test_gdal_reads_layers_and_files_over_vsicurl(server, published, monkeypatch):
    pyogrio = pytest.importorskip("pyogrio")
    monkeypatch.setenv("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR")
    monkeypatch.setenv("CPL_VSIL_CURL_USE_HEAD", "YES")
    import io
    import urllib.request
    import zipfile

    shapefile_url = f"{server}/api/v1/geo/layers/{published['rid']}/export/shapefile"
    with urllib.request.urlopen(shapefile_url) as response:  # noqa: S310 — the loopback test server
        members = zipfile.ZipFile(io.BytesIO(response.read())).namelist()
    inner = next(name for name in members if name.endswith(".shp"))
    shapefile = pyogrio.read_info(f"/vsizip/{{/vsicurl/{shapefile_url}}}/{inner}")  # no .zip in the URL
    assert shapefile["features"] == 40 and shapefile["geometry_type"] == "Point"
    geojson = pyogrio.read_info(f"/vsicurl/{server}/api/v1/geo/layers/{published['rid']}/export/geojson")
    assert geojson["features"] == 40
    original = pyogrio.read_info(f"/vsicurl/{server}{published['media']}")
    assert original["features"] == 40
    through_ckan = pyogrio.read_info(f"/vsicurl/{server}{published['ckan_download']}")  # the bytes, no redirect
    assert through_ckan["features"] == 40


def test_duckdb_reads_the_parquet_export_over_http(server, published):
    duckdb = pytest.importorskip("duckdb")
    from duckdb_extensions import import_extension

    import_extension("httpfs")  # from PyPI, so that nothing is downloaded at run time
    connection = duckdb.connect()
    connection.execute("LOAD httpfs")
    url = f"{server}/api/v1/datastore/{published['rid']}/export.parquet"
    count, total = connection.execute("SELECT count(*), sum(valeur) FROM read_parquet(?)", [url]).fetchone()
    assert (count, total) == (40, sum(i * 1.5 for i in range(40)))
    kinds = {row[0]: row[1] for row in connection.execute("DESCRIBE SELECT * FROM read_parquet(?)", [url]).fetchall()}
    assert kinds["valeur"] == "DOUBLE" and kinds["nom"] == "VARCHAR"


def test_pandas_reads_every_export_and_the_api_over_http(server, published):
    """What a data user types in a notebook: ``pandas.read_*`` on the export addresses (CSV, with
    and without the spreadsheet BOM; Parquet; XLSX; JSON) and on ``datastore_search``."""
    pandas = pytest.importorskip("pandas")
    base = f"{server}/api/v1/datastore/{published['rid']}/export"
    frames = {"csv": pandas.read_csv(f"{base}.csv"), "csv-bom": pandas.read_csv(f"{base}.csv?bom=true"),
              "parquet": pandas.read_parquet(f"{base}.parquet"), "xlsx": pandas.read_excel(f"{base}.xlsx")}
    for kind, frame in frames.items():
        assert list(frame.columns)[-4:] == ["nom", "latitude", "longitude", "valeur"], kind
        assert len(frame) == 40 and frame["valeur"].sum() == sum(i * 1.5 for i in range(40)), kind
        assert frame["nom"].iloc[0] == "Borne 0", kind  # no BOM left in the first name, no mojibake
    assert str(frames["parquet"]["valeur"].dtype) == "float64"
    records = pandas.read_json(f"{base}.json")
    assert len(records) == 40
    answer = pandas.read_json(f"{server}/api/3/action/datastore_search?resource_id={published['rid']}&limit=100")
    table = pandas.DataFrame(answer["result"]["records"])
    assert len(table) == 40 and table["valeur"].dtype.kind == "f"
