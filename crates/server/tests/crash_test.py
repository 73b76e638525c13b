#!/usr/bin/env python3
"""kill -9 during audited requests: no acknowledged request may be lost, and the chain must verify.

Starts `chokepoint serve` on a fresh SQLite store (or the PostgreSQL URL in CHOKEPOINT_CRASH_DB),
runs concurrent clients posting /v1/check and /v1/screen, SIGKILLs the server mid-stream, restarts
it, sends more, stops it, then runs `chokepoint audit verify` and `audit export` and checks that
every (seq, hash) a client got a 200 for is in the trail unchanged. Loopback only; bounded in
requests and time.

    cargo build -p chokepoint && python3 crates/server/tests/crash_test.py [--rounds 3]
"""
import argparse, json, os, signal, socket, subprocess, sys, tempfile, threading, time, urllib.request, urllib.error

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SDN = os.path.join(REPO, "tests", "browser", "fixtures", "sdn.csv")
SHIPMENT = json.dumps({"date": "2024-03-01", "ship_from": "US", "destination": "CN", "end_uses": ["datacenter"],
                       "item": {"catalog": "nvidia-h100-sxm", "origin": "TW"},
                       "parties": {"end_user": {"name": "Example Cloud", "country": "CN"}},
                       "exporter": {"us_person": True}}).encode()
NAMES = ["Banco Nacional de Cuba", "Kestrel Photonics Trading", "Nobody Particular", "Rostec Microelectronic"]


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def wait_ready(base, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"server at {base} never became ready")


def client(base, token, stop, acked, errors, max_requests, n):
    i = 0
    while not stop.is_set() and i < max_requests:
        i += 1
        if i % 2:
            path, body = "/v1/check", SHIPMENT
        else:
            path, body = "/v1/screen", json.dumps({"name": NAMES[(i + n) % len(NAMES)], "party_id": f"c{n}-{i}"}).encode()
        req = urllib.request.Request(base + path, data=body, method="POST",
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                v = json.load(r)
                acked.append((v["audit"]["seq"], v["audit"]["hash"]))
        except urllib.error.HTTPError as e:
            errors.append(f"{path}: HTTP {e.code} {e.read()[:200]!r}")
        except Exception:
            # connection refused or reset while the server is down: not acknowledged
            time.sleep(0.02)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("CHOKEPOINT_BIN", os.path.join(REPO, "target", "debug", "chokepoint")))
    ap.add_argument("--rounds", type=int, default=3, help="kill -9 this many times")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=2.0, help="traffic before each kill")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="chokepoint-crash-")
    env = dict(os.environ, CHOKEPOINT_STORE=os.path.join(tmp, "lists"),
               CHOKEPOINT_DATABASE=os.environ.get("CHOKEPOINT_CRASH_DB", "sqlite://" + os.path.join(tmp, "audit.db")))
    subprocess.run([args.bin, "lists", "load", "--source", "ofac_sdn", SDN], env=env, check=True, capture_output=True)
    token = subprocess.run([args.bin, "tokens", "create", "--role", "screener", "--name", "crash"], env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    acked, errors = [], []
    for rnd in range(args.rounds + 1):
        server = subprocess.Popen([args.bin, "serve", "--addr", f"127.0.0.1:{port}"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(base)
            stop = threading.Event()
            threads = [threading.Thread(target=client, args=(base, token, stop, acked, errors, 20000, n)) for n in range(args.clients)]
            for t in threads:
                t.start()
            time.sleep(args.seconds)
            if rnd < args.rounds:
                server.send_signal(signal.SIGKILL)   # mid-stream, requests in flight
                server.wait()
                time.sleep(0.3)
            stop.set()
            for t in threads:
                t.join()
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
        print(f"round {rnd}: {'killed -9' if rnd < args.rounds else 'stopped'}; {len(acked)} acknowledged so far", flush=True)
    verify = subprocess.run([args.bin, "audit", "verify", "--json"], env=env, capture_output=True, text=True)
    report = json.loads(verify.stdout)
    export = subprocess.run([args.bin, "audit", "export"], env=env, capture_output=True, text=True, check=True)
    stored = {}
    for line in export.stdout.splitlines():
        r = json.loads(line)
        stored[r["seq"]] = r["hash"]
    missing = [(s, h) for s, h in acked if stored.get(s) != h]
    print(f"acknowledged {len(acked)}, stored {len(stored)}, verify ok={report['ok']} records={report['records']}, "
          f"missing {len(missing)}, HTTP errors {len(errors)}")
    problems = []
    if verify.returncode != 0 or not report["ok"]:
        problems.append(f"audit verify failed: {report['problems'][:5]}")
    if missing:
        problems.append(f"acknowledged but not in the trail: {missing[:5]}")
    if errors:
        problems.append(f"HTTP errors: {errors[:5]}")
    if len(acked) < 100:
        problems.append(f"only {len(acked)} requests acknowledged: the test proved little")
    if problems:
        print("\n".join(problems))
        print("0 passed, 1 failed")
        sys.exit(1)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
