"""Scale: what users run, at N documents, each figure beside a baseline measured in the same run.

    python -m benchmarks.scale --sizes 1000,10000,100000 [--database-url postgresql+psycopg://…]
                               [--workers 2] [--requests 200] [--import-files 100] [--json]

For each size a fresh register (the demo plus N synthetic documents, every one in force) is
built, and then, as a user meets it:

| what | Styrdok | baseline (same data, same tokenizer) |
|---|---|---|
| `styrdok check` | the CLI as a process, wall time and peak memory | a fresh process making the same engine call with related documents from the raw FTS5 (SQLite) or GIN (PostgreSQL) index |
| check API, POST /api/v1/documents | under gunicorn, p50/p95 of sequential requests | the same requests against the demo register alone (a write must cost the same whatever the size) |
| GET /api/v1/documents (page of 50), GET …/<id> | requests per second, 4 clients, gunicorn | a bare Flask app returning the same bytes under the same gunicorn |
| search page | p50/p95 under gunicorn | a bare Flask app under the same gunicorn that runs the raw indexed query for the word and returns the same page bytes (and, for orientation, that query alone in process) |
| `styrdok import` | files per second into the N register | the same files into the demo register, and read in process with python-docx/pdfminer in one transaction |
| worker memory | the largest gunicorn worker's RSS after the load | – (aim: under 400 MB) |

Text first, then one JSON line; `--json` prints only the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.synthetic import generate
from registry.config import PROJECT_ROOT

MOTION = PROJECT_ROOT / "registry" / "demo" / "motion_ai_vallentuna.txt"
SEARCH_WORDS = ["bygglov", "skolskjuts", "klimat", "upphandling", "trygghet", "arkiv", "kultur", "trafik"]


# --- registers ---------------------------------------------------------------------------------


class Register:
    """A fresh database and instance folder with the demo register and N synthetic documents."""

    def __init__(self, size: int, database_url: str | None, work: Path):
        self.size = size
        self.instance = work / f"instance-{size}"
        self.instance.mkdir(parents=True, exist_ok=True)
        self._admin_url = database_url
        if database_url:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            base = make_url(database_url)
            self.name = f"{base.database}_scale_{uuid.uuid4().hex[:8]}"
            admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.name}"'))
            admin.dispose()
            self.url = base.set(database=self.name).render_as_string(hide_password=False)
        else:
            self.url = f"sqlite:///{self.instance / 'styrdok.sqlite3'}"
        self.env = {
            **os.environ,
            "STYRDOK_DATABASE_URL": self.url,
            "STYRDOK_INSTANCE_DIR": str(self.instance),
            "STYRDOK_SECRET_KEY": "benchmark",
            "STYRDOK_LOGIN_RATE": "100000 per minute",
        }

    def build(self) -> float:
        started = time.perf_counter()
        styrdok = shutil.which("styrdok") or "styrdok"
        subprocess.run([styrdok, "init", "--demo"], env=self.env, check=True, capture_output=True)
        from registry.db import make_engine, make_session_factory
        from registry.services import register_document

        engine = make_engine(self.url)
        sessions = make_session_factory(engine)
        snapshots = generate(self.size, seed=3).snapshots
        session = sessions()
        for number, snapshot in enumerate(snapshots, 1):
            register_document(
                session,
                {
                    "id": f"skala-{number:07d}",
                    "title": f"{snapshot.title} {number}",
                    "type": snapshot.type,
                    "status": "gällande",
                    "topics": list(snapshot.topics),
                    "summary": snapshot.summary,
                    "sections": [{"anchor": s.anchor, "heading": s.heading, "text": s.text} for s in snapshot.sections],
                },
                actor="benchmark",
            )
            if number % 1000 == 0:
                session.commit()
                print(f"  … {number} av {self.size} dokument", file=sys.stderr, flush=True)
        session.commit()
        session.close()
        engine.dispose()
        if self.url.startswith("postgresql"):
            self.sql("ANALYZE")
        return time.perf_counter() - started

    def sql(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def token(self) -> str:
        from registry.db import make_engine, make_session_factory
        from registry.services.users import create_api_token, get_user

        engine = make_engine(self.url)
        with make_session_factory(engine)() as session:
            token = create_api_token(session, get_user(session, "registrator"), "benchmark", actor="benchmark")
            session.commit()
        engine.dispose()
        return token

    def drop(self) -> None:
        if not self._admin_url:
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(make_url(self._admin_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()


# --- processes ---------------------------------------------------------------------------------


#: Runs a command and reports its wall time and peak RSS. A small launcher of its own, because a
#: child's high-water mark starts at its parent's size when it is forked (the kernel keeps it
#: across exec): measured straight from this process, which holds a 100,000-document register
#: in memory while it builds it, every command looked as large as the benchmark itself.
_LAUNCH = (
    "import os, sys, time\n"
    "started = time.perf_counter()\n"
    "pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ)\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status))\n"
)


def timed_process(command: list[str], env: dict[str, str], rounds: int = 3) -> dict[str, float]:
    """Median wall time and the largest peak RSS of a command run ``rounds`` times."""
    times, peaks = [], []
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, "-c", _LAUNCH, *command], env=env, capture_output=True, text=True, check=True
        )
        seconds, peak_kb, code = done.stdout.split()[-3:]
        if int(code) != 0:
            raise RuntimeError(f"{' '.join(command)} misslyckades: {done.stderr[-400:]}")
        times.append(float(seconds))
        peaks.append(int(peak_kb) / 1024)
    return {"seconds": statistics.median(times), "peak_mb": max(peaks)}


def baseline_check(path: str) -> None:
    """The baseline process: the engine call with related documents from the raw index."""
    from sqlalchemy import text

    from registry.config import load_settings
    from registry.db import make_engine, make_session_factory
    from registry.queries.search import analyse
    from registry.rules.engine import RelatedDocument, check
    from registry.services.findings import register_ruleset

    motion = Path(path).read_text(encoding="utf-8")
    settings = load_settings()
    engine = make_engine(settings.database_url)
    with make_session_factory(engine, writes=False)() as session:
        ruleset = register_ruleset(session, settings)
        words = sorted(set(analyse(motion)))[:64]
        if engine.dialect.name == "sqlite":
            rows = session.execute(
                text(
                    "SELECT d.id, d.title, d.type_key, bm25(search_fts) AS rank FROM search_fts "
                    "JOIN search_entries e ON e.id = search_fts.rowid JOIN documents d ON d.id = e.document_id "
                    "WHERE search_fts MATCH :q ORDER BY rank LIMIT 8"
                ),
                {"q": " OR ".join(f'terms : "{w}"' for w in words)},
            ).all()
        else:
            rows = session.execute(
                text(
                    "SELECT d.id, d.title, d.type_key, ts_rank(e.terms_tsv, q) AS rank FROM search_entries e "
                    "JOIN documents d ON d.id = e.document_id, to_tsquery('simple', :q) q "
                    "WHERE e.terms_tsv @@ q ORDER BY rank DESC LIMIT 8"
                ),
                {"q": " | ".join(words)},
            ).all()
        related = [
            RelatedDocument(id=r[0], title=r[1], type=r[2], score=0.5, shared_terms=[], section=None) for r in rows
        ]
        print(json.dumps(check(motion, ruleset, related=related).to_dict(), ensure_ascii=False)[:100])
    engine.dispose()


# --- HTTP ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, app: str, env: dict[str, str], workers: int):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "300",
                "--log-level",
                "warning",
                app,
            ],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = "/healthz" if "create_app()" in app and "bare" not in app else "/api/v1/documents"
        for _ in range(600):
            try:
                urllib.request.urlopen(self.base + probe, timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn ({app}) svarade aldrig")

    def worker_rss_mb(self) -> float:
        """The largest RSS among the master's workers."""
        largest = 0.0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid):
                largest = max(largest, int(fields.get("VmRSS", "0 kB").split()[0]) / 1024)
        return largest

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def request(base: str, path: str, *, body: Any = None, token: str | None = None) -> tuple[int, bytes, float]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers), timeout=300) as r:
            payload, status = r.read(), r.status
    except urllib.error.HTTPError as error:
        payload, status = error.read(), error.code
    return status, payload, time.perf_counter() - started


def latencies(base: str, paths_and_bodies: list[tuple[str, Any]], token: str | None = None) -> dict[str, float]:
    times = []
    for path, body in paths_and_bodies:
        status, payload, seconds = request(base, path, body=body, token=token)
        if status >= 400:
            raise RuntimeError(f"{path}: {status} {payload[:200]!r}")
        times.append(seconds)
    return _percentiles(times)


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
    }


def throughput(base: str, path: str, count: int, clients: int = 4) -> float:
    def one(_: int) -> None:
        status, payload, _ = request(base, path)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")

    for _ in range(5):  # warm every worker
        one(0)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(count)))
    return count / (time.perf_counter() - started)


def raw_match(connection: Any, word: str) -> list[Any]:
    """The raw indexed query for one word (prefix, and suffix through the reversed terms), ids
    only: FTS5 on SQLite, the GIN-indexed tsvectors on PostgreSQL. The search baselines run it."""
    from sqlalchemy import text

    from registry.queries.search import query_words

    stem = query_words(word)[0]
    if connection.dialect.name == "sqlite":
        return connection.execute(
            text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q"),
            {"q": f'(terms : "{stem}"* OR reversed_terms : "{stem[::-1]}"*)'},
        ).all()
    return connection.execute(
        text(
            "SELECT document_id FROM search_entries WHERE terms_tsv @@ to_tsquery('simple', :w) "
            "UNION SELECT document_id FROM search_entries WHERE reversed_tsv @@ to_tsquery('simple', :r)"
        ),
        {"w": f"{stem}:*", "r": f"{stem[::-1]}:*"},
    ).all()


def raw_search(url: str, words: list[str]) -> dict[str, float]:
    """The raw indexed query for each word, in process (orientation beside the HTTP baseline)."""
    from registry.db import make_engine

    engine = make_engine(url)
    times = []
    with engine.connect() as connection:
        for _ in range(3):
            for word in words:
                started = time.perf_counter()
                raw_match(connection, word)
                times.append(time.perf_counter() - started)
    engine.dispose()
    return _percentiles(times)


def new_document(number: int) -> dict[str, Any]:
    snapshot = generate(number + 1, seed=99).snapshots[-1]
    return {
        "title": f"{snapshot.title} (mätning {number} {uuid.uuid4().hex[:6]})",
        "type": snapshot.type,
        "status": "gällande",
        "summary": snapshot.summary,
        "sections": [{"heading": s.heading, "text": s.text} for s in snapshot.sections],
    }


def measure_http(register: Register, workers: int, requests: int, work: Path) -> dict[str, Any]:
    token = register.token()
    motion = MOTION.read_text(encoding="utf-8")
    server = Gunicorn("web:create_app()", register.env, workers)
    try:
        checks = latencies(server.base, [("/api/v1/checks", {"text": motion})] * 3)  # warm
        checks = latencies(server.base, [("/api/v1/checks", {"text": motion})] * max(20, requests // 4))
        # A quarter of the requests as saves (50 of the default 200): with 20, the p95 was the
        # second slowest save, and swung by 150 ms between runs.
        posts = latencies(
            server.base, [("/api/v1/documents", new_document(i)) for i in range(max(10, requests // 4))], token
        )
        pages = {w: request(server.base, f"/?q={w}")[1] for w in SEARCH_WORDS}  # warms, and the bytes to serve
        search = latencies(server.base, [(f"/?q={w}", None) for w in SEARCH_WORDS * 3])
        _, listing, _ = request(server.base, "/api/v1/documents?per_page=50")
        first = json.loads(listing)["documents"][0]["id"]
        _, single, _ = request(server.base, f"/api/v1/documents/{first}")
        list_rps = throughput(server.base, "/api/v1/documents?per_page=50", requests)
        single_rps = throughput(server.base, f"/api/v1/documents/{first}", requests)
        rss = server.worker_rss_mb()
    finally:
        server.stop()
    bodies = work / f"bare-{register.size}"
    bodies.mkdir(exist_ok=True)
    (bodies / "list.json").write_bytes(listing)
    (bodies / "document.json").write_bytes(single)
    for word in SEARCH_WORDS:
        (bodies / f"search-{word}.html").write_bytes(pages[word])
    bare_env = {**os.environ, "STYRDOK_BARE_BODIES": str(bodies), "STYRDOK_BARE_DATABASE_URL": register.url}
    bare = Gunicorn("benchmarks.bare_app:create_app()", bare_env, workers)
    try:
        bare_list = throughput(bare.base, "/api/v1/documents?per_page=50", requests)
        bare_single = throughput(bare.base, f"/api/v1/documents/{first}", requests)
        latencies(bare.base, [(f"/?q={w}", None) for w in SEARCH_WORDS])  # warm, as ours was
        bare_search = latencies(bare.base, [(f"/?q={w}", None) for w in SEARCH_WORDS * 3])
    finally:
        bare.stop()
    return {
        "check_api": checks,
        "post_document": posts,
        "search_page": search,
        "bare_search": bare_search,
        "search_p95_ratio": round(search["p95_ms"] / bare_search["p95_ms"], 2),
        "raw_search": raw_search(register.url, SEARCH_WORDS),
        "list_rps": round(list_rps, 1),
        "bare_list_rps": round(bare_list, 1),
        "list_ratio": round(list_rps / bare_list, 3),
        "by_id_rps": round(single_rps, 1),
        "bare_by_id_rps": round(bare_single, 1),
        "by_id_ratio": round(single_rps / bare_single, 3),
        "worker_rss_mb": round(rss, 1),
    }


def measure_check(register: Register) -> dict[str, Any]:
    styrdok = shutil.which("styrdok") or "styrdok"
    ours = timed_process([styrdok, "check", "--format", "json", str(MOTION)], register.env)
    base = timed_process([sys.executable, "-m", "benchmarks.scale", "--baseline-check", str(MOTION)], register.env)
    return {
        "seconds": round(ours["seconds"], 3),
        "peak_mb": round(ours["peak_mb"], 1),
        "baseline_seconds": round(base["seconds"], 3),
        "baseline_peak_mb": round(base["peak_mb"], 1),
        "ratio": round(ours["seconds"] / base["seconds"], 2),
    }


def import_folder(files: int, work: Path) -> Path:
    folder = work / "import-files"
    if not folder.exists():
        from benchmarks.ingest import write_folder

        folder.mkdir()
        write_folder(folder, files, seed=21)
        (folder / "förteckning.xlsx").unlink(missing_ok=True)  # the files alone: each read from its text
    return folder


def measure_import(register: Register, folder: Path) -> float:
    styrdok = shutil.which("styrdok") or "styrdok"
    count = len(list(folder.iterdir()))
    started = time.perf_counter()
    done = subprocess.run([styrdok, "import", str(folder)], env=register.env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"styrdok import avslutades med {done.returncode}: {done.stderr.strip()[-600:]}")
    return count / (time.perf_counter() - started)


def baseline_import(folder: Path, url: str) -> float:
    """Read each file in process (python-docx, pdfminer) and register it, in one transaction."""
    from registry.db import make_engine, make_session_factory
    from registry.ingest.extract_worker import read_one
    from registry.services import register_document

    engine = make_engine(url)
    paths = sorted(folder.iterdir())
    started = time.perf_counter()
    with make_session_factory(engine)() as session:
        for path in paths:
            read = read_one(path.read_bytes())
            if read["kind"] == "pdf":
                text = "\n".join(line["text"] for page in read["pages"] for line in page["lines"])
            else:
                text = "\n".join(block["text"] for block in read.get("blocks", []))
            register_document(
                session,
                {
                    "title": f"Baslinje {path.stem}",
                    "type": "riktlinje",
                    "status": "utkast",
                    "full_text": text[:200_000],
                },
                actor="benchmark",
            )
        session.commit()
    engine.dispose()
    return len(paths) / (time.perf_counter() - started)


def run(sizes: list[int], database_url: str | None, workers: int, requests: int, files: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="styrdok-scale-"))
    results: dict[str, Any] = {
        "database": "postgresql" if database_url else "sqlite",
        "workers": workers,
        "cpus": os.cpu_count(),
        "sizes": {},
    }
    folder = import_folder(files, work)
    empty = Register(0, database_url, work)
    try:
        empty.build()
        results["empty"] = {
            "http": measure_http(empty, workers, requests, work),
            "import_files_per_second": round(measure_import(empty, folder), 1),
        }
        scratch = Register(-1, database_url, work)
        scratch.build()
        results["baseline_import_files_per_second"] = round(baseline_import(folder, scratch.url), 1)
        scratch.drop()
    finally:
        empty.drop()
    for size in sizes:
        register = Register(size, database_url, work)
        try:
            built = register.build()
            row: dict[str, Any] = {"built_seconds": round(built, 1)}
            row["check_cli"] = measure_check(register)
            row["http"] = measure_http(register, workers, requests, work)
            try:
                row["import_files_per_second"] = round(measure_import(register, folder), 1)
            except RuntimeError as error:  # a failure is a finding too; the other figures stand
                row["import_files_per_second"] = None
                row["import_error"] = str(error)
            results["sizes"][str(size)] = row
        finally:
            register.drop()
    shutil.rmtree(work, ignore_errors=True)
    return results


def report(results: dict[str, Any]) -> str:
    empty = results["empty"]["http"]
    lines = [
        f"Skala på {results['database']}, gunicorn -w {results['workers']}, {results['cpus']} kärnor",
        f"  tomt register (demo): POST dokument p50/p95 {empty['post_document']['p50_ms']}/{empty['post_document']['p95_ms']} ms, "
        f"check-API {empty['check_api']['p50_ms']}/{empty['check_api']['p95_ms']} ms, import {results['empty']['import_files_per_second']} filer/s; "
        f"baslinje import i processen {results['baseline_import_files_per_second']} filer/s",
    ]
    for size, row in results["sizes"].items():
        h, c = row["http"], row["check_cli"]
        lines += [
            f"{int(size):,} dokument (byggt på {row['built_seconds']} s)".replace(",", " "),
            f"  styrdok check: {c['seconds']} s, {c['peak_mb']} MB; baslinje {c['baseline_seconds']} s, "
            f"{c['baseline_peak_mb']} MB: {c['ratio']}×",
            f"  check-API p50/p95: {h['check_api']['p50_ms']}/{h['check_api']['p95_ms']} ms "
            f"(tomt register {empty['check_api']['p50_ms']}/{empty['check_api']['p95_ms']})",
            f"  POST dokument p50/p95: {h['post_document']['p50_ms']}/{h['post_document']['p95_ms']} ms "
            f"(tomt register {empty['post_document']['p50_ms']}/{empty['post_document']['p95_ms']})",
            f"  GET lista (50): {h['list_rps']} req/s; bar Flask {h['bare_list_rps']}: {h['list_ratio']}",
            f"  GET per id: {h['by_id_rps']} req/s; bar Flask {h['bare_by_id_rps']}: {h['by_id_ratio']}",
            f"  sök-sidan p50/p95: {h['search_page']['p50_ms']}/{h['search_page']['p95_ms']} ms; rå indexfråga "
            f"bakom bar Flask {h['bare_search']['p50_ms']}/{h['bare_search']['p95_ms']} ms: {h['search_p95_ratio']}× "
            f"(frågan ensam i processen {h['raw_search']['p50_ms']}/{h['raw_search']['p95_ms']} ms)",
            f"  import: {row.get('import_error') or row['import_files_per_second']} filer/s (i tomt register "
            f"{results['empty']['import_files_per_second']}; i processen {results['baseline_import_files_per_second']})",
            f"  största arbetsprocess: {h['worker_rss_mb']} MB",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--import-files", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--baseline-check", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_check:
        baseline_check(args.baseline_check)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = run(sizes, args.database_url, args.workers, args.requests, args.import_files)
    if not args.json:
        print(report(results))
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
