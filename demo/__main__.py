"""`make demo` (python -m demo [--gateway URL] [--site north] [--witness URL]): on a running
stack (`make run`), one site's month through the gateway, then the report."""

import argparse
import asyncio
import os
import sys

import httpx

from demo.gateway import Gateway, Refused
from demo.month import Month
from demo.report import WITNESS_URL, replay_and_verify, what_it_did
from demo.staff import new_staff


async def main(url: str, site: str, witness_url: str = WITNESS_URL) -> int:
    gateway = Gateway(url, site)
    month = Month(gateway)
    print(f"Driving site {site} through a month via the gateway at {url}")
    try:
        gateway.users["therapist"] = therapist = await new_staff("therapist", site)
        print(f"The month's therapist joins the site: {therapist} (a new user of the "
              "development realm, with the demo password)")  # fmt: skip
        await month.drive()
        print(what_it_did(month))
        replay, verified = await replay_and_verify(month, month.history[0], witness_url)
        print(replay)
        if not verified:
            print("\nThe demo's case did not verify: see above.", file=sys.stderr)
            return 1
    except Refused as refused:
        print(f"\nThe demo stopped: {refused}", file=sys.stderr)
        return 1
    except httpx.HTTPStatusError as error:
        print(f"\nKeycloak refused: {error}: is deploy/keycloak.sh up?", file=sys.stderr)
        return 1
    except httpx.TransportError as error:
        print(f"\nThe gateway does not answer at {url} ({error!r}): is `make run` up?",
              file=sys.stderr)  # fmt: skip
        return 1
    finally:
        await gateway.close()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    default = os.environ.get("RAPPORT_GATEWAY_URL", "http://127.0.0.1:8000")
    parser.add_argument("--gateway", default=default)
    parser.add_argument("--site", default="north", choices=("north", "south"))
    parser.add_argument("--witness", default=WITNESS_URL, help="the witness whose key to pin")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.gateway, args.site, args.witness)))
