"""Documents and notes at size: a 20 MB upload and download with the server's peak memory,
and the case file with 500 notes and 100 documents against the page target.

    .venv/bin/python bench/documents_bench.py                 # SQLite scratch file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_bench \\
        .venv/bin/python bench/documents_bench.py

Uses its own database: it drops and recreates every table there.

1. Transfer: the app is served by Werkzeug's server in a child process. A 20 MB photo (a
   JPEG, cleaned as a stream) and a 20 MB PDF (rewritten by qpdf) are uploaded over HTTP
   with the body streamed from disk, then downloaded and read in 64 KB pieces. For each
   step the server's peak resident memory (VmHWM, reset before the step through
   /proc/<pid>/clear_refs) is printed next to its resident memory before the step: a flat
   profile is a peak a few MB above the baseline, not 20 MB or more above it.
2. Pages: one case with 500 notes and 100 documents; the case file (whose timeline lists
   all of them), the notes page, the documents page and the history API are timed through
   the WSGI app, 30 runs after a warm-up (target: p95 under 200 ms). The CPU time this
   process spent on each request is printed beside the wall time, and the load average
   before: on a shared machine the wall time includes waiting for a core.
"""
import argparse
import hashlib
import http.client
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 200
PASSWORD = "bench password 12345"
MB = 1024 * 1024


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def make_app(url):
    from referral import create_app
    return create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": False, "REDIS_URL": None})


def serve(url, port):
    from werkzeug.serving import make_server
    make_server("127.0.0.1", port, make_app(url), threaded=False).serve_forever()


# --- test files of a given size ---------------------------------------------------------

def big_jpeg(path, size):
    """A valid JPEG of about ``size`` bytes: a real small picture whose scan data is padded
    with restart-free filler, plus an EXIF block to strip."""
    from PIL import Image
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "BENCH-CAMERA"
    Image.effect_noise((64, 64), 50).convert("RGB").save(out, "JPEG", exif=exif)
    data = out.getvalue()
    head, tail = data[:-2], data[-2:]  # ... scan data | FF D9
    with open(path, "wb") as f:
        f.write(head)
        filler = bytes(range(0, 0xFF)) * 4096  # no 0xFF byte: stays inside the scan
        remaining = size - len(data)
        while remaining > 0:
            piece = filler[:remaining]
            f.write(piece)
            remaining -= len(piece)
        f.write(tail)


def big_pdf(path, size):
    import pikepdf
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "BENCH-AUTHOR"
    payload = os.urandom(size - 2000)
    pdf.pages[0].Contents = pikepdf.Stream(pdf, b"q Q\n%" + payload.replace(b"\n", b" "))
    pdf.save(path, compress_streams=False)


# --- the transfer benchmark -------------------------------------------------------------

def rss(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # MB
    return 0.0


def reset_peak(pid):
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def upload(port, token, case_id, path, filename):
    boundary = uuid.uuid4().hex
    pre = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\n"
           f"evidence\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
           ).encode()
    post = f"\r\n--{boundary}--\r\n".encode()
    length = len(pre) + os.path.getsize(path) + len(post)

    def body():
        yield pre
        with open(path, "rb") as f:
            while block := f.read(64 * 1024):
                yield block
        yield post
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", f"/api/v1/cases/{case_id}/documents", body=body(), headers={
        "Authorization": f"Bearer {token}", "Content-Length": str(length),
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    response = conn.getresponse()
    data = response.read()
    assert response.status == 201, (response.status, data[:300])
    import json
    return json.loads(data)


def download(port, token, document_id):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", f"/api/v1/documents/{document_id}/versions/1/content",
                 headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    assert response.status == 200, response.status
    digest, size = hashlib.sha256(), 0
    while block := response.read(64 * 1024):
        digest.update(block)
        size += len(block)
    return size


def transfer(url, size_mb):
    from referral.accounts.service import issue_token
    from referral.extensions import db
    app = make_app(url)
    with app.app_context():
        caseworker, case = seed(db)
        token, _ = issue_token(caseworker)
        case_id = case.id
        db.session.commit()
    port = 5400 + os.getpid() % 500
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)],
                              env={**os.environ, "DATABASE_URL": url})
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET",
                                                                                 "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        workdir = Path(tempfile.mkdtemp(prefix="documents-bench-"))
        small = workdir / "small.jpg"
        big_jpeg(small, 300 * 1024)
        warm = upload(port, token, case_id, small, "warm.jpg")  # imports, first queries
        download(port, token, warm["id"])
        rows = []
        for kind, make, name in (("JPEG photo", big_jpeg, "photo.jpg"),
                                 ("PDF", big_pdf, "letter.pdf")):
            path = workdir / name
            make(path, int(size_mb * 1000 * 1000))
            file_mb = os.path.getsize(path) / MB
            base = rss(server.pid, "VmRSS")
            reset_peak(server.pid)
            started = time.perf_counter()
            document = upload(port, token, case_id, path, name)
            up_s = time.perf_counter() - started
            up_peak = rss(server.pid, "VmHWM")
            stored = document["versions"][0]["size_bytes"] / MB
            base_down = rss(server.pid, "VmRSS")
            reset_peak(server.pid)
            started = time.perf_counter()
            got = download(port, token, document["id"])
            down_s = time.perf_counter() - started
            down_peak = rss(server.pid, "VmHWM")
            rows.append((kind, file_mb, stored, up_s, base, up_peak, down_s, base_down,
                         down_peak, got / MB, document["versions"][0]["stripped"]))
        print("\n| file | size | stored | upload | server RSS before → peak | download | "
              "server RSS before → peak | removed |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for kind, mb, stored, up_s, base, up_peak, down_s, base_d, down_peak, got, removed \
                in rows:
            print(f"| {kind} | {mb:.1f} MB | {stored:.1f} MB | {up_s:.2f} s | {base:.0f} → "
                  f"{up_peak:.0f} MB (+{up_peak - base:.0f}) | {down_s:.2f} s | {base_d:.0f} → "
                  f"{down_peak:.0f} MB (+{down_peak - base_d:.0f}) | {', '.join(removed)} |")
    finally:
        server.terminate()
        server.wait()


# --- the pages benchmark ----------------------------------------------------------------

def seed(db):
    from referral.accounts import service as accounts
    from referral.cases import service as cases
    db.drop_all()
    db.create_all()
    agency = accounts.create_agency("Bench NGO", __import__(
        "referral.accounts.models", fromlist=["AgencyKind"]).AgencyKind.ngo)
    caseworker = accounts.create_user("caseworker", PASSWORD, agency=agency,
                                      roles=("caseworker",), mfa_deferred=True)
    case = cases.open_case(caseworker, person={"given_name": "Bench", "family_name": "Person",
                                               "nationality": "RO"},
                           referral={"referred_by": "bench", "narrative": "story"})
    db.session.commit()
    return caseworker, case


def pages(url, notes_count, documents_count, runs):
    from datetime import timedelta

    from referral.database import utcnow
    from referral.documents import service as documents
    from referral.extensions import db
    from referral.notes import service as notes
    from tests.documents.files import pdf_with_metadata
    app = make_app(url)
    with app.app_context():
        caseworker, case = seed(db)
        started = time.perf_counter()
        for i in range(notes_count):
            notes.record_contact(caseworker, case, kind=("visit", "call", "interview")[i % 3],
                                 occurred_at=utcnow() - timedelta(hours=i),
                                 body=f"Contact {i}: " + "what was said. " * 20,
                                 participants="interpreter", interpreter_used=i % 2 == 0)
        letter = pdf_with_metadata()
        for i in range(documents_count):
            documents.add_document(caseworker, case, category="correspondence",
                                   source=io.BytesIO(letter), filename=f"letter-{i}.pdf",
                                   title=f"Letter {i}")
        db.session.commit()
        print(f"seeded {notes_count} notes and {documents_count} documents in "
              f"{time.perf_counter() - started:.1f} s")
        case_id = case.id
    client = app.test_client()
    response = client.post("/login", data={"username": "caseworker", "password": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        from referral.accounts.models import User
        from referral.accounts.service import issue_token
        user = db.session.scalar(__import__("sqlalchemy").select(User))
        token, _ = issue_token(user)
        db.session.commit()
    api = {"Authorization": f"Bearer {token}"}
    targets = [("case file (500 notes, 100 documents on the timeline)", f"/cases/{case_id}",
                {}),
               ("notes page (newest 50)", f"/cases/{case_id}/notes", {}),
               ("documents page (all 100)", f"/cases/{case_id}/documents", {}),
               ("history API", f"/api/v1/cases/{case_id}/history", api),
               ("notes API (first page)", f"/api/v1/cases/{case_id}/notes", api)]
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("\n| page | median | p95 | max | p95 CPU (this process) | target (p95) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, path, headers in targets:
        assert client.get(path, headers=headers).status_code == 200, path
        samples, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, headers=headers)
            response.get_data()
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        p95 = percentile(samples, 0.95)
        print(f"| {name} | {statistics.median(samples):.1f} ms | {p95:.1f} ms | "
              f"{max(samples):.1f} ms | {percentile(cpu, 0.95):.1f} ms | "
              f"{'met' if p95 < TARGET_MS else 'MISSED'} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--size-mb", type=float, default=20)
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", choices=("transfer", "pages"))
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or \
        f"sqlite:///{tempfile.mkdtemp(prefix='documents-bench-')}/bench.sqlite"
    if args.serve:
        return serve(url, args.serve)
    print(f"database: {url.split('@')[-1]}")
    if args.only != "pages":
        transfer(url, args.size_mb)
    if args.only != "transfer":
        pages(url, args.notes, args.documents, args.runs)


if __name__ == "__main__":
    main()
