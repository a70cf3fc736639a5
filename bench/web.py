"""The public pages under load, beside the feed endpoint in the same run. Prints figures; asserts
nothing.

    python bench/web.py [--seconds 10] [--connections 50] [--database URL]

Starts `deadlines serve` (one uvicorn worker) with the shipped rules and loads, one after the
other with wrk: the feed endpoint (the baseline: a cached feed from the raw ASGI handler), the
home page `/` and an election page `/elections/{id}` (server-rendered Jinja2 from the same
cached snapshot). Prints requests per second and p99 latency of each, and the ratio of the
election page's p99 to the feed's (target: at most 5). Then sign-up POSTs per second (each one
validates, counts two rate-limit events and stores a subscriber, a subscription and a
confirmation email to send), with the rate limits raised out of the way. Needs wrk (Debian
package wrk). The machine is shared and noisy: the ratios, measured back to back in one run,
are the figures that mean something.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feeds import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
ELECTION = "kr-2028-national-assembly"
FEED = f"/calendars/{ELECTION}.overseas.en.ics"
SIGNUP_LUA = """
counter = 0
request = function()
  counter = counter + 1
  local body = "csrf_token=%(token)s&email=bench-" .. counter .. "-" .. math.random(1, 1000000000) ..
    "%%40example.org&language=en&timezone=Asia%%2FSeoul&elections=%(election)s&audiences=overseas"
  return wrk.format("POST", "/subscribe", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrf=%(token)s",
  }, body)
end
"""


def _milliseconds(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> tuple[float, float]:
    """Requests per second and p99 latency in milliseconds."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    if not rate or not p99:
        raise SystemExit(f"wrk printed no rate or p99:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} error responses on {url}:\n{out}")
    return float(rate.group(1)), _milliseconds(p99.group(1), p99.group(2))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a SQLite file in a temporary directory)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian package wrk)")
    deadlines = shutil.which("deadlines") or sys.exit("the deadlines command is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "DEADLINES_DATABASE_URL": args.database or f"sqlite:///{work / 'bench.db'}",
            "DEADLINES_RULES_DIR": str(ROOT / "rules"),
            "DEADLINES_CALENDARS_DIR": str(work / "calendars"),
            "DEADLINES_SIGNUP_LIMIT_PER_CLIENT": "1000000000",
            "DEADLINES_SIGNUP_LIMIT_PER_EMAIL": "1000000000",
        }
        subprocess.run([deadlines, "init"], env=env, check=True, capture_output=True)
        subprocess.run([deadlines, "rules", "apply"], env=env, check=True, capture_output=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [deadlines, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{base}/healthz", server)
            pages = {
                "feed": FEED,
                "home": "/",
                "election": f"/elections/{ELECTION}",
                # A zone in the address is rendered on every request (no page cache).
                "rendered": f"/elections/{ELECTION}?tz=America/Los_Angeles",
            }
            for path in pages.values():  # warm the caches and the interpreter
                wrk(base + path, 2, 4)
            results = {name: wrk(base + path, args.seconds, args.connections) for name, path in pages.items()}
            print(f"one uvicorn worker, {args.connections} connections, {args.seconds} s each")
            print(f"{'endpoint':10} {'path':62} {'req/s':>9} {'p99 ms':>8}")
            for name, path in pages.items():
                rate, p99 = results[name]
                print(f"{name:10} {path:62} {rate:9.0f} {p99:8.2f}")
            feed_p99 = results["feed"][1]
            print(f"p99 ratio election page / feed: {results['election'][1] / feed_p99:.2f} (target <= 5)")
            print(f"p99 ratio home page / feed:     {results['home'][1] / feed_p99:.2f}")
            print(f"p99 ratio rendered page / feed: {results['rendered'][1] / feed_p99:.2f} (no page cache)")

            token = "0123456789abcdef0123456789abcdef"
            script = work / "signup.lua"
            script.write_text(SIGNUP_LUA % {"token": token, "election": ELECTION})
            rate, p99 = wrk(f"{base}/subscribe", args.seconds, 8, script)
            print(f"sign-up POSTs: {rate:.0f} per second, p99 {p99:.1f} ms (8 connections)")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
