"""Writes the JSON Schema of every event type to shared/contracts/schemas/<type>.json.

Each schema is the envelope's, with `type` and `schema_version` fixed to the event type's and
`data` replaced by its contract's schema. Run `python -m shared.contracts.export` (`make
schemas`) after changing a contract, and commit the files; `--check` only reports whether
the committed files are current (a unit test does the same).
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shared.contracts import EventContract, all_contracts
from shared.envelope import Envelope

SCHEMAS = Path(__file__).resolve().parent / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_of(contract: type[EventContract]) -> dict[str, Any]:
    envelope = Envelope.model_json_schema()
    data = contract.model_json_schema()
    definitions = {**envelope.pop("$defs", {}), **data.pop("$defs", {})}
    properties = envelope["properties"]
    properties["type"] = {"const": contract.type, "title": "Type"}
    properties["schema_version"] = {"const": contract.schema_version, "title": "Schema Version"}
    properties["data"] = data
    schema_id = f"urn:rapport:event:{contract.type}:v{contract.schema_version}"
    head = {"$schema": DIALECT, "$id": schema_id, "title": contract.type}
    return {**envelope, **head, "$defs": definitions}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def published_contracts() -> dict[str, type[EventContract]]:
    """The contracts of the services' events: those defined in shared.contracts (tests may
    register contracts of their own)."""
    return {
        name: contract
        for name, contract in all_contracts().items()
        if contract.__module__.startswith(f"{__package__}.")
    }


def generated() -> dict[str, str]:
    """File name -> content, for every published contract."""
    return {f"{name}.json": render(schema_of(c)) for name, c in published_contracts().items()}


def committed(directory: Path = SCHEMAS) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(directory.glob("*.json"))}


def write(directory: Path = SCHEMAS) -> list[str]:
    """Write every schema and remove those of event types that no longer exist."""
    directory.mkdir(parents=True, exist_ok=True)
    files = generated()
    for stale in committed(directory).keys() - files.keys():
        (directory / stale).unlink()
    for name, content in files.items():
        (directory / name).write_text(content)
    return sorted(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the files are stale")
    if parser.parse_args(argv).check:
        current = committed() == generated()
        sys.stdout.write("schemas are current\n" if current else "schemas are stale\n")
        return 0 if current else 1
    names = write()
    sys.stdout.write(f"wrote {len(names)} schemas to {SCHEMAS}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
