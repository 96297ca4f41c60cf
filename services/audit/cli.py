"""The auditor's command-line tool.

    python -m services.audit.cli export --case ID [--checkpoint N] [--at TIME]
        [--trusted-checkpoint FILE] -o case.json
    python -m services.audit.cli export --ledger [--checkpoint N] [--since N] -o ledger.json
    python -m services.audit.cli verify BUNDLE --public-key KEY --witness-key WKEY
        [--trusted-checkpoint FILE]
    python -m services.audit.cli resume-signing --by NAME --reason TEXT
    python -m services.audit.cli timeline BUNDLE [--public-key KEY --witness-key WKEY] [--json]
    python -m services.audit.cli public-key
    python -m services.audit.cli witness-key

`export` and `public-key` ask the audit service through the gateway (--url, default
http://127.0.0.1:8000/audit) with an auditor's access token (--token, or RAPPORT_TOKEN; in
development `make token ROLE=auditor SITE=north`); `verify` and `timeline` work offline on
the bundle alone. KEY is base64, or a file holding it. WKEY is the witness's verifier key
(name+hash+base64, or a file holding it; RAPPORT_WITNESS_KEY by default): a bundle is valid
only with the witness's cosignature. Pin both keys from their owners (the witness's from the
organisation that runs it), not from `public-key` / `witness-key`, which show what is served.
`resume-signing` is a person's decision, after an alarm stopped the checkpointer (see
services/audit/trust.py), that it may sign again; it is recorded, with who and why, in the
audit database (AUDIT_DATABASE_URL, or --database-url).
"""

import argparse
import asyncio
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import asyncpg
import httpx

from services.audit import trust, verifier
from services.audit.progress import Progress
from services.audit.replay import Entry, replay
from services.audit.timeline import render

PAGE = 1000


def export_case(client: httpx.Client, case_id: str, params: dict[str, Any], out: TextIO,
                trusted: dict | None = None) -> int:  # fmt: skip
    bundle = _get(client, f"/cases/{case_id}/bundle", params)
    if trusted is not None:
        prove_from_trusted(client, bundle, trusted)
    json.dump(bundle, out, indent=1)
    return len(bundle["entries"])


def prove_from_trusted(client: httpx.Client, bundle: dict[str, Any], trusted: dict) -> None:
    """Add the proof that the auditor's kept checkpoint is a prefix of the bundle's first
    checkpoint at least as large (verifier.py checks it: `trusted_consistency`)."""
    later = [c for c in bundle["checkpoints"] if c["tree_size"] >= trusted["tree_size"]]
    if not later:
        return  # the verifier says the bundle is older than the trusted checkpoint
    first = min(later, key=lambda c: c["tree_size"])
    found = _get(client, "/proofs/consistency/sizes",
                 {"from_size": trusted["tree_size"], "to_size": first["tree_size"]})  # fmt: skip
    bundle["trusted_consistency"] = {"from_size": trusted["tree_size"], "to": first["id"],
                                     "proof": found["proof"]}  # fmt: skip


def export_ledger(client: httpx.Client, params: dict[str, Any], out: TextIO) -> int:
    """Every entry up to the checkpoint, streamed to `out` page by page, with a progress bar."""
    head = _get(client, "/ledger/bundle", params)
    anchor = next(c for c in head["checkpoints"] if c["id"] == head["proven_against"])
    out.write(json.dumps({k: v for k, v in head.items() if k != "entries"})[:-1])
    out.write(', "entries": [\n')
    progress, written = Progress(anchor["tree_size"], "exporting"), 0
    query: dict[str, Any] = {"checkpoint": anchor["id"], "limit": PAGE}
    while True:
        page = _get(client, "/ledger/bundle/entries", query)
        for entry in page["items"]:
            out.write((",\n" if written else "") + json.dumps(entry))
            written += 1
        progress.advance(len(page["items"]))
        if page["next"] is None:
            break
        query["after"] = page["next"]
    out.write("\n]}\n")
    progress.finish()
    return written


def timeline(bundle: dict[str, Any], as_json: bool) -> str:
    """The case's history rebuilt offline from a case bundle, by the service's own folds."""
    anchor = next(c for c in bundle["checkpoints"] if c["id"] == bundle["proven_against"])
    scope = bundle["scope"]
    entries = [
        Entry(e["leaf_index"], e["envelope"], [bytes.fromhex(p) for p in e["inclusion_proof"]])
        for e in bundle["entries"]
    ]
    as_of = scope.get("as_of")
    history = replay(scope.get("case_id", "(whole ledger)"), entries, anchor,
                     _parse_time(as_of) if as_of else None)  # fmt: skip
    return json.dumps(history, indent=1) if as_json else render(history)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "verify":
        trusted = args.trusted_checkpoint
        extra = ["--trusted-checkpoint", str(trusted)] if trusted else []
        return verifier.main([str(args.bundle), "--public-key", args.public_key,
                              "--witness-key", _witness_key(args), *extra])  # fmt: skip
    if args.command == "resume-signing":
        return asyncio.run(_resume_signing(args.database_url, args.by, args.reason))
    if args.command == "timeline":
        return _timeline(args)
    token = args.token or os.environ.get("RAPPORT_TOKEN", "")
    bearer = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=args.url, headers=bearer, timeout=120) as client:
        if args.command in ("public-key", "witness-key"):
            served = _get(client, "/checkpoints/public-key", {})
            print(served["public_key" if args.command == "public-key" else "witness_key"])
            return 0
        chosen = (("checkpoint", args.checkpoint), ("at", args.at), ("since", args.since))
        params = {k: v for k, v in chosen if v}
        with open(args.output, "w") as out:
            if args.ledger:
                count = export_ledger(client, params, out)
            else:
                trusted = args.trusted_checkpoint
                kept = json.loads(trusted.read_text()) if trusted else None
                count = export_case(client, args.case, params, out, kept)
    print(f"exported {count} entries to {args.output}", file=sys.stderr)
    return 0


def _timeline(args: argparse.Namespace) -> int:
    bundle = json.loads(Path(args.bundle).read_text())
    status = 0
    if args.public_key:
        witness = verifier.WitnessKey.parse(verifier.text_or_file(_witness_key(args)))
        report = verifier.verify_bundle(bundle, verifier.read_public_key(args.public_key),
                                        witness=witness)  # fmt: skip
        print(verifier.describe(report), file=sys.stderr)
        status = 0 if report.valid else 1
    print(timeline(bundle, args.json), end="")
    return status


async def _resume_signing(url: str | None, by: str, reason: str) -> int:
    if not url:
        raise SystemExit("set AUDIT_DATABASE_URL or give --database-url")
    if not by.strip() or not reason.strip():
        raise SystemExit("--by and --reason must say who decided and why")
    conn = await asyncpg.connect(url)
    try:
        resolved = await trust.resolve(conn, by, reason)
    finally:
        await conn.close()
    names = ", ".join(f"#{i}" for i in resolved)
    print(f"resolved alarms {names}" if resolved else "no open alarm", file=sys.stderr)
    return 0


def _witness_key(args: argparse.Namespace) -> str:
    key = args.witness_key or os.environ.get("RAPPORT_WITNESS_KEY", "")
    if not key:
        raise SystemExit("give --witness-key (or RAPPORT_WITNESS_KEY): the witness's key")
    return str(key)


def _get(client: httpx.Client, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = client.get(path, params=params)
    if response.status_code != 200:
        detail = response.json().get("detail") if response.content else response.reason_phrase
        raise SystemExit(f"{path}: {response.status_code} {detail}")
    return response.json()


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.audit.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="export a case or the whole ledger")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--case", help="a case id")
    what.add_argument("--ledger", action="store_true", help="every entry (long: shows progress)")
    export.add_argument("--checkpoint", type=int, help="prove against this checkpoint id")
    export.add_argument("--at", help="a case's events that occurred by then (RFC 3339)")
    export.add_argument("--since", type=int, help="the ledger's checkpoints from this id on")
    export.add_argument("-o", "--output", required=True, type=Path)
    export.add_argument("--trusted-checkpoint", type=Path,
                        help="prove the case bundle extends this checkpoint (JSON)")  # fmt: skip
    key = commands.add_parser("public-key", help="print the ledger's public key (pin it!)")
    witness = commands.add_parser("witness-key", help="print the witness key the ledger uses")
    for command in (export, key, witness):
        command.add_argument("--url", default="http://127.0.0.1:8000/audit")
        command.add_argument("--token", help="an auditor's access token (or RAPPORT_TOKEN)")
    verify = commands.add_parser("verify", help="check a bundle offline")
    verify.add_argument("bundle", type=Path)
    verify.add_argument("--public-key", required=True)
    verify.add_argument("--witness-key", help="the witness's verifier key (or a file holding it)")
    verify.add_argument("--trusted-checkpoint", type=Path, help="a checkpoint (JSON) you kept")
    resume = commands.add_parser("resume-signing", help="let the checkpointer sign after an alarm")
    resume.add_argument("--by", required=True, help="who decided")
    resume.add_argument("--reason", required=True, help="why signing may go on")
    resume.add_argument("--database-url", default=os.environ.get("AUDIT_DATABASE_URL"))
    show = commands.add_parser("timeline", help="print a case bundle as a timeline, offline")
    show.add_argument("bundle", type=Path)
    show.add_argument("--public-key", help="verify the bundle first")
    show.add_argument("--witness-key", help="the witness's verifier key, to verify with")
    show.add_argument("--json", action="store_true", help="the replayed history as JSON")
    return parser


if __name__ == "__main__":
    sys.exit(main())
