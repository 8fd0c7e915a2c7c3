"""Load test: gunicorn (2 workers) on loopback, wrk against the main pages.

    .venv/bin/python bench/load.py [--duration 30] [--connections 32] [--notes 1000]

Builds a throw-away production-mode site (SQLite in a temporary folder, the starter
notes and map plus --notes generated notes), serves it with gunicorn on 127.0.0.1,
and runs wrk on the home, note, tag, search, topic and map pages in turn. Prints
requests per second and p99 latency per page, each next to the ceiling measured in the
same run: a bare Django (no middleware, one view returning a constant string, in
bench/ceiling/) served by the same gunicorn. The ceiling is measured before, halfway
through and after the pages, and the highest of the three is the one compared with
(target of issue 17: a cached page at least 90% of it). "search, fresh" sends every
request with a session cookie, so each one misses the page cache and runs the search (target:
at least 25% of the cached note page's rate). Exits with status 1 if any request
failed or answered with a status other than 2xx/3xx. Needs Debian's wrk
(`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; TLS is the proxy's job
        DJANGO_SQLITE_PATH=str(folder / "site.sqlite3"),
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_LOG_LEVEL="ERROR",
    )
    return env


GENERATE = """
import random
from notes.models import Note
rng = random.Random(5)
words = "线程 进程 协程 GIL 垃圾回收 闭包 哈希 the lock event loop queue memory".split()
for index in range({count}):
    body = "\\n\\n".join(" ".join(rng.choice(words) for _ in range(40)) for _ in range(8))
    note = Note.objects.create(title=f"Generated note {{index}}", body=body, status="published")
    note.tags.set(["Python", f"tag{{index % 50}}", "并发"])
"""


def build_site(env: dict[str, str], notes: int) -> None:
    def manage(*args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,  # noqa: S603
                       stdout=subprocess.DEVNULL)  # fmt: skip

    manage("migrate", "--noinput")
    manage("load_sample_content")
    manage("collectstatic", "--noinput")
    if notes:
        manage("shell", "-c", GENERATE.format(count=notes))


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10):  # noqa: S310 (loopback only)
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


# A session cookie (of no session) takes every request past the page cache, as a new
# address would; parameters a page does not read no longer make a new address.
UNCACHED = "Cookie: sessionid=bench-no-such-session"

# Issue 17's targets were set on a machine where this bare Django answered 7,243 req/s.
ISSUE_CEILING_RPS = 7243.0


def run_wrk(
    url: str, duration: int, connections: int, *, unique: bool = False
) -> dict[str, float | int]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if unique:
        command += ["-H", UNCACHED]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    requests = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "rps": float(requests.group(1)) if requests else 0.0,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


@contextmanager
def bare_django(env: dict[str, str]) -> Iterator[str]:
    """The ceiling: bench/ceiling's bare Django under the same gunicorn; yields its URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [PYTHON, "-m", "gunicorn", "django.core.wsgi:get_wsgi_application()",
         "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "bench.ceiling.settings"},
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_up(url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def machine_factor(duration: int = 5, connections: int = 32) -> float:
    """How much slower this machine is than the one issue 17's targets were set on:
    the bare-Django ceiling there over the same ceiling here, measured now."""
    with bare_django(dict(os.environ)) as url:
        rps = max(run_wrk(url, duration, connections)["rps"] for _ in range(2))
    factor = ISSUE_CEILING_RPS / rps if rps else float("nan")
    print(f"machine: bare Django {rps:,.0f} req/s here, {ISSUE_CEILING_RPS:,.0f} where issue "
          f"17's targets were set: targets scaled by {factor:.2f}", flush=True)  # fmt: skip
    return factor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--notes", type=int, default=1000, help="generated notes besides the starter ones"
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="notes-load-") as tmp:
        env = site_environment(Path(tmp))
        print(f"building the site ({options.notes} generated notes)...", flush=True)
        build_site(env, options.notes)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "gunicorn", "config.wsgi", "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            with bare_django(env) as ceiling_url:
                wait_until_up(base + "/")
                failed, rows, ceilings = run_pages(base, ceiling_url, options)
        finally:
            server.terminate()
            server.wait(timeout=10)
    ceiling = max(ceilings)
    print(f"ceiling: bare Django constant view, highest of {len(ceilings)}: {ceiling:.0f} req/s "
          f"({', '.join(f'{rps:.0f}' for rps in ceilings)})")  # fmt: skip
    print(f"{'page':<15}{'req/s':>10}{'of bare':>9}{'p99 ms':>10}{'non-2xx/3xx':>13}"
          f"{'errors':>8}")  # fmt: skip
    for name, result in rows.items():
        share = result["rps"] / ceiling if ceiling else float("nan")
        row = f"{name:<15}{result['rps']:>10.0f}{share:>9.0%}{result['p99_ms']:>10.1f}"
        row += f"{result['non_2xx_3xx']:>13}{result['socket_errors']:>8}"
        print(row, flush=True)
    fresh, cached = rows["search, fresh"]["rps"], rows["note"]["rps"]
    print(f"fresh searches: {fresh / cached:.0%} of the cached note page's rate (target 25%)")
    print("zero errors and zero 5xx" if not failed else "FAILED: errors or bad statuses above")
    return 1 if failed else 0


def run_pages(base: str, ceiling_url: str, options) -> tuple[bool, dict, list[float]]:
    pages = {
        "healthz": "/healthz",
        "home": "/",
        "note": "/notes/" + quote("全局解释器锁-gil") + "/",
        "tag": "/tags/python/",
        "search": "/search/?q=" + quote("协程"),
        "search, fresh": "/search/?q=" + quote("协程") + "&tag=Python",
        "topic": "/topics/gil/",
        "map": "/map/",
    }
    duration, connections = options.duration, options.connections
    ceilings = [run_wrk(ceiling_url, duration, connections)["rps"]]
    rows, failed = {}, False
    for index, (name, path) in enumerate(pages.items()):
        if index == len(pages) // 2:
            ceilings.append(run_wrk(ceiling_url, duration, connections)["rps"])
        result = run_wrk(base + path, duration, connections, unique=name == "search, fresh")
        failed |= bool(result["non_2xx_3xx"] or result["socket_errors"])
        rows[name] = result
    ceilings.append(run_wrk(ceiling_url, duration, connections)["rps"])
    return failed, rows, ceilings


if __name__ == "__main__":
    sys.exit(main())
