"""The witness, as the builder makes it (shared/service.py): a second signer with its own key
and database that cosigns the audit ledger's checkpoints (witness.py). It is a service of its
own so that another organisation can run it (README: the witness)."""

from services.witness import api
from services.witness.settings import WitnessSettings
from services.witness.witness import Log, Witness
from shared.service import Context, Service
from shared.signing_keys import decode_b64, load_private_key


async def setup(ctx: Context) -> None:
    settings: WitnessSettings = ctx.settings
    key = load_private_key(settings.signing_key, settings.signing_key_file,
                           settings.environment, "WITNESS_SIGNING_KEY")  # fmt: skip
    log = Log(settings.log_origin, decode_b64(settings.log_public_key, "WITNESS_LOG_PUBLIC_KEY"))
    witness = Witness(ctx.pool, settings.name, key, log)
    await witness.ensure_schema()
    ctx.app.state.witness = witness


# The protocol authenticates by the log's signature on the note, not by the gateway.
WITNESS = Service(name="witness", settings=WitnessSettings, routers=[api.router],
                  public_paths=("/add-checkpoint", "/public-key"), setup=setup)  # fmt: skip
create_app = WITNESS.app

if __name__ == "__main__":
    WITNESS.main()
