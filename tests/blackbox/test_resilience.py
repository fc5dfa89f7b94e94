"""Resilience through the real system (SPEC §11): the broker keeps HTTP reads answered while a
catalog worker is SIGKILLed, a service with no worker answers 503 service_unavailable quickly
while the others keep working, and acknowledged writes survive the submissions service being
SIGKILLed and PostgreSQL being restarted under them (each Idempotency-Key applied once).

These tests stop and restart processes of the shared test system; each one puts back the
normal set of processes (one of each service) before it ends, also when it fails."""

import http.client
import os
import signal
import sys
import threading
import time
import unittest

from harness import (api, assert_error, env, kill9, new_province, pg_restart, psql_super,
                     ready_services, service_built, service_pids, signal_service,
                     start_service, unique)
from test_submissions import World, ok


def wait_workers(tc, service, want, timeout=30, at_least=False):
    """Wait until the broker counts `want` live workers of `service` (or at least `want`)."""
    end = time.monotonic() + timeout
    n = None
    while time.monotonic() < end:
        n = ready_services().get(service, 0)
        if n == want or (at_least and n >= want):
            return n
        time.sleep(0.1)
    tc.fail(f"{service}: {n} live workers after {timeout} s, expected {want}")


# The processes these tests start in place of the system's own: they outlive the tests (the
# test system stops them), so their Popen objects are kept for the life of the process.
_replacements = []


def replace_system(service):
    """Start `service` again in place of the process scripts/test started (stopped by the test)."""
    _replacements.append(start_service(service, as_system=True))


def restore(service):
    """One process of `service`, as scripts/test started it, if none is running now."""
    if not service_pids(service):
        replace_system(service)


def say(msg):
    print(f"\n    resilience: {msg}", file=sys.stderr, flush=True)


@unittest.skipUnless(service_built("catalog"), "chiso-catalog not built")
class TestWorkerKilledUnderLoad(unittest.TestCase):
    """1,000 authenticated reads through the gateway while one of two catalog workers dies."""

    TOTAL = 1000
    THREADS = 4

    @classmethod
    def setUpClass(cls):
        cls.p = new_province()
        t = cls.p["token"]
        ok(api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở, ban, ngành"},
               token=t), "group")
        for name in ("Sở Nội vụ", "Sở Tài chính", "Sở Y tế"):
            ok(api("POST", "/api/v1/agencies", {"code": unique("A"), "name": name,
                                                "group_code": "01"}, token=t), "agency")

    def test_reads_survive_sigkill(self):
        t = self.p["token"]
        paths = ("/api/v1/agencies", "/api/v1/auth/me")
        expected = {}
        for path in paths:
            st, body, _ = api("GET", path, token=t)
            self.assertEqual(st, 200, body)
            expected[path] = body
        self.assertEqual(len(expected["/api/v1/agencies"]["items"]), 3,
                         expected["/api/v1/agencies"])

        self.addCleanup(restore, "catalog")
        wait_workers(self, "catalog", 1, at_least=True)
        base = ready_services()["catalog"]
        extra = start_service("catalog")
        self.addCleanup(kill9, extra)
        wait_workers(self, "catalog", base + 1)

        results = [None] * self.TOTAL
        lock = threading.Lock()
        state = {"next": 0, "done": 0}

        def client():
            while True:
                with lock:
                    i = state["next"]
                    if i >= self.TOTAL:
                        return
                    state["next"] += 1
                path = paths[i % len(paths)]
                try:
                    st, body, _ = api("GET", path, token=t, timeout=60)
                except (OSError, http.client.HTTPException) as e:
                    st, body = None, repr(e)
                results[i] = (path, st, body)
                with lock:
                    state["done"] += 1

        threads = [threading.Thread(target=client, daemon=True) for _ in range(self.THREADS)]
        for th in threads:
            th.start()
        # Part-way, once both workers have served requests of this run, kill the extra one.
        end = time.monotonic() + 120
        while state["done"] < self.TOTAL // 3 and time.monotonic() < end:
            time.sleep(0.01)
        with open(extra.log_path, "rb") as f:
            served_before = f.read().count(b'"rpc"')
        kill9(extra)
        done_at_kill = state["done"]
        for th in threads:
            th.join(300)
        self.assertFalse(any(th.is_alive() for th in threads), "clients did not finish")
        say(f"catalog copy SIGKILLed after {done_at_kill} of {self.TOTAL} reads "
            f"(it had logged {served_before} requests)")
        self.assertGreater(served_before, 0, "the second catalog worker served nothing")
        self.assertLess(done_at_kill, self.TOTAL, "the kill came after the last read")

        bad = [(i, r) for i, r in enumerate(results)
               if r is None or r[1] != 200 or r[2] != expected[r[0]]]
        self.assertEqual(bad[:5], [], f"{len(bad)} of {self.TOTAL} reads wrong")

        # The broker forgets the dead worker; the system's own catalog still answers.
        wait_workers(self, "catalog", base)
        st, body, _ = api("GET", "/api/v1/agencies", token=t)
        self.assertEqual((st, body), (200, expected["/api/v1/agencies"]))


@unittest.skipUnless(service_built("leadership") and service_built("catalog"),
                     "chiso-leadership or chiso-catalog not built")
class TestNoWorker(unittest.TestCase):
    """A service with no worker: 503 service_unavailable in about CHISO_NOSVC_MS."""

    def test_503_then_back(self):
        p = new_province()
        t = p["token"]
        period = ok(api("POST", "/api/v1/periods", {"code": unique("K"), "name": "Kỳ thử",
                                                    "year": 2025}, token=t), "period")["id"]
        tiebreaks = f"/api/v1/periods/{period}/tiebreaks"
        st, before, _ = api("GET", tiebreaks, token=t)
        self.assertEqual(st, 200, before)
        st, agencies, _ = api("GET", "/api/v1/agencies", token=t)
        self.assertEqual(st, 200, agencies)

        self.addCleanup(restore, "leadership")
        stopped = signal_service("leadership", signal.SIGTERM)
        self.assertTrue(stopped, "no leadership process was running")
        self.assertEqual(service_pids("leadership"), {})
        wait_workers(self, "leadership", 0)

        nosvc_ms = int(os.environ.get("CHISO_NOSVC_MS", "1000"))
        limit = nosvc_ms / 1000.0 + 5.0     # generous: a loaded 2-core machine
        slowest = 0.0
        for _ in range(3):
            t0 = time.monotonic()
            resp = api("GET", tiebreaks, token=t)
            elapsed = time.monotonic() - t0
            assert_error(self, resp, 503, "service_unavailable")
            self.assertLess(elapsed, limit, f"503 took {elapsed:.2f} s")
            slowest = max(slowest, elapsed)
            # A write (no idempotency key, so not retried) is refused the same way.
            t0 = time.monotonic()
            resp = api("PUT", f"/api/v1/periods/{period}/agencies/1/leader-score",
                       {"leaf_code": "4.1", "score": 1}, token=t)
            elapsed = time.monotonic() - t0
            assert_error(self, resp, 503, "service_unavailable")
            self.assertLess(elapsed, limit, f"503 took {elapsed:.2f} s")
            slowest = max(slowest, elapsed)
            # Other services are not held up by it.
            st, body, _ = api("GET", "/api/v1/agencies", token=t)
            self.assertEqual((st, body), (200, agencies))
        say(f"leadership stopped (pids {stopped}); 503 service_unavailable in at most "
            f"{slowest:.2f} s (CHISO_NOSVC_MS {nosvc_ms}, limit {limit:.1f} s)")

        replace_system("leadership")
        wait_workers(self, "leadership", 1)
        st, body, _ = api("GET", tiebreaks, token=t)
        self.assertEqual((st, body), (200, before))


@unittest.skipUnless(service_built("submissions") and os.environ.get("CHISO_PG_DIR"),
                     "chiso-submissions not built or no CHISO_PG_DIR (run through scripts/test)")
class TestAcknowledgedWrites(unittest.TestCase):
    """Score writes with Idempotency-Keys, retried by the client on 5xx and connection
    errors, while submissions is SIGKILLed and restarted and PostgreSQL restarts."""

    # leaf code, step, max (test_submissions.NODES): each writer owns one leaf.
    LEAVES = (("1.1", 0.25, 20), ("1.2", 0.5, 25), ("2.1", 0.25, 15))
    PER_PHASE = 25          # acknowledged writes before each disruption and after the last

    @classmethod
    def setUpClass(cls):
        cls.w = World()
        cls.w.open("self_assessment")

    def test_writes_survive_crash_and_db_restart(self):
        w = self.w
        token = w.editor["token"]
        run = unique("r")
        lock = threading.Lock()
        acked = []                      # (leaf, key, value) in the order the client saw 2xx
        first = {}                      # key -> (status, body) of its first 2xx
        bodies = {}                     # key -> request body
        stats = {"retries": 0, "conn_errors": 0, "5xx": {}}
        failures = []
        stop = threading.Event()

        def send(key, body):
            return api("PUT", w.ag() + "/scores", body, token=token,
                       headers={"Idempotency-Key": key}, timeout=60)

        def writer(leaf, step, top):
            k = 0
            while not stop.is_set():
                k += 1
                # Consecutive values differ, so every write changes the row and is audited.
                value = ((k % int(top / step)) + 1) * step
                key = f"{run}-{leaf}-{k}"
                body = {"items": [{"leaf_code": leaf, "score": value, "note": key}]}
                bodies[key] = body
                deadline = time.monotonic() + 120
                while True:
                    try:
                        st, reply, _ = send(key, body)
                    except (OSError, http.client.HTTPException):
                        st, reply = None, None
                    if st is not None and 200 <= st < 300:
                        with lock:
                            first[key] = (st, reply)
                            acked.append((leaf, key, value))
                        break
                    with lock:
                        if st is None:
                            stats["conn_errors"] += 1
                        elif st >= 500:
                            code = reply.get("error", {}).get("code") \
                                if isinstance(reply, dict) else None
                            stats["5xx"][(st, code)] = stats["5xx"].get((st, code), 0) + 1
                        stats["retries"] += 1
                    if (st is not None and st < 500) or time.monotonic() > deadline:
                        failures.append((key, st, reply))
                        stop.set()
                        return
                    time.sleep(0.2)

        threads = [threading.Thread(target=writer, args=l, daemon=True) for l in self.LEAVES]

        def wait_acked(n, what):
            end = time.monotonic() + 300
            while len(acked) < n and not stop.is_set() and time.monotonic() < end:
                time.sleep(0.02)
            if len(acked) < n:
                stop.set()
                for th in threads:
                    th.join(200)
                self.fail(f"{what}: {len(acked)} writes acknowledged; failures {failures[:3]}")

        self.addCleanup(restore, "submissions")
        self.addCleanup(stop.set)
        for th in threads:
            th.start()

        # (a) the submissions service crashes mid-stream and comes back.
        wait_acked(self.PER_PHASE, "before the crash")
        killed = signal_service("submissions", signal.SIGKILL)
        self.assertTrue(killed, "no submissions process was running")
        at_kill = len(acked)
        time.sleep(1.0)
        replace_system("submissions")

        # (b) PostgreSQL restarts under every service.
        wait_acked(at_kill + self.PER_PHASE, "after the crash")
        at_restart = len(acked)
        pg_restart()

        wait_acked(at_restart + self.PER_PHASE, "after the database restart")
        stop.set()
        for th in threads:
            th.join(200)
        self.assertFalse(any(th.is_alive() for th in threads), "writers did not finish")
        self.assertEqual(failures, [])
        say(f"{len(acked)} writes acknowledged (submissions {killed} SIGKILLed after {at_kill}, "
            f"PostgreSQL restarted after {at_restart}); {stats['retries']} retries: "
            f"{stats['conn_errors']} connection errors, 5xx {stats['5xx']}")

        # Login reads the failure count on catalog's side connection, idle since before the
        # restart: it is answered at the first attempt, not with db_unavailable.
        st, body, _ = api("POST", "/api/v1/auth/login",
                          {"login": w.viewer["login"], "password": w.viewer["password"]})
        self.assertEqual(st, 200, body)

        # Every key again, with its body: the stored answer, not a second write.
        for leaf, key, _ in acked:
            st, reply, _ = send(key, bodies[key])
            self.assertEqual((st, reply), first[key], f"retry of {key}")

        # Each acknowledged write is in the audit trail exactly once, with its value, in the
        # order its writer saw it acknowledged; no write the client gave up on is there.
        rows = psql_super(
            "SELECT new_value->>'leaf_code', new_value->>'note', "
            "       round((new_value->>'score')::numeric * 100)::bigint "
            "FROM core.audit WHERE province_id = :'p' AND entity = 'submissions.score' "
            "  AND new_value->>'note' LIKE :'run' || '-%' ORDER BY id",
            {"p": w.p["id"], "run": run})
        audited = {}
        for leaf, note, hundredths in rows:
            audited.setdefault(note, []).append((leaf, int(hundredths)))
        for leaf, key, value in acked:
            self.assertEqual(audited.get(key), [(leaf, round(value * 100))],
                             f"audit rows of {key}")
        self.assertEqual(len(rows), len(acked), "audit rows of writes never acknowledged")
        for leaf, _, _ in self.LEAVES:
            want = [k for l, k, _ in acked if l == leaf]
            self.assertEqual([n for l, n, _ in rows if l == leaf], want, f"order of {leaf}")

        # One idempotency record per key, with its stored reply.
        recs = psql_super(
            "SELECT key, reply IS NOT NULL FROM core.idempotency "
            "WHERE province_id = :'p' AND key LIKE :'run' || '-%'",
            {"p": w.p["id"], "run": run})
        self.assertEqual(sorted(recs), sorted([k, "t"] for _, k, _ in acked))

        # The stored scores are the last acknowledged value of each leaf.
        stored = {r[0]: (int(r[1]), r[2]) for r in psql_super(
            "SELECT leaf_code, score, note FROM submissions.scores "
            "WHERE period_id = :'per' AND agency_id = :'ag'",
            {"per": w.period, "ag": w.agency["A"]})}
        for leaf, _, _ in self.LEAVES:
            last = [(round(v * 100), k) for l, k, v in acked if l == leaf][-1]
            self.assertEqual(stored.get(leaf), last, f"stored score of {leaf}")
        sa = ok(w.self_assessment(token), "self-assessment after the restarts")
        for leaf, _, _ in self.LEAVES:
            last = [v for l, _, v in acked if l == leaf][-1]
            self.assertEqual(w.leaf(sa, leaf)["score"], last)


if __name__ == "__main__":
    unittest.main()
