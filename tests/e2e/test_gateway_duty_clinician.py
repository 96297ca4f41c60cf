"""Through the gateway with real Keycloak tokens: a supervisor names the site's duty
clinician and reads the escalations named to them; nobody else reads theirs, and a therapist
cannot name one."""

import secrets

import httpx

from tests.e2e.gateway_support import bearer, new_staff, with_gateway
from tests.support.stack import Stack


async def test_a_supervisor_names_the_duty_clinician_and_only_they_read_their_escalations(
    stack: Stack,
):
    await with_gateway(stack, "forms")
    site = f"duty-{secrets.token_hex(3)}"  # a site of its own: north's rota stays as it is
    duty, other = [await new_staff("supervisor", site) for _ in range(2)]
    therapist = await new_staff("therapist", site)
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as gateway:
        named = await gateway.put(
            f"/forms/sites/{site}/duty-clinician",
            json={"staff_id": duty},
            headers=await bearer(duty),
        )
        assert named.status_code == 200, named.text
        shown = await gateway.get(
            f"/forms/sites/{site}/duty-clinician", headers=await bearer(other)
        )
        assert shown.json()["staff_id"] == duty

        theirs = f"/forms/duty-clinicians/{duty}/escalations"
        assert (await gateway.get(theirs, headers=await bearer(duty))).status_code == 200
        refused = await gateway.get(theirs, headers=await bearer(other))
        assert refused.status_code == 403 and "escalations.read" in refused.text

        by_therapist = await gateway.put(
            f"/forms/sites/{site}/duty-clinician",
            json={"staff_id": therapist},
            headers=await bearer(therapist),
        )
        assert by_therapist.status_code == 403 and "duty.assign" in by_therapist.text
