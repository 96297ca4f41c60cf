"""Tables and the append function of a service's own database, created idempotently."""

import asyncpg

NOTIFY_CHANNEL = "stored_events"

# History is not rewritten: UPDATE, DELETE and TRUNCATE of an append-only table are refused,
# even for its owner, unless the session has set the maintenance switch for the work at hand
# (README, "Append-only tables"):  BEGIN; SET LOCAL rapport.maintenance = 'on'; ...; COMMIT;
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_rewriting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('rapport.maintenance', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION '% on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'only in documented maintenance: SET LOCAL rapport.maintenance = on';
END $$;
"""


def newer_version_replaces(key: str, columns: str, alias: str) -> str:
    """The ON CONFLICT clause of a read model's upsert: the row of a newer aggregate version
    replaces the stored one. Columns are named one by one, as `ROW(EXCLUDED.*)` would also
    take a column that a newer release has added and fail every save of this one."""
    names = [name.strip() for name in columns.split(",")]
    excluded = ", ".join(f"EXCLUDED.{name}" for name in names)
    return (
        f"ON CONFLICT ({key}) DO UPDATE SET ({', '.join(names)}) = ROW({excluded})"
        f" WHERE {alias}.version < EXCLUDED.version"
    )


def append_only(table: str) -> str:
    """The triggers that make `table` append-only (APPEND_ONLY_FUNCTION must exist)."""
    return f"""
CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION refuse_rewriting();
CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewriting();
"""


SCHEMA = f"""

CREATE TABLE IF NOT EXISTS stored_events (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text NOT NULL,
    state bytea NOT NULL,
    notification_id bigserial NOT NULL UNIQUE,
    PRIMARY KEY (originator_id, originator_version)
);
{APPEND_ONLY_FUNCTION}
{append_only("stored_events")}

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

-- Moves a consumer's position in one topic partition to t_offset and returns the previous
-- one (-1 if none), or NULL when t_offset is not past it (already processed). The advisory
-- lock admits one transaction at a time per consumer partition, even before its first row.
CREATE OR REPLACE FUNCTION advance_position(
    t_consumer text, t_topic text, t_partition int, t_offset bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    previous bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(
        hashtextextended(t_consumer || '/' || t_topic || '/' || t_partition, 0));
    SELECT kafka_offset INTO previous FROM tracking
    WHERE consumer = t_consumer AND topic = t_topic AND partition = t_partition;
    IF previous >= t_offset THEN
        RETURN NULL;
    END IF;
    INSERT INTO tracking (consumer, topic, partition, kafka_offset)
    VALUES (t_consumer, t_topic, t_partition, t_offset)
    ON CONFLICT (consumer, topic, partition) DO UPDATE SET kafka_offset = EXCLUDED.kafka_offset;
    RETURN coalesce(previous, -1);
END $$;

-- Appends the events of one or more saves (numbered by `saves`). A save whose events meet a
-- stored version is skipped whole and left out of the result: the caller reports the conflict.
-- The exclusive lock makes commit order equal notification order; readers are not blocked.
--
-- Lock order, the one way a transaction takes these locks: a consumer's partition
-- (advance_position's advisory lock) first, then this table lock, then read-model rows.
-- A consumer records its position with advance_position before it saves its effect.
DROP FUNCTION IF EXISTS append_events(uuid[], bigint[], text[], bytea[], int[],
    text, text, int, bigint);  -- the old form that also recorded a tracking position
CREATE OR REPLACE FUNCTION append_events(
    ids uuid[], versions bigint[], topics text[], states bytea[], saves int[])
RETURNS TABLE (originator_id uuid, originator_version bigint, notification_id bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    conflicted int[];
BEGIN
    SET LOCAL lock_timeout = '10s';
    LOCK TABLE stored_events IN EXCLUSIVE MODE;
    SELECT coalesce(array_agg(DISTINCT b.save_no), '{{}}') INTO conflicted
    FROM unnest(ids, versions, saves) AS b(originator_id, originator_version, save_no)
    JOIN stored_events s USING (originator_id, originator_version);
    NOTIFY {NOTIFY_CHANNEL};
    RETURN QUERY
        INSERT INTO stored_events AS s (originator_id, originator_version, topic, state)
        SELECT b.id, b.version, b.topic, b.state
        FROM unnest(ids, versions, topics, states, saves) WITH ORDINALITY
            AS b(id, version, topic, state, save_no, n)
        WHERE NOT b.save_no = ANY(conflicted)
        ORDER BY b.n
        RETURNING s.originator_id, s.originator_version, s.notification_id;
END $$;
"""


SCHEMA_LOCK = 4242  # one advisory lock for every service's DDL


async def create_idempotently(conn: asyncpg.Connection, ddl: str) -> None:
    """Run CREATE ... IF NOT EXISTS statements; concurrent start-ups would race on the
    catalogue, so they take turns."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", SCHEMA_LOCK)
        await conn.execute(ddl)


async def ensure_schema(conn: asyncpg.Connection) -> None:
    """The event store's tables and functions, shared by every service."""
    await create_idempotently(conn, SCHEMA)
