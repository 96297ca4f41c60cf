"""The offline verifier on bundles built in memory: what it accepts, and how it names a fault."""

import base64
import copy
import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from services.audit.case_index import in_memory as case_index_in_memory
from services.audit.merkle import MemoryNodeStore
from services.audit.verifier import WitnessKey, describe, main, verify_bundle
from tests.support.ledger_data import (
    WITNESS,
    canonical_texts,
    envelope,
    memory_bundle,
    signed_checkpoint,
)

KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key().public_bytes_raw()
LEAVES = canonical_texts(20)


def test_whole_ledger_bundle_with_a_chain_of_checkpoints_is_valid():
    report = verify_bundle(memory_bundle(KEY, LEAVES, [3, 8, 8, 20]), PUBLIC, witness=WITNESS)

    assert report.valid, describe(report)
    assert describe(report).startswith("valid: 20 entries proven against checkpoint #4")


def test_case_bundle_with_some_entries_is_valid():
    case_id = uuid.uuid4()
    leaves = canonical_texts(5) + canonical_texts(3, case_id) + canonical_texts(4)
    scope = {"kind": "case", "case_id": str(case_id)}

    report = verify_bundle(
        memory_bundle(KEY, leaves, [12], [5, 6, 7], scope), PUBLIC, witness=WITNESS
    )

    assert report.valid, describe(report)


def test_changed_byte_names_the_entry_and_the_checkpoints_it_breaks():
    bundle = memory_bundle(KEY, LEAVES, [5, 12, 20])
    entry = bundle["entries"][9]
    entry["envelope"] = entry["envelope"].replace("staff-1", "staff-2", 1)

    report = verify_bundle(bundle, PUBLIC, witness=WITNESS)

    assert report.first_bad_index == 9
    failed = {f.subject.split(" (")[0] for f in report.findings}
    assert failed == {"entry 9", "checkpoint #2", "checkpoint #3"}


def test_entry_missing_from_a_whole_ledger_bundle_is_named():
    bundle = memory_bundle(KEY, LEAVES, [20])
    del bundle["entries"][13]

    report = verify_bundle(bundle, PUBLIC, witness=WITNESS)

    assert report.first_bad_index == 13
    assert "entry 13: is missing from the ledger" in describe(report)


def test_checkpoint_not_signed_by_the_pinned_key_fails():
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()

    report = verify_bundle(memory_bundle(KEY, LEAVES, [4, 20]), other, witness=WITNESS)

    assert {f.subject.split(" (")[0] for f in report.findings} == {"checkpoint #1", "checkpoint #2"}
    assert "names key" in report.findings[0].reason


def test_checkpoint_that_rewrote_history_is_not_an_extension_of_the_one_before():
    rewritten = canonical_texts(20)
    bundle = memory_bundle(KEY, rewritten, [4, 20])
    original = MemoryNodeStore.from_leaves(e.encode() for e in LEAVES)
    bundle["checkpoints"][0] = signed_checkpoint(KEY, original, 4, 1)  # signed, then rewritten

    report = verify_bundle(bundle, PUBLIC, witness=WITNESS)

    assert any("is not an extension of checkpoint #1" in str(f) for f in report.findings)


def test_forged_root_with_a_valid_looking_signature_field_fails():
    bundle = memory_bundle(KEY, LEAVES, [20])
    bundle["checkpoints"][0]["root_hash"] = "00" * 32

    report = verify_bundle(bundle, PUBLIC, witness=WITNESS)

    assert not report.valid
    assert "signature does not verify" in describe(report)


def test_entry_of_another_case_in_a_case_bundle_is_flagged():
    case_id = uuid.uuid4()
    leaves = canonical_texts(2, case_id) + canonical_texts(1)
    scope = {"kind": "case", "case_id": str(case_id)}

    report = verify_bundle(
        memory_bundle(KEY, leaves, [3], [0, 1, 2], scope), PUBLIC, witness=WITNESS
    )

    assert report.first_bad_index == 2 and "belongs to case" in describe(report)


def test_malformed_bundle_is_reported_not_raised():
    bundle = memory_bundle(KEY, LEAVES, [20])
    broken = copy.deepcopy(bundle)
    broken["proven_against"] = 99

    assert "malformed" in describe(verify_bundle(broken, PUBLIC, witness=WITNESS))
    assert "format" in describe(
        verify_bundle({**bundle, "format": "other/9"}, PUBLIC, witness=WITNESS)
    )


def test_command_prints_valid_or_the_first_bad_entry_with_exit_status(tmp_path, capsys):
    bundle = memory_bundle(KEY, LEAVES, [20])
    path, key_file = tmp_path / "bundle.json", tmp_path / "key.pub"
    path.write_text(json.dumps(bundle))
    key_file.write_text(base64.b64encode(PUBLIC).decode())
    assert main([str(path), "--public-key", str(key_file), "--witness-key", WITNESS.vkey()]) == 0
    assert capsys.readouterr().out.startswith("valid")

    bundle["entries"][3], bundle["entries"][4] = bundle["entries"][4], bundle["entries"][3]
    bundle["entries"][3]["leaf_index"], bundle["entries"][4]["leaf_index"] = 3, 4
    path.write_text(json.dumps(bundle))
    assert main([str(path), "--public-key", str(key_file), "--witness-key", WITNESS.vkey()]) == 1
    assert "first bad entry: leaf index 3" in capsys.readouterr().out

    assert main([str(path), "--public-key", "not-base64!", "--witness-key", WITNESS.vkey()]) == 2


def test_verifier_runs_as_a_lone_script_outside_the_project(tmp_path):
    script = tmp_path / "verifier.py"
    shutil.copy(Path(__file__).parents[3] / "services" / "audit" / "verifier.py", script)
    (tmp_path / "bundle.json").write_text(json.dumps(memory_bundle(KEY, LEAVES, [20])))
    key = base64.b64encode(PUBLIC).decode()

    run = subprocess.run(
        [sys.executable, "-I", str(script), "bundle.json", "--public-key", key,
         "--witness-key", WITNESS.vkey()],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("valid: 20 entries")


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_changed_entry_is_the_first_bad_index_and_breaks_every_later_checkpoint(data):
    size = data.draw(st.integers(min_value=1, max_value=len(LEAVES)))
    sizes = sorted(data.draw(st.sets(st.integers(1, size), max_size=3)) | {size})
    bad = data.draw(st.integers(min_value=0, max_value=size - 1))
    bundle = memory_bundle(KEY, LEAVES, sizes)
    bundle["entries"][bad]["envelope"] = bundle["entries"][bad]["envelope"].replace("{", "{ ", 1)

    report = verify_bundle(bundle, PUBLIC, witness=WITNESS)

    assert report.first_bad_index == bad
    broken = {f.subject.split(" ")[1] for f in report.findings if f.subject.startswith("check")}
    assert broken == {f"#{n + 1}" for n, s in enumerate(sizes) if s > bad}


def test_a_bundle_whose_anchor_the_witness_did_not_cosign_fails():
    bundle = memory_bundle(KEY, LEAVES, [20])
    anchor = bundle["checkpoints"][0]
    anchor["note"] = anchor["note"].rpartition("\u2014 witness.test ")[0]

    report = verify_bundle(bundle, PUBLIC, witness=WITNESS)

    assert not report.valid
    assert "no valid cosignature by the witness witness.test" in describe(report)


def test_a_verifier_given_no_witness_key_fails_even_a_sound_bundle(tmp_path):
    bundle = memory_bundle(KEY, LEAVES, [20])

    report = verify_bundle(bundle, PUBLIC)

    assert not report.valid and "no witness key given" in describe(report)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    key = base64.b64encode(PUBLIC).decode()
    with pytest.raises(SystemExit):  # --witness-key is required
        main([str(path), "--public-key", key])


def test_another_witness_key_does_not_vouch_for_the_bundle():
    other = WitnessKey("witness.test", Ed25519PrivateKey.generate().public_key().public_bytes_raw())

    report = verify_bundle(memory_bundle(KEY, LEAVES, [20]), PUBLIC, witness=other)

    assert "no valid cosignature" in describe(report)


def _case_bundle(case_id):
    leaves = canonical_texts(3, case_id) + canonical_texts(4) + canonical_texts(2, case_id)
    leaves[7:] = [envelope(case_id=case_id, version=v).canonical_json().decode() for v in (4, 5)]
    scope = {"kind": "case", "case_id": str(case_id)}
    return memory_bundle(KEY, leaves, [9], [0, 1, 2, 7, 8], scope)


def test_a_case_bundle_missing_its_last_event_fails_naming_case_and_event():
    case_id = uuid.uuid4()
    bundle = _case_bundle(case_id)
    last = json.loads(bundle["entries"].pop()["envelope"])["event_id"]  # no gap in versions

    report = verify_bundle(bundle, PUBLIC, witness=WITNESS)

    assert any(
        f.subject == f"case {case_id}"
        and f"event {last} (leaf index 8)" in f.reason
        and "missing from the bundle" in f.reason
        for f in report.findings
    ), describe(report)


def test_a_case_index_proof_for_fewer_events_does_not_match_the_signed_root():
    case_id = uuid.uuid4()
    bundle = _case_bundle(case_id)
    bundle["entries"].pop()
    bundle["case_index"]["events"].pop()  # the list shortened to match: its digest does not

    report = verify_bundle(bundle, PUBLIC, witness=WITNESS)

    assert "is not the signed one (5 events)" in describe(report)


def test_a_whole_case_bundle_with_its_case_index_is_valid():
    report = verify_bundle(_case_bundle(uuid.uuid4()), PUBLIC, witness=WITNESS)

    assert report.valid, describe(report)


def test_witness_verifier_keys_read_back_whatever_their_base64_holds():
    for _ in range(200):  # base64 of a key often holds "+", the field separator
        public = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
        key = WitnessKey("witness.example", public)
        assert WitnessKey.parse(key.vkey()) == key


def test_a_whole_ledger_whose_signed_case_index_leaves_out_an_event_fails():
    bundle = memory_bundle(KEY, LEAVES, [20])
    tree = MemoryNodeStore.from_leaves(e.encode() for e in LEAVES)
    short, _ = case_index_in_memory(
        [
            (i, json.loads(e)["event_id"], json.loads(e)["case_id"])
            for i, e in enumerate(LEAVES[:19])
        ],
        str(uuid.uuid4()),
    )
    bundle["checkpoints"][0] = signed_checkpoint(KEY, tree, 20, 1, short)

    report = verify_bundle(bundle, PUBLIC, witness=WITNESS)

    assert "its case index is not the one its leaves make" in describe(report)
