"""The primary is lost under load and the replica promoted: the API recovers by itself and no
acknowledged call is lost, because the primary acknowledged none the replica had not applied."""

import threading
import time
import uuid

import pytest

from tests.reliability.replication import private_primary_and_replica, query
from tests.reliability.servers import base_env, gunicorn, manage, wait_until
from tests.reliability.test_postgres_restart import MAKE_USER, post_call

pytestmark = pytest.mark.integration


def test_it_keeps_every_acknowledged_call_when_the_primary_is_lost(tmp_path):
    with private_primary_and_replica() as (primary, replica):
        # Both hosts, as docker-compose.yml lists them: psycopg skips the one not accepting writes.
        url = (
            f"postgres://postgres@127.0.0.1:{primary.port},127.0.0.1:{replica.port}/fifth"
            "?target_session_attrs=read-write&connect_timeout=3"
        )
        env = base_env(DATABASE_URL=url, VAR_DIR=str(tmp_path / "var"))
        manage("migrate", "--noinput", env=env)
        token = manage("shell", "-c", MAKE_USER, env=env).strip().splitlines()[-1]
        acknowledged: dict[str, int] = {}
        acknowledged_at: dict[str, float] = {}
        statuses: list[int] = []
        stop = threading.Event()

        with gunicorn(env) as api:
            # Synchronous: while the replica cannot apply, the primary does not acknowledge.
            query(replica, "SELECT pg_wal_replay_pause()")
            held: list[tuple[int, int | None]] = []
            waiting = threading.Thread(
                target=lambda: held.append(post_call(api, token, uuid.uuid4().hex))
            )
            waiting.start()
            wait_until(
                lambda: query(
                    primary, "SELECT 1 FROM pg_stat_activity WHERE wait_event = 'SyncRep'"
                ),
                20,
                "the call's commit to wait for the replica",
            )
            assert waiting.is_alive() and not held, "acknowledged before the replica applied it"
            query(replica, "SELECT pg_wal_replay_resume()")
            waiting.join(timeout=20)
            assert held and held[0][0] == 201, held
            # Acknowledged means applied on the replica: readable there at once.
            assert query(replica, "SELECT 1 FROM dispatch_call WHERE id = %s", held[0][1])

            def client() -> None:
                while not stop.is_set():
                    key = uuid.uuid4().hex
                    # A real client retries with the same key until the call is acknowledged.
                    for _attempt in range(60):
                        status, call_id = post_call(api, token, key)
                        if call_id is not None:
                            acknowledged[key] = call_id
                            acknowledged_at[key] = time.monotonic()
                            break
                        statuses.append(status)
                        time.sleep(0.2)

            threads = [threading.Thread(target=client) for _ in range(4)]
            for thread in threads:
                thread.start()
            wait_until(lambda: len(acknowledged) >= 20, 30, "calls before the failure")
            primary.kill()
            killed_at = time.monotonic()
            before = len(acknowledged)
            # No primary at all for a moment: the API must say "try again", not 500.
            wait_until(lambda: statuses, 20, "the API to notice the lost primary")
            replica.promote()
            promoted_at = time.monotonic()
            wait_until(
                lambda: any(at > promoted_at for at in acknowledged_at.values()),
                30,
                f"a call acknowledged by the promoted replica (statuses: {statuses[-10:]})",
            )
            time.sleep(2)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)

        first_after = min(at for at in acknowledged_at.values() if at > promoted_at)
        print(
            f"failover: first call acknowledged {first_after - killed_at:.2f} s after the primary "
            f"was lost, {first_after - promoted_at:.2f} s after the replica was promoted"
        )
        stored = {row[0] for row in query(replica, "SELECT id FROM dispatch_call")}
        keys = query(
            replica, "SELECT count(*) FROM web_idempotencyrecord WHERE scope = 'call_create'"
        )[0][0]
    assert before >= 20
    assert len(acknowledged) > before, "no call acknowledged after the promotion"
    missing = set(acknowledged.values()) - stored
    assert not missing, f"acknowledged calls lost in the failover: {sorted(missing)[:10]}"
    # Retries after a lost response never doubled a call: one call per idempotency key (the
    # call of the synchronous check above included).
    assert len(stored) == keys == len(acknowledged) + 1
    assert set(statuses) <= {503, 0}, statuses
    # Recovered on its own, and soon: the first call after the promotion within seconds.
    assert first_after - promoted_at < 10, first_after - promoted_at
