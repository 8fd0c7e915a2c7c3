"""Readers while two staff preview adversarial bodies: gunicorn (2 workers) on loopback.

    .venv/bin/python bench/preview_load.py [--duration 20] [--interval 1.0] [--threads 1]

Builds a throw-away production-mode site as bench/load.py does (the starter notes and
map), serves it with gunicorn, and runs wrk (4 connections) on a note page, a tag page
and the home page in turn: first alone, then while two staff users each send the admin's
live preview a hostile body (bracket runs, unclosed link destinations, 400 nested list
levels, a long paragraph of topic mentions, 32-64 KB each) every ``--interval`` seconds,
one preview in flight each, as the editor's script does. Prints each page's p99 alone
and under the previews, their ratio (target: at most 2), and the previews' own
latency and statuses. Exits with status 1 if a request failed or a preview answered
with a 5xx. Needs Debian's wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import PYTHON, ROOT, build_site, free_port, run_wrk, site_environment, wait_until_up  # noqa: E402, I001

STAFF_PASSWORD = "bench-preview-password"  # noqa: S105 (a throw-away site on loopback)
MAKE_STAFF = f"""
from django.contrib.auth import get_user_model
for name in ("staff1", "staff2"):
    get_user_model().objects.create_superuser(name, f"{{name}}@example.com", "{STAFF_PASSWORD}")
"""

HOSTILE_BODIES = [
    "[" * 16000 + "x" + "]" * 16000,
    "[a](" * 8000,
    "".join("    " * level + f"- level {level}\n" for level in range(400))[:64000],
    "# t\n\n" + "GIL closure generator 垃圾回收 " * 2000,
    "![" * 16000 + "x](y)",
]


class Staff(threading.Thread):
    """One staff user: logs in, then previews hostile bodies until told to stop."""

    def __init__(self, port: int, name: str, interval: float, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.name, self.interval, self.stop = port, name, interval, stop
        self.cookies: dict[str, str] = {}
        self.logged_in = threading.Event()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}

    def request(self, method: str, path: str, body: str = "", headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        cookie = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        headers = {"Cookie": cookie, "Host": "127.0.0.1", **(headers or {})}
        connection.request(method, path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie(header)
            self.cookies.update({key: morsel.value for key, morsel in jar.items()})
        connection.close()
        return response.status, content

    def log_in(self) -> None:
        _, page = self.request("GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": self.name,
                                       "password": STAFF_PASSWORD, "next": "/admin/"})  # fmt: skip
        status, _ = self.request("POST", "/admin/login/", form, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{self.port}/admin/login/",
        })  # fmt: skip
        if status != 302:
            raise SystemExit(f"{self.name} could not log in ({status})")

    def run(self) -> None:
        self.log_in()
        self.logged_in.set()
        self.stop.wait(1)  # logging in hashes a password: not part of what is measured
        index = 0
        while not self.stop.is_set():
            body = HOSTILE_BODIES[index % len(HOSTILE_BODIES)]
            form = urllib.parse.urlencode({"body": body, "format": "markdown"})
            started = time.perf_counter()
            status, _ = self.request("POST", "/admin/notes/note/preview/", form, {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
                "Referer": f"http://127.0.0.1:{self.port}/admin/",
            })  # fmt: skip
            self.latencies.append(time.perf_counter() - started)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            index += 1
            self.stop.wait(self.interval)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per page and phase")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between previews")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    note = "/notes/" + urllib.parse.quote("全局解释器锁-gil") + "/"
    pages = {"note": note, "tag": "/tags/python/", "home": "/"}
    with tempfile.TemporaryDirectory(prefix="notes-preview-load-") as tmp:
        env = site_environment(Path(tmp))
        print("building the site...", flush=True)
        build_site(env, 0)
        subprocess.run([PYTHON, "manage.py", "shell", "-c", MAKE_STAFF], cwd=ROOT,  # noqa: S603
                       env=env, check=True)  # fmt: skip
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "gunicorn", "config.wsgi", "--workers", "2",
             "--threads", str(options.threads), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            wait_until_up(base + "/")
            pages = {name: path for name, path in pages.items() if _answers(base + path)}
            alone = {name: run_wrk(base + path, options.duration, 4)
                     for name, path in pages.items()}  # fmt: skip
            stop = threading.Event()
            staff = [Staff(port, name, options.interval, stop) for name in ("staff1", "staff2")]
            for member in staff:
                member.start()
            for member in staff:
                member.logged_in.wait(60)
            time.sleep(1.5)
            loaded = {name: run_wrk(base + path, options.duration, 4)
                      for name, path in pages.items()}  # fmt: skip
            stop.set()
            for member in staff:
                member.join(timeout=90)
        finally:
            server.terminate()
            server.wait(timeout=10)

    failed = False
    print(f"{'page':<8}{'p99 alone':>11}{'p99 previews':>14}{'ratio':>7}{'req/s alone':>13}"
          f"{'req/s previews':>16}")  # fmt: skip
    for name in pages:
        before, after = alone[name], loaded[name]
        ratio = after["p99_ms"] / before["p99_ms"] if before["p99_ms"] else float("nan")
        print(f"{name:<8}{before['p99_ms']:>9.1f}ms{after['p99_ms']:>12.1f}ms{ratio:>7.1f}"
              f"{before['rps']:>13.0f}{after['rps']:>16.0f}"
              f"{'' if ratio <= 2 else '  above 2x'}")  # fmt: skip
        failed |= bool(after["non_2xx_3xx"] or after["socket_errors"])
    latencies = [value for member in staff for value in member.latencies]
    statuses: dict[int, int] = {}
    for member in staff:
        for status, count in member.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    print(f"previews: {len(latencies)} sent, median {percentile(latencies, 0.5) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, statuses {statuses}")  # fmt: skip
    failed |= any(status >= 500 for status in statuses)
    print("zero errors and zero 5xx" if not failed else "FAILED: errors or bad statuses above")
    return 1 if failed else 0


def _answers(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
