"""The search page under load (issue 18): gunicorn with the production settings serves a kept
DATA_DIR on 127.0.0.1, and a bounded generator drives it over HTTP.

    .venv/bin/python bench/load.py DATA_DIR [--clients 8] [--seconds 120] [--workers 2]

- cold start: the first search page after the web process starts (workers warm jieba and the
  index before taking requests, gunicorn.conf.py), and again after the OS page cache is dropped
  when this machine allows it (root, /proc/sys/vm/drop_caches);
- load: `--clients` threads, each with its own keep-alive connection, request the search page
  for mixed queries of every class of bench/run.py (page 1, and page 50 one time in five) for
  `--seconds`: pages per second, p50/p95/p99, errors; the pages come from a pool of mixed
  searches, so a worker serves most of them again from what it kept (search.engine's answers,
  search.page_cache's pages); `--unkept` makes every URL new, so no page is served kept;
- memory: the resident size of the gunicorn master and of each worker, after the load.

A thread per client is enough here: each waits on the server almost all the time, and the
generator's own CPU (about 2 % of a core at 50 pages/s) is reported beside the results, since it
shares the machine's two cores with the workers. Prints JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import percentiles, rss_mb  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


class Server:
    """gunicorn on a free port with the production settings (DEBUG off, static files collected)."""

    def __init__(self, data_dir: Path, workers: int, database_url: str = ""):
        self.port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newspaper.settings",
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
        }
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [str(gunicorn), "newspaper.wsgi:application", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.workers = workers

    def wait_ready(self, timeout: float = 120) -> float:
        """Seconds until every worker has started (warmed up) and the port answers."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if len(children(self.process.pid)) >= self.workers:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                    get(conn, "/static/favicon.svg")
                    return time.perf_counter() - self.started
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start: " + self.process.stderr.read1(4000).decode(errors="replace"))

    def memory(self) -> dict:
        workers = children(self.process.pid)
        return {
            "master_mb": rss_mb(pid=self.process.pid),
            "workers_mb": [rss_mb(pid=p) for p in workers],
            "workers_anon_mb": [rss_mb("RssAnon", p) for p in workers],
            "workers_file_mb": [rss_mb("RssFile", p) for p in workers],
        }

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def drop_page_cache() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def cold_start(data_dir: Path, workers: int, path: str, database_url: str) -> dict:
    out = {}
    for label, drop in (("warm_cache", False), ("dropped_cache", True)):
        if drop and not drop_page_cache():
            out[label] = "not possible here (no permission to drop the page cache)"
            continue
        server = Server(data_dir, workers, database_url)
        try:
            ready = server.wait_ready()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            status, first = get(conn, path)
            _, second = get(conn, path)
            out[label] = {
                "ready_s": round(ready, 2),
                "first_page_ms": round(first * 1000, 1),
                "second_page_ms": round(second * 1000, 1),
                "status": status,
            }
        finally:
            server.stop()
    return out


def load(server: Server, paths: list[str], clients: int, seconds: float, unkept: bool = False) -> dict:
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(k: int) -> None:
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        while time.perf_counter() < stop_at:
            path = rng.choice(paths)
            if unkept:  # a URL never asked before: no page kept for it (search.page_cache)
                path += f"&unkept={k}-{rng.getrandbits(48)}"
            try:
                status, elapsed = get(conn, path)
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors.append(f"{path}: {e!r}")
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                continue
            with lock:
                times.append(elapsed)
                if status != 200:
                    errors.append(f"{path}: HTTP {status}")

    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    generator_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    ordered = sorted(times)
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(times),
        "distinct_searches": len(set(paths)),
        "pages_unkept": unkept,
        "pages_per_s": round(len(times) / wall, 1),
        **percentiles(times),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 1) if ordered else 0.0,
        "errors": len(errors),
        "error_samples": errors[:5],
        "generator_cpu_share": round(generator_cpu / wall, 3),
    }


def mixed_paths(queries: dict[str, list[dict]], rng: random.Random) -> list[str]:
    paths = []
    for params_list in queries.values():
        for params in params_list:
            page = {"page": 50} if rng.random() < 0.2 else {}
            paths.append("/search/?" + urlencode({**params, **page}))
    return paths


def measure(
    data_dir: Path, clients: int, seconds: float, workers: int, database_url: str = "", unkept: bool = False
) -> dict:
    from bench.run import query_sets, setup_django

    setup_django(data_dir, database_url)
    rng = random.Random(18)
    paths = mixed_paths(query_sets(rng, 30), rng)
    result = {"cold_start": cold_start(data_dir, workers, "/search/?" + urlencode({"q": "工会"}), database_url)}
    server = Server(data_dir, workers, database_url)
    try:
        server.wait_ready()
        result["load"] = load(server, paths, clients, seconds, unkept)
        result["memory_after_load"] = server.memory()
    finally:
        server.stop()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--unkept", action="store_true", help="every URL new: no search page kept (answers still are)")
    args = ap.parse_args()
    print(json.dumps(measure(args.data_dir, args.clients, args.seconds, args.workers, args.database_url, args.unkept)))


if __name__ == "__main__":
    main()
