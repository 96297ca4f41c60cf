// Command checkcheckpoint verifies the audit ledger's checkpoints and proofs with code the
// project did not write: golang.org/x/mod/sumdb/note for the C2SP signed notes,
// github.com/transparency-dev/formats/note for the witness's C2SP tlog-cosignature/v1, and
// github.com/transparency-dev/merkle for RFC 6962 consistency and inclusion proofs.
//
// It reads one JSON request on stdin:
//
//	{"verifier_keys": ["name+hash+key", ...], "note": "...",
//	 "cosigner_keys": ["name+hash+key", ...],                         (optional: witnesses)
//	 "older": {"note": "...", "proof": ["base64", ...]},             (optional)
//	 "inclusion": [{"index": 3, "leaf_hash": "base64", "proof": [...]}]} (optional)
//
// and prints {"origin", "size", "root", "signers"} when every signature (by every key given,
// the witnesses' cosignatures of the newest note included)
// and proof verifies; otherwise it prints the reason on stderr and exits 1.
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	fnote "github.com/transparency-dev/formats/note"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

type inclusion struct {
	Index    uint64   `json:"index"`
	LeafHash []byte   `json:"leaf_hash"`
	Proof    [][]byte `json:"proof"`
}

type request struct {
	VerifierKeys []string `json:"verifier_keys"`
	CosignerKeys []string `json:"cosigner_keys"`
	Note         string   `json:"note"`
	Older        *struct {
		Note  string   `json:"note"`
		Proof [][]byte `json:"proof"`
	} `json:"older"`
	Inclusion []inclusion `json:"inclusion"`
}

type checkpoint struct {
	Origin  string   `json:"origin"`
	Size    uint64   `json:"size"`
	Root    []byte   `json:"root"`
	Signers []string `json:"signers"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail(fmt.Errorf("reading the request: %w", err))
	}
	verifiers, err := verifierList(req.VerifierKeys, nil)
	if err != nil {
		fail(err)
	}
	witnessed, err := verifierList(req.VerifierKeys, req.CosignerKeys)
	if err != nil {
		fail(err)
	}
	cp, err := open(req.Note, witnessed, len(req.VerifierKeys)+len(req.CosignerKeys))
	if err != nil {
		fail(err)
	}
	if req.Older != nil {
		old, err := open(req.Older.Note, verifiers, len(req.VerifierKeys))
		if err != nil {
			fail(fmt.Errorf("older checkpoint: %w", err))
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, old.Size, cp.Size, req.Older.Proof, old.Root, cp.Root); err != nil {
			fail(fmt.Errorf("consistency from size %d to %d: %w", old.Size, cp.Size, err))
		}
	}
	for _, inc := range req.Inclusion {
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, inc.Index, cp.Size, inc.LeafHash, inc.Proof, cp.Root); err != nil {
			fail(fmt.Errorf("inclusion of leaf %d: %w", inc.Index, err))
		}
	}
	json.NewEncoder(os.Stdout).Encode(cp)
}

func verifierList(keys []string, cosigners []string) (note.Verifiers, error) {
	var vs []note.Verifier
	for _, k := range keys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("verifier key %q: %w", k, err)
		}
		vs = append(vs, v)
	}
	for _, k := range cosigners {
		v, err := fnote.NewVerifierForCosignatureV1(k)
		if err != nil {
			return nil, fmt.Errorf("cosigner key %q: %w", k, err)
		}
		vs = append(vs, v)
	}
	return note.VerifierList(vs...), nil
}

// open checks the note's signatures (every known key must have signed) and parses the
// C2SP tlog-checkpoint body: origin, tree size, base64 root hash, then extension lines.
func open(text string, verifiers note.Verifiers, want int) (checkpoint, error) {
	n, err := note.Open([]byte(text), verifiers)
	if err != nil {
		return checkpoint{}, fmt.Errorf("signed note: %w", err)
	}
	if len(n.Sigs) != want {
		return checkpoint{}, fmt.Errorf("signed by %d of the %d keys", len(n.Sigs), want)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		return checkpoint{}, errors.New("a checkpoint has an origin, a size and a root hash")
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		return checkpoint{}, fmt.Errorf("tree size: %w", err)
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return checkpoint{}, fmt.Errorf("root hash %q is not 32 bytes of base64", lines[2])
	}
	cp := checkpoint{Origin: lines[0], Size: size, Root: root}
	for _, s := range n.Sigs {
		cp.Signers = append(cp.Signers, s.Name)
	}
	return cp, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
