package dynamodb

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/unkai-cloud/unkai/internal/arn"
)

// DynamoDB stores a resource-based policy in a canonical form, the one
// GetResourcePolicy returns (observed on AWS, DDB-TABLE-208, 351-355):
//
//   - minified, with the keys in a fixed order: Version, Id, Statement at
//     the top, and Sid, Effect, Principal, Action (or NotAction), Resource
//     (or NotResource), Condition in a statement;
//   - a Statement object becomes a one-element list; a one-element Action,
//     Resource or principal list becomes a string, longer lists are kept
//     as sent (order and duplicates included); an account id principal
//     becomes the account's root ARN, and equal principals collapse;
//   - an Effect in any case reads Allow or Deny;
//   - a document sent without Version reads back with 2008-10-17, IAM's
//     default, yet it is not the same document as one that names
//     2008-10-17: PutResourcePolicy compares the canonical forms with the
//     Version as sent, so only a re-Put of an equivalent document is a
//     no-op that keeps the revision.
//
// Where AWS is silent: Id (which the lab did not send) sits between
// Version and Statement, and principal kinds are ordered AWS, Service.

// canonPolicy is the canonical form of a policy document.
type canonPolicy struct {
	Doc       string // what GetResourcePolicy returns
	NoVersion bool   // the document was sent without a Version
}

// canonicalPolicy returns the canonical form of doc, which parsePolicy has
// accepted; partition is that of the table's region, for root ARNs.
func canonicalPolicy(doc, partition string) (canonPolicy, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		return canonPolicy{}, internalf("canonical policy: %w", err)
	}
	var out canonPolicy
	w := &canonWriter{}
	w.buf.WriteByte('{')
	version := policyVersionOld
	if raw, ok := top["Version"]; ok {
		if err := json.Unmarshal(raw, &version); err != nil {
			return canonPolicy{}, internalf("canonical policy version: %w", err)
		}
	} else {
		out.NoVersion = true
	}
	w.key("Version")
	w.str(version)
	if raw, ok := top["Id"]; ok {
		w.key("Id")
		w.raw(raw)
	}
	w.key("Statement")
	raw := bytes.TrimSpace(top["Statement"])
	var stmts []json.RawMessage
	if len(raw) > 0 && raw[0] == '{' {
		stmts = []json.RawMessage{raw}
	} else if err := json.Unmarshal(raw, &stmts); err != nil {
		return canonPolicy{}, internalf("canonical policy statements: %w", err)
	}
	w.buf.WriteByte('[')
	for i, s := range stmts {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		if err := w.statement(s, partition); err != nil {
			return canonPolicy{}, err
		}
	}
	w.buf.WriteString("]}")
	out.Doc = w.buf.String()
	return out, nil
}

// canonWriter writes canonical JSON.
type canonWriter struct {
	buf   bytes.Buffer
	comma bool // a member was written in the current object
}

// key writes an object member's key, preceded by a comma when needed.
func (w *canonWriter) key(k string) {
	if w.comma {
		w.buf.WriteByte(',')
	}
	w.comma = true
	w.str(k)
	w.buf.WriteByte(':')
}

// str writes a JSON string without HTML escaping.
func (w *canonWriter) str(s string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	w.buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// raw writes a JSON value minified, its strings decoded and re-encoded.
func (w *canonWriter) raw(v json.RawMessage) {
	var x any
	if json.Unmarshal(v, &x) != nil {
		_ = json.Compact(&w.buf, v)
		return
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(x)
	w.buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// list writes a string list: one element as a string, more as a list.
func (w *canonWriter) list(l []string) {
	if len(l) == 1 {
		w.str(l[0])
		return
	}
	w.buf.WriteByte('[')
	for i, s := range l {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.str(s)
	}
	w.buf.WriteByte(']')
}

// statement writes one statement in canonical form.
func (w *canonWriter) statement(raw json.RawMessage, partition string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return internalf("canonical policy statement: %w", err)
	}
	w.buf.WriteByte('{')
	w.comma = false
	if v, ok := m["Sid"]; ok {
		w.key("Sid")
		w.raw(v)
	}
	var effect string
	_ = json.Unmarshal(m["Effect"], &effect) // parsePolicy checked it
	w.key("Effect")
	if strings.EqualFold(effect, "Deny") {
		w.str("Deny")
	} else {
		w.str("Allow")
	}
	w.key("Principal")
	w.principal(m["Principal"], partition)
	for _, k := range [][2]string{{"Action", "NotAction"}, {"Resource", "NotResource"}} {
		name := k[0]
		if _, ok := m[k[1]]; ok {
			name = k[1]
		}
		l, _ := stringOrList(m[name])
		w.key(name)
		w.list(l)
	}
	if v, ok := m["Condition"]; ok {
		w.key("Condition")
		w.raw(v)
	}
	w.buf.WriteByte('}')
	w.comma = true
	return nil
}

// principal writes a Principal: "*" as sent, otherwise an object whose
// AWS entries name accounts by their root ARN, duplicates removed.
func (w *canonWriter) principal(raw json.RawMessage, partition string) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		w.str(s)
		return
	}
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m) // parsePolicy checked it
	w.buf.WriteByte('{')
	w.comma = false
	for _, kind := range []string{"AWS", "Service"} {
		v, ok := m[kind]
		if !ok {
			continue
		}
		ids, _ := stringOrList(v)
		var out []string
		seen := map[string]bool{}
		for _, id := range ids {
			if kind == "AWS" && isAccountID(id) {
				id = arn.ARN{Partition: partition, Service: "iam", Account: id, Resource: "root"}.String()
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		w.key(kind)
		w.list(out)
	}
	w.buf.WriteByte('}')
	w.comma = true
}
