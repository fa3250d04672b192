package dynamodb

import (
	"encoding/json"
	"strings"
	"testing"
)

// Resource-policy behaviour observed on AWS (the DDB-TABLE-nnn findings of
// the ack-api-quirks lab).

// getPolicy returns the document and revision GetResourcePolicy answers.
func (f *fixture) getPolicy(t *testing.T, resource string) (doc, revision string) {
	t.Helper()
	var out struct{ Policy, RevisionId string }
	if err := json.Unmarshal([]byte(f.mustCall(t, "GetResourcePolicy", `{"ResourceArn":"`+resource+`"}`)), &out); err != nil {
		t.Fatal(err)
	}
	return out.Policy, out.RevisionId
}

// putPolicy puts doc on resource and returns the revision.
func (f *fixture) putPolicy(t *testing.T, resource, doc string) string {
	t.Helper()
	var out struct{ RevisionId string }
	body, err := json.Marshal(map[string]string{"ResourceArn": resource, "Policy": doc})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(f.mustCall(t, "PutResourcePolicy", string(body))), &out); err != nil {
		t.Fatal(err)
	}
	return out.RevisionId
}

// TestPolicyCanonicalForm: Get returns the canonical document; equivalent
// re-Puts keep the revision (DDB-TABLE-207, 208, 351, 352, 353, 355).
func TestPolicyCanonicalForm(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	sent := `{
	  "Statement": {
	    "Resource": [ "` + arnItems + `" ],
	    "Action": [ "dynamodb:GetItem" ],
	    "Principal": { "AWS": [ "444455556666", "arn:aws:iam::444455556666:root" ] },
	    "Effect": "allow",
	    "Sid": "Read<&>"
	  },
	  "Version": "2012-10-17"
	}`
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"Read<&>","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},` +
		`"Action":"dynamodb:GetItem","Resource":"` + arnItems + `"}]}`
	r1 := f.putPolicy(t, arnItems, sent)
	doc, rev := f.getPolicy(t, arnItems)
	if doc != want || rev != r1 {
		t.Fatalf("Get = %s %s, want %s %s", doc, rev, want, r1)
	}
	// The canonical form is a fixpoint, and equivalent forms are no-ops.
	for _, same := range []string{want, strings.ReplaceAll(sent, "\n", " "),
		`{"Version":"2012-10-17","Statement":[{"Sid":"Read<&>","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"dynamodb:GetItem","Resource":["` + arnItems + `"]}]}`} {
		if r := f.putPolicy(t, arnItems, same); r != r1 {
			t.Fatalf("re-Put of %s: revision %s, want %s", same, r, r1)
		}
	}
	// Multi-element lists are kept verbatim, duplicates included.
	multi := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["dynamodb:Scan","dynamodb:Query","dynamodb:Scan"],` +
		`"Resource":["` + arnItems + `","*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	if r := f.putPolicy(t, arnItems, multi); r == r1 {
		t.Fatal("a different document kept the revision")
	}
	if doc, _ := f.getPolicy(t, arnItems); doc != multi {
		t.Fatalf("Get = %s, want %s", doc, multi)
	}
}

// TestPolicyVersionOmitted: a Version-less document reads back with
// 2008-10-17 yet differs from one that names it (DDB-TABLE-354).
func TestPolicyVersionOmitted(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	bare := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"dynamodb:GetItem","Resource":"*"}]}`
	r1 := f.putPolicy(t, arnItems, bare)
	doc, _ := f.getPolicy(t, arnItems)
	if !strings.HasPrefix(doc, `{"Version":"2008-10-17","Statement":[`) {
		t.Fatalf("Get = %s", doc)
	}
	if r := f.putPolicy(t, arnItems, bare); r != r1 {
		t.Fatalf("same Version-less re-Put: %s, want %s", r, r1)
	}
	r2 := f.putPolicy(t, arnItems, doc)
	if r2 == r1 {
		t.Fatal("the Get output of a Version-less document was a no-op")
	}
	if r := f.putPolicy(t, arnItems, bare); r == r2 {
		t.Fatal("a Version-less document equalled the explicit one")
	}
}

// TestPolicyValidationQuirks: PutResourcePolicy's refusals (DDB-TABLE-211,
// 352, 356, 210, 270).
func TestPolicyValidationQuirks(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	stmt := func(s string) string { return `{"Version":"2012-10-17","Statement":[` + s + `]}` }
	get := `"Action":"dynamodb:GetItem","Resource":"*"`
	unbounded := "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access"
	f.run(t, []wireCase{
		{"PutResourcePolicy", policyBody(arnItems, stmt(`{"Sid":"a","Effect":"Allow","Principal":{"AWS":"444455556666"},`+get+`},{"Sid":"a","Effect":"Deny","Principal":"*",`+get+`}`), ``), 400,
			[]string{"ValidationException", "One or more parameter values were invalid: Invalid policy document: The Statement Ids in the policy are not unique"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, stmt(`{"Effect":"Allow","Principal":"*",`+get+`}`), ``), 400, []string{"ValidationException", unbounded}, []string{"parameter values"}},
		{"PutResourcePolicy", policyBody(arnItems, stmt(`{"Effect":"Allow","Principal":{"AWS":"*"},`+get+`}`), ``), 400, []string{"ValidationException", unbounded}, nil},
		{"CreateTable", withPolicy("open", quoteJSON(stmt(`{"Effect":"Allow","Principal":"*",`+get+`}`))), 400, []string{"ValidationException", unbounded}, nil},
		{"PutResourcePolicy", policyBody(arnItems, stmt(`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"dynamodb:GetItem"}`), ``), 400,
			[]string{"ValidationException", "One or more parameter values were invalid: Invalid policy document: Missing required field Resource"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, stmt(`{"Effect":"Allow","Principal":{"AWS":"444455556666"},`+get+`}`)+strings.Repeat(" ", maxPolicyBytes), ``), 400,
			[]string{"ValidationException", "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded"}, nil},
		// Another table's ARN, "*" and this table's index may be named.
		{"PutResourcePolicy", policyBody(arnItems, stmt(`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"dynamodb:Query","Resource":["arn:aws:dynamodb:eu-west-1:111122223333:table/other","`+arnItems+`/index/byName"]}`), ``), 200, nil, nil},
		// Deny to everyone is no public access; a Deny of DeleteResourcePolicy
		// alone needs no confirmation (DDB-TABLE-270).
		{"PutResourcePolicy", policyBody(arnItems, stmt(`{"Effect":"Deny","Principal":"*","Action":"dynamodb:DeleteResourcePolicy","Resource":"*"}`), ``), 200, nil, nil},
		{"PutResourcePolicy", policyBody(arnItems, stmt(`{"Effect":"Deny","Principal":"*","Action":["dynamodb:PutResourcePolicy","dynamodb:DeleteResourcePolicy"],"Resource":"*"}`), `,"ConfirmRemoveSelfResourceAccess":false`), 400,
			[]string{"AccessDeniedException", "The new resource policy will not allow you to update the resource policy in the future."}, nil},
	})
}

// TestPolicyRevisionQuirks: ExpectedRevisionId texts and the deletion's
// tombstone revision (DDB-TABLE-205, 209, 246).
func TestPolicyRevisionQuirks(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	pnf := "Resource-based policy not found for the provided ResourceArn: "
	r0, r1, r2 := rev(epoch, 0), rev(epoch, 1), rev(epoch, 2)
	doc2 := strings.Replace(allowOther, `"dynamodb:GetItem",`, ``, 1)
	f.run(t, []wireCase{
		// Never a policy: Delete is a 200 without a RevisionId.
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 200, []string{`{}`}, []string{"RevisionId"}},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `","ExpectedRevisionId":"123456789"}`, 400,
			[]string{"PolicyNotFoundException", pnf + "Requested update for policy with revision id 123456789, but table items has no associated policy."}, nil},
		{"PutResourcePolicy", policyBody(arnItems, allowOther, `,"ExpectedRevisionId":"123456789"`), 400,
			[]string{"PolicyNotFoundException", pnf + "Requested update for policy with revision id 123456789, but table items has no associated policy."}, nil},
		{"PutResourcePolicy", policyBody(arnItems, allowOther, ``), 200, []string{`"RevisionId":"` + r0 + `"`}, nil},
		{"PutResourcePolicy", policyBody(arnItems, doc2, `,"ExpectedRevisionId":"000000000000000000"`), 400,
			[]string{"PolicyNotFoundException", pnf + "Requested update for policy with revision id 000000000000000000, but the policy associated to target table items has revision id " + r0 + "."}, nil},
		{"PutResourcePolicy", policyBody(arnItems, doc2, `,"ExpectedRevisionId":"NO_POLICY"`), 400,
			[]string{"PolicyNotFoundException", pnf + "Requested policy update expecting none to be present for table items, but a policy exists with revision id " + r0 + "."}, nil},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `","ExpectedRevisionId":"1"}`, 400,
			[]string{"PolicyNotFoundException", "but the policy associated to target table items has revision id " + r0 + "."}, nil},
		// A real delete echoes the removed revision ...
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `","ExpectedRevisionId":"` + r0 + `"}`, 200, []string{`"RevisionId":"` + r0 + `"`}, nil},
		{"GetResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 400, []string{"PolicyNotFoundException", pnf + arnItems}, nil},
		// ... and a later one the deletion's own.
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 200, []string{`"RevisionId":"` + r1 + `"`}, nil},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `","ExpectedRevisionId":"` + r0 + `"}`, 400,
			[]string{"PolicyNotFoundException", "Requested update for policy with revision id " + r0 + ", but table items has no associated policy."}, nil},
		{"PutResourcePolicy", policyBody(arnItems, allowOther, `,"ExpectedRevisionId":"NO_POLICY"`), 200, []string{`"RevisionId":"` + r2 + `"`}, nil},
		// A deleted table's ARN is not found; a re-created one starts fresh
		// (DDB-TABLE-214, 436).
		{"DeleteTable", `{"TableName":"items"}`, 200, nil, nil},
		{"GetResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 400, []string{"ResourceNotFoundException", "Requested resource not found: Table: items not found"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, allowOther, ``), 400, []string{"ResourceNotFoundException", "Requested resource not found: Table: items not found"}, nil},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 400, []string{"ResourceNotFoundException", "Requested resource not found: Table: items not found"}, nil},
		{"CreateTable", itemsTable, 200, nil, nil},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 200, []string{`{}`}, []string{"RevisionId"}},
	})
}

// TestPolicyResourceArnForms: what each ResourceArn form answers
// (DDB-TABLE-212).
func TestPolicyResourceArnForms(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	streamArn, _ := f.streamTable(t, "streamed", "KEYS_ONLY")
	invalid := "One or more parameter values were invalid: "
	for _, op := range []string{"GetResourcePolicy", "DeleteResourcePolicy", "PutResourcePolicy"} {
		body := func(a string) string {
			if op == "PutResourcePolicy" {
				return policyBody(a, allowOther, ``)
			}
			return `{"ResourceArn":"` + a + `"}`
		}
		t.Run(op, func(t *testing.T) {
			f.run(t, []wireCase{
				{op, body("items"), 400, []string{"ValidationException", invalid + "ARNs must start with 'arn:': items"}, nil},
				{op, body("arn:aws:dynamodb:eu-west-1:111122223333:table/missing"), 400, []string{"ResourceNotFoundException", "Requested resource not found: Table: missing not found"}, nil},
				{op, body("arn:aws:dynamodb:eu-west-1:111122223333:table/ITEMS"), 400, []string{"ResourceNotFoundException", "Requested resource not found: Table: ITEMS not found"}, nil},
				{op, body("arn:aws:dynamodb:eu-west-1:444455556666:table/items"), 400,
					[]string{"ValidationException", "This action is only supported by accounts that match the resource owner\u2019s account."}, nil},
				{op, body("arn:aws:dynamodb:us-east-1:111122223333:table/items"), 400,
					[]string{"ValidationException", invalid + "Invalid resource Arn: arn:aws:dynamodb:us-east-1:111122223333:table/items"}, nil},
				{op, body("arn:aws-cn:dynamodb:eu-west-1:111122223333:table/items"), 400,
					[]string{"ValidationException", invalid + "Invalid resource Arn: arn:aws-cn:dynamodb:eu-west-1:111122223333:table/items"}, nil},
				{op, body(arnItems + "/index/byName"), 400,
					[]string{"ValidationException", invalid + "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: " + arnItems + "/index/byName"}, nil},
				{op, body(arnItems + "/backup/01700000000000-abcdef12"), 400,
					[]string{"ValidationException", invalid + "Provided Arn is not a DynamoDB resource arn: " + arnItems + "/backup/01700000000000-abcdef12"}, nil},
				{op, body("arn:aws:dynamodb:eu-west-1:111122223333:table/streamed/stream/2000-01-01T00:00:00.000"), 400,
					[]string{"ResourceNotFoundException", "Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: streamed"}, nil},
			})
		})
	}
	f.run(t, []wireCase{{"GetResourcePolicy", `{"ResourceArn":"` + streamArn + `"}`, 400, []string{"PolicyNotFoundException", streamArn}, nil}})
}

// TestPolicyOwnerDeny: a confirmed self-lockout denies the owner's Put,
// while the account's root may always delete the policy (DDB-TABLE-210).
func TestPolicyOwnerDeny(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	owner := *f
	owner.strict = true
	lock := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["dynamodb:PutResourcePolicy","dynamodb:DeleteResourcePolicy"],"Resource":"*"}]}`
	owner.run(t, []wireCase{
		{"PutResourcePolicy", policyBody(arnItems, lock, `,"ConfirmRemoveSelfResourceAccess":true`), 200, nil, nil},
		{"PutResourcePolicy", policyBody(arnItems, allowOther, `,"ConfirmRemoveSelfResourceAccess":true`), 400,
			[]string{"AccessDeniedException", "is not authorized to perform: dynamodb:PutResourcePolicy on resource: " + arnItems + " with an explicit deny in a resource-based policy"}, nil},
		{"GetResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 200, nil, nil},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 200, nil, nil},
		{"PutResourcePolicy", policyBody(arnItems, allowOther, ``), 200, nil, nil},
	})
}
