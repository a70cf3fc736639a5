"""Feed serving beside nginx, and publishing at scale. Prints figures; asserts nothing.

    python bench/feeds.py [--seconds 10] [--connections 50]

Starts `deadlines serve` (one uvicorn worker) on a SQLite database with the shipped rules and,
in the same run, nginx (one worker, loopback only) serving the published bytes of the same
feed. Loads each with wrk for a fixed time, for 200 responses and for 304 responses
(If-None-Match), and prints requests per second and the ratio to nginx. The machine is shared
and noisy, so the ratio (measured back to back in one run) is the figure that means something.
Then times publishing 100 elections of 20 deadlines each. Needs nginx and wrk (Debian
packages nginx-light and wrk).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FEED = "kr-2028-national-assembly.overseas.en.ics"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise SystemExit(f"server exited early ({process.returncode})")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def wrk(url: str, seconds: int, connections: int, header: str | None = None) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    if header:
        command[1:1] = ["-H", header]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise SystemExit(f"wrk printed no rate:\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"wrk saw {non2xx.group(1)} error responses on {url}")
    return float(m.group(1))


def nginx_config(directory: Path, port: int, root: Path) -> Path:
    conf = directory / "nginx.conf"
    conf.write_text(
        f"""worker_processes 1;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    types {{ text/calendar ics; application/json json; }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location /calendars/ {{ add_header Cache-Control "public, max-age=300"; }}
    }}
}}
"""
    )
    return conf


def bench_serving(work: Path, seconds: int, connections: int) -> None:
    env = {
        **os.environ,
        "DEADLINES_DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
        "DEADLINES_RULES_DIR": str(ROOT / "rules"),
        "DEADLINES_CALENDARS_DIR": str(work / "site" / "calendars"),
    }
    deadlines = shutil.which("deadlines") or sys.exit("the deadlines command is not installed")
    subprocess.run([deadlines, "init"], env=env, check=True, capture_output=True)
    subprocess.run([deadlines, "rules", "apply"], env=env, check=True, capture_output=True)
    os.chmod(work, 0o755)
    for d in (work / "site", work / "site" / "calendars"):
        os.chmod(d, 0o755)

    app_port, nginx_port = free_port(), free_port()
    app = subprocess.Popen(
        [deadlines, "serve", "--port", str(app_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    nginx = subprocess.Popen(
        ["nginx", "-c", str(nginx_config(work, nginx_port, work / "site"))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        app_url = f"http://127.0.0.1:{app_port}/calendars/{FEED}"
        nginx_url = f"http://127.0.0.1:{nginx_port}/calendars/{FEED}"
        wait_for(app_url, app)
        wait_for(nginx_url, nginx)
        a = httpx.get(app_url, headers={"Accept-Encoding": "identity"})
        n = httpx.get(nginx_url)
        assert a.content == n.content, "the service and nginx must serve the same bytes"
        print(
            f"feed: {FEED}, {len(a.content)} bytes; wrk 1 thread, {connections} connections, {seconds} s each"
        )
        rows = []
        for label, header_app, header_nginx in (
            ("200", None, None),
            ("304", f"If-None-Match: {a.headers['etag']}", f"If-None-Match: {n.headers['etag']}"),
        ):
            wrk(nginx_url, 1, connections, header_nginx)  # warm-up
            wrk(app_url, 1, connections, header_app)
            rate_nginx = wrk(nginx_url, seconds, connections, header_nginx)
            rate_app = wrk(app_url, seconds, connections, header_app)
            rows.append((label, rate_app, rate_nginx))
        print(f"{'status':>6} {'service req/s':>14} {'nginx req/s':>12} {'ratio':>6}")
        for label, rate_app, rate_nginx in rows:
            print(f"{label:>6} {rate_app:14.0f} {rate_nginx:12.0f} {rate_app / rate_nginx:6.2f}")
        # A 304 does less than a 200 (no body), so it should be answered at least as fast.
        print(f"service 304/200 rate ratio: {rows[1][1] / rows[0][1]:.2f} (target >= 1)")
    finally:
        app.terminate()
        nginx.terminate()
        app.wait(10)
        nginx.wait(10)


def bench_publish(work: Path) -> None:
    """100 elections of 20 deadlines each: seconds to build and write every feed."""
    from datetime import UTC, date, datetime, timedelta

    from deadlines.feeds.builder import FeedItem
    from deadlines.feeds.catalog import ElectionInfo, FeedData, FeedSettings
    from deadlines.feeds.publish import build_all, publish
    from deadlines.records import DeadlineRecord

    elections, items = [], []
    changed = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(100):
        day = date(2027, 1, 6) + timedelta(days=7 * n)
        name = {"en": f"Election {n}", "ko": f"선거 {n}"}
        elections.append(ElectionInfo(f"bench-{n:03d}", name, day, "Asia/Seoul"))
        for k in range(20):
            audience = ("overseas", "domestic", "candidates")[k % 3]
            opens = day - timedelta(days=150 - k * 5) if k % 2 == 0 else None
            record = DeadlineRecord(
                f"bench-{n:03d}",
                f"rule-{k:02d}",
                {"en": f"Deadline {k}", "ko": f"마감 {k}"},
                "period" if opens else "deadline",
                (audience,),
                opens,
                day - timedelta(days=60 - k * 2),
                "Asia/Seoul",
                source={"citation": f"Art. {k}", "law": "Bench Act"},
            )
            items.append(FeedItem(record, changed, name))
    data = FeedData(tuple(elections), tuple(items))
    settings = FeedSettings("bench.invalid", "https://bench.invalid", timedelta(hours=12), timedelta(days=90))
    start = time.perf_counter()
    feeds = build_all(data, settings, datetime(2026, 12, 1, tzinfo=UTC))
    built = time.perf_counter()
    changes = publish(work / "publish", feeds, settings.base_url)
    done = time.perf_counter()
    print(
        f"publish 100 elections x 20 deadlines: {len(feeds)} feeds, {len(changes)} files, "
        f"build {built - start:.2f} s + write {done - built:.2f} s = {done - start:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is not installed (apt-get install nginx-light wrk)")
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
        work = Path(tmp)
        bench_serving(work, args.seconds, args.connections)
        bench_publish(work)


if __name__ == "__main__":
    main()
