"""Tables and the append function of a service's own database, created idempotently."""

import asyncpg

ALREADY_PROCESSED = "RA001"  # SQLSTATE raised when a tracking position is not new
NOTIFY_CHANNEL = "stored_events"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS stored_events (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text NOT NULL,
    state bytea NOT NULL,
    notification_id bigserial NOT NULL UNIQUE,
    PRIMARY KEY (originator_id, originator_version)
);

-- The last Kafka offset whose effect a consumer committed, per upstream topic partition.
CREATE TABLE IF NOT EXISTS tracking (
    consumer text NOT NULL,
    topic text NOT NULL,
    partition int NOT NULL,
    kafka_offset bigint NOT NULL,
    PRIMARY KEY (consumer, topic, partition)
);

-- The last notification the outbox relay saw acknowledged by the broker.
CREATE TABLE IF NOT EXISTS relay_position (
    relay text PRIMARY KEY,
    notification_id bigint NOT NULL
);

DO $$ BEGIN
    CREATE TYPE stored_event AS (
        originator_id uuid, originator_version bigint, topic text, state bytea);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE OR REPLACE FUNCTION advance_tracking(
    t_consumer text, t_topic text, t_partition int, t_offset bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tracking AS t (consumer, topic, partition, kafka_offset)
    VALUES (t_consumer, t_topic, t_partition, t_offset)
    ON CONFLICT (consumer, topic, partition) DO UPDATE SET kafka_offset = EXCLUDED.kafka_offset
    WHERE t.kafka_offset < EXCLUDED.kafka_offset;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'offset % of %[%] already processed by %',
            t_offset, t_topic, t_partition, t_consumer USING ERRCODE = '{ALREADY_PROCESSED}';
    END IF;
END $$;

-- The exclusive lock makes commit order equal notification order; readers are not blocked.
CREATE OR REPLACE FUNCTION append_events(
    events stored_event[], t_consumer text, t_topic text, t_partition int, t_offset bigint)
RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL lock_timeout = '10s';
    LOCK TABLE stored_events IN EXCLUSIVE MODE;
    IF t_consumer IS NOT NULL THEN
        PERFORM advance_tracking(t_consumer, t_topic, t_partition, t_offset);
    END IF;
    NOTIFY {NOTIFY_CHANNEL};
    RETURN QUERY
        INSERT INTO stored_events (originator_id, originator_version, topic, state)
        SELECT e.originator_id, e.originator_version, e.topic, e.state FROM unnest(events) e
        RETURNING notification_id;
END $$;
"""


async def ensure_schema(conn: asyncpg.Connection) -> None:
    # Serialise concurrent start-ups: CREATE ... IF NOT EXISTS races on the catalogue.
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(4242)")
        await conn.execute(SCHEMA)
