"""Steps the forms integration tests share: deliver scheduling events as the consumer
would (effect and position in one transaction), and answer a form."""

from uuid import UUID

import asyncpg

from services.forms.application import FormsApplication, form_id_for
from services.forms.domain import FormInstance
from services.forms.policies import Reactions
from shared.consumer import Delivered
from shared.envelope import Envelope
from shared.tracking import Position, advance
from tests.unit.forms.factories import phq9, pre_session


async def deliver(pool: asyncpg.Pool, reactions: Reactions, batch: list[Delivered]) -> None:
    """As the consumer runner does: skip what the tracked position says was done."""
    last = batch[-1]
    async with pool.acquire() as conn, conn.transaction():
        done = await advance(conn, Position("forms-test", last.topic, last.partition, last.offset))
        if done is not None:
            await reactions.handle(conn, [d for d in batch if d.offset > done])


async def form_of(app: FormsApplication, booked: Envelope) -> FormInstance:
    return await app.form(form_id_for("pre_session", UUID(booked.data["session_id"])))


def answers(item9: int = 0, others: int = 1, gad7_total: int = 4):  # type: ignore[no-untyped-def]
    return pre_session(phq9(item9=item9, others=others), gad7_total=gad7_total)
