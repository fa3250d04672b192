package dynamodb

import (
	"strings"
	"testing"
)

// allowOther grants the other account GetItem and PutItem on items.
const allowOther = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Describe*"],"Resource":"` + arnItems + `"}]}`

func policyBody(resource, doc string, extra string) string {
	return `{"ResourceArn":"` + resource + `","Policy":` + quoteJSON(doc) + extra + `}`
}

func quoteJSON(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

func TestParsePolicy(t *testing.T) {
	for _, tc := range []struct {
		doc, err string
	}{
		{allowOther, ""},
		{`{"Statement":{"Effect":"Deny","Principal":"*","Action":"dynamodb:*","Resource":"*"}}`, ""},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/r"]},"NotAction":"dynamodb:Delete*","NotResource":"arn:aws:dynamodb:*:*:table/x"}]}`, ""},
		{`{"Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"dynamodb:Scan","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"1"}}}]}`, ""},
		{`not json`, "Invalid policy document: This policy contains invalid Json"},
		{`{"Statement":[]}`, "Invalid policy document: Could not parse the policy: Statement is empty!"},
		{`{"Version":"2012-10-17"}`, "Invalid policy document: Syntax error at position (1,25)"},
		{`{}`, "Invalid policy document: Syntax error at position (1,3)"},
		{`{"Version":"2020-01-01","Statement":[]}`, "valid version"},
		{`{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"dynamodb:GetItem","Resource":"*"}]}`, "Effect must be Allow or Deny"},
		{`{"Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}`, "Invalid policy document: Missing required field Principal"},
		{`{"Statement":[{"Effect":"Allow","Principal":"someone","Action":"dynamodb:GetItem","Resource":"*"}]}`, "Invalid principal in policy document."},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"dynamodb:GetItem","Resource":"*"}]}`, "Invalid principal in policy document."},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":["dynamodb:ListStreams","s3:GetObject","dynamodb:GetItem"],"Resource":"*"}]}`,
			`One or more parameter values were invalid: Invalid policy document: The following action names are invalid: "dynamodb:ListStreams", "s3:GetObject"`},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"dynamodb:GetItem"}]}`, "Invalid policy document: Missing required field Resource"},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Resource":"*"}]}`, "Invalid policy document: Missing required field Action"},
		{`{"Statement":[{"Effect":"Allow","NotPrincipal":"*","Action":"dynamodb:GetItem","Resource":"*"}]}`, "NotPrincipal"},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"dynamodb:GetItem","Resource":"*"}]} {}`, "This policy contains invalid Json"},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"dynamodb:GetItem","Resource":"` + strings.Repeat("x", maxPolicyBytes) + `"}]}`, "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded"},
	} {
		_, err := parsePolicy(tc.doc)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%.80s: %v", tc.doc, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !hasCode(err, codeValidation)):
			t.Errorf("%.80s: %v, want %q", tc.doc, err, tc.err)
		}
	}
}

func TestPolicyEvaluate(t *testing.T) {
	doc, err := parsePolicy(`{"Statement":[
		{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"dynamodb:Get*","Resource":"` + arnItems + `"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777788889999:user/u"},"Action":"dynamodb:*","Resource":"*"},
		{"Effect":"Allow","Principal":"*","Action":"dynamodb:Query","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
		{"Effect":"Deny","Principal":"*","Action":"dynamodb:DeleteTable","Resource":"arn:aws:dynamodb:*:*:table/it?ms"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		account, action, resource string
		want                      decision
	}{
		{otherAccount, "GetItem", arnItems, decideAllow},
		{otherAccount, "getitem", arnItems, decideAllow},
		{otherAccount, "PutItem", arnItems, decideNone},
		{otherAccount, "GetItem", arnItems + "x", decideNone},
		{"777788889999", "GetItem", arnItems, decideNone}, // a user ARN matches no unkai caller
		{otherAccount, "Query", arnItems, decideNone},     // conditional Allow grants nothing
		{testAccount, "DeleteTable", arnItems, decideDeny},
		{otherAccount, "DeleteTable", arnItems, decideDeny},
	} {
		if got := doc.evaluate(tc.account, tc.action, tc.resource); got != tc.want {
			t.Errorf("%s %s %s: %d, want %d", tc.account, tc.action, tc.resource, got, tc.want)
		}
	}
}

func TestResourcePolicyOperations(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	streamArn, _ := f.streamTable(t, "streamed", "NEW_IMAGE")
	doc2 := strings.Replace(allowOther, `"dynamodb:GetItem",`, ``, 1)
	f.run(t, []wireCase{
		{"GetResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 400, []string{"PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: " + arnItems}, nil},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 200, nil, []string{"RevisionId"}},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `","ExpectedRevisionId":"123"}`, 400, []string{"PolicyNotFoundException"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, allowOther, `,"ExpectedRevisionId":"123"`), 400, []string{"PolicyNotFoundException"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, allowOther, `,"ExpectedRevisionId":"NO_POLICY"`), 200, []string{`"RevisionId":"` + rev(epoch, 0) + `"`}, nil},
		// The same document again keeps its revision.
		{"PutResourcePolicy", policyBody(arnItems, allowOther, ``), 200, []string{`"RevisionId":"` + rev(epoch, 0) + `"`}, nil},
		{"PutResourcePolicy", policyBody(arnItems, doc2, `,"ExpectedRevisionId":"NO_POLICY"`), 400, []string{"PolicyNotFoundException"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, doc2, `,"ExpectedRevisionId":"`+rev(epoch, 0)+`"`), 200, []string{`"RevisionId":"` + rev(epoch, 1) + `"`}, nil},
		{"GetResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 200, []string{`"RevisionId":"` + rev(epoch, 1) + `"`, `dynamodb:PutItem`}, []string{"dynamodb:GetItem"}},
		{"PutResourcePolicy", policyBody(arnItems, `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"dynamodb:PutResourcePolicy","Resource":"*"}]}`, ``), 400,
			[]string{"AccessDeniedException", "The new resource policy will not allow you to update the resource policy in the future."}, nil},
		{"PutResourcePolicy", policyBody(arnItems, `bad`, ``), 400, []string{"ValidationException", "Invalid policy document"}, nil},
		{"PutResourcePolicy", policyBody("arn:aws:dynamodb:eu-west-1:111122223333:table/missing", allowOther, ``), 400,
			[]string{"ResourceNotFoundException", "Requested resource not found: Table: missing not found"}, nil},
		{"PutResourcePolicy", policyBody("arn:aws:dynamodb:eu-west-1:444455556666:table/items", allowOther, ``), 400,
			[]string{"ValidationException", "This action is only supported by accounts that match the resource owner’s account."}, nil},
		{"PutResourcePolicy", policyBody("items", allowOther, ``), 400, []string{"ValidationException", "One or more parameter values were invalid: ARNs must start with 'arn:': items"}, nil},
		// Streams carry their own policy.
		{"PutResourcePolicy", policyBody(streamArn, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"dynamodb:GetRecords","Resource":"`+streamArn+`"}]}`, ``), 200, nil, nil},
		{"GetResourcePolicy", `{"ResourceArn":"` + streamArn + `"}`, 200, []string{`GetRecords`}, nil},
		{"PutResourcePolicy", policyBody(streamArn+"x", allowOther, ``), 400, []string{"ResourceNotFoundException"}, nil},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `","ExpectedRevisionId":"` + rev(epoch, 1) + `"}`, 200, []string{`"RevisionId":"` + rev(epoch, 1) + `"`}, nil},
		{"GetResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 400, []string{"PolicyNotFoundException"}, nil},
		// CreateTable attaches its ResourcePolicy; deleting the table deletes it.
		{"CreateTable", withPolicy("pol", quoteJSON(allowOther)), 200, nil, nil},
		{"GetResourcePolicy", `{"ResourceArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/pol"}`, 200, []string{`"RevisionId":"`}, nil},
		{"CreateTable", withPolicy("pol2", `"{}"`), 400, []string{"Invalid policy document"}, nil},
		{"DeleteTable", `{"TableName":"pol"}`, 200, nil, nil},
		{"CreateTable", strings.Replace(itemsTable, `"items"`, `"pol"`, 1), 200, nil, nil},
		{"GetResourcePolicy", `{"ResourceArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/pol"}`, 400, []string{"PolicyNotFoundException"}, nil},
	})
}

// withPolicy is a CreateTable request for table name with a ResourcePolicy.
func withPolicy(name, quotedDoc string) string {
	body := strings.Replace(itemsTable, `"items"`, `"`+name+`"`, 1)
	return strings.TrimSuffix(body, "}") + `,"ResourcePolicy":` + quotedDoc + `}`
}

// rev is the revision id of a policy written at t, bumped n times.
func rev(t interface{ UnixMilli() int64 }, n int64) string {
	return nextRevision(nil, t.UnixMilli()+n)
}

// TestPolicyEnforcement runs requests as the gateway does in strict mode.
func TestPolicyEnforcement(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	f.mustCall(t, "PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}`)
	owner := *f
	owner.strict = true
	other := f.as(otherAccount)
	other.strict = true
	get := `{"TableName":"` + arnItems + `","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}`
	other.run(t, []wireCase{
		{"GetItem", get, 400, []string{"AccessDeniedException",
			"User: arn:aws:iam::444455556666:root is not authorized to perform: dynamodb:GetItem on resource: " + arnItems + " because no resource-based policy allows the dynamodb:GetItem action"}, nil},
		{"GetItem", `{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}`, 400, []string{"ResourceNotFoundException"}, nil},
	})
	owner.mustCall(t, "PutResourcePolicy", policyBody(arnItems, allowOther, ``))
	other.run(t, []wireCase{
		{"GetItem", get, 200, []string{`"pk":{"S":"a"}`}, nil},
		{"DescribeTable", `{"TableName":"` + arnItems + `"}`, 200, []string{`"TableName":"items"`}, nil},
		{"PutItem", `{"TableName":"` + arnItems + `","Item":{"pk":{"S":"b"},"sk":{"N":"2"}}}`, 200, nil, nil},
		{"DeleteItem", `{"TableName":"` + arnItems + `","Key":{"pk":{"S":"b"},"sk":{"N":"2"}}}`, 400, []string{"AccessDeniedException", "dynamodb:DeleteItem"}, nil},
		{"BatchGetItem", `{"RequestItems":{"` + arnItems + `":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}}]}}}`, 400, []string{"AccessDeniedException", "dynamodb:BatchGetItem"}, nil},
		{"TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"` + arnItems + `","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}}]}`, 200, []string{`"pk":{"S":"a"}`}, nil},
		{"TransactWriteItems", `{"TransactItems":[{"Delete":{"TableName":"` + arnItems + `","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}}]}`, 400, []string{"AccessDeniedException", "dynamodb:DeleteItem"}, nil},
		{"UpdateTimeToLive", `{"TableName":"` + arnItems + `","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"e"}}`, 400, []string{"AccessDeniedException"}, nil},
		// DDB-TABLE-212: the policy operations serve the owner's account only.
		{"GetResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 400, []string{"ValidationException", "only supported by accounts that match the resource owner"}, nil},
	})
	// The other account's write landed in the owner's table.
	owner.run(t, []wireCase{{"GetItem", `{"TableName":"items","Key":{"pk":{"S":"b"},"sk":{"N":"2"}}}`, 200, []string{`"pk":{"S":"b"}`}, nil}})
	// An explicit Deny refuses the owner too, but for DeleteResourcePolicy (root may always remove the policy).
	owner.mustCall(t, "PutResourcePolicy", policyBody(arnItems, `{"Statement":[`+
		`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"dynamodb:*","Resource":"*"},`+
		`{"Effect":"Deny","Principal":"*","Action":["dynamodb:Scan","dynamodb:PutResourcePolicy"],"Resource":"*"}]}`, `,"ConfirmRemoveSelfResourceAccess":true`))
	owner.run(t, []wireCase{
		{"Scan", `{"TableName":"items"}`, 400, []string{"AccessDeniedException", "with an explicit deny in a resource-based policy"}, nil},
		{"Query", `{"TableName":"items","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}}}`, 200, nil, nil},
		{"GetResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 200, nil, nil},
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `"}`, 200, nil, nil},
		{"Scan", `{"TableName":"items"}`, 200, nil, nil},
	})
	other.run(t, []wireCase{
		{"Scan", `{"TableName":"` + arnItems + `"}`, 400, []string{"AccessDeniedException"}, nil},
		// Unresolvable names are the handler's to refuse.
		{"GetItem", `{"TableName":"arn:bad","Key":{"pk":{"S":"a"}}}`, 400, []string{"ValidationException", "Invalid TableArn"}, nil},
	})
}

func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{allowOther, `{"Statement":{"Effect":"Deny","Principal":"*","Action":"dynamodb:*","Resource":"*"}}`, `{}`, `[]`, `{"Statement":[{"Principal":{"AWS":[]}}]}`,
		`{"Id":"x","Statement":[{"Sid":"a","Effect":"deny","Principal":{"AWS":["111122223333","111122223333"],"Service":"s.amazonaws.com"},"NotAction":["dynamodb:Get*"],"NotResource":"arn:x","Condition":{"Bool":{"k":"<v>"}}}]}`} {
		f.Add(s, "GetItem", arnItems)
	}
	f.Fuzz(func(t *testing.T, doc, action, resource string) {
		d, err := parsePolicy(doc)
		if err != nil {
			if !hasCode(err, codeValidation) {
				t.Fatalf("%q: %v", doc, err)
			}
			return
		}
		before := d.evaluate(testAccount, action, resource)
		if !globMatch(resource, resource) && !strings.ContainsAny(resource, "*?") {
			t.Fatalf("%q does not match itself", resource)
		}
		// The canonical form is a valid, equivalent fixpoint.
		c, err := canonicalPolicy(doc, "aws")
		if err != nil {
			t.Fatalf("%q: canonical: %v", doc, err)
		}
		cd, err := parsePolicy(c.Doc)
		if err != nil {
			t.Fatalf("%q: canonical %s: %v", doc, c.Doc, err)
		}
		if after := cd.evaluate(testAccount, action, resource); after != before {
			t.Fatalf("%q: canonical %s decides %d, not %d", doc, c.Doc, after, before)
		}
		if again, err := canonicalPolicy(c.Doc, "aws"); err != nil || again.Doc != c.Doc {
			t.Fatalf("%q: canonical %s is not a fixpoint: %s %v", doc, c.Doc, again.Doc, err)
		}
	})
}

// TestStatementPolicyEnforcement checks that PartiQL statements are held
// to an own-account Deny of their table's policy, with the action of
// their kind.
func TestStatementPolicyEnforcement(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	f.mustCall(t, "CreateTable", simpleTable)
	f.mustCall(t, "PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}`)
	f.mustCall(t, "PutResourcePolicy", policyBody(arnItems, `{"Statement":[`+
		`{"Effect":"Deny","Principal":"*","Action":["dynamodb:PartiQLInsert","dynamodb:PartiQLDelete"],"Resource":"*"}]}`, ``))
	denied := "User: arn:aws:iam::111122223333:root is not authorized to perform: dynamodb:PartiQLInsert on resource: " + arnItems +
		" with an explicit deny in a resource-based policy"
	owner := *f
	owner.strict = true
	owner.run(t, []wireCase{
		{"ExecuteStatement", `{"Statement":"SELECT * FROM items WHERE pk = 'a' AND sk = 1"}`, 200, []string{`"pk":{"S":"a"}`}, nil},
		{"ExecuteStatement", `{"Statement":"UPDATE items SET x = 1 WHERE pk = 'a' AND sk = 1"}`, 200, nil, nil},
		{"ExecuteStatement", `{"Statement":"INSERT INTO items VALUE {'pk': 'b', 'sk': 2}"}`, 400, []string{"AccessDeniedException", denied}, nil},
		{"ExecuteStatement", `{"Statement":"DELETE FROM items WHERE pk = 'a' AND sk = 1"}`, 400, []string{"AccessDeniedException", "dynamodb:PartiQLDelete"}, nil},
		{"ExecuteStatement", `{"Statement":"INSERT INTO tbl VALUE {'pk': 'b'}"}`, 200, nil, nil},
		{"BatchExecuteStatement", `{"Statements":[{"Statement":"INSERT INTO tbl VALUE {'pk': 'c'}"},{"Statement":"INSERT INTO items VALUE {'pk': 'c', 'sk': 3}"}]}`, 200,
			[]string{`"Code":"AccessDenied"`, "dynamodb:PartiQLInsert"}, nil},
		{"ExecuteTransaction", `{"TransactStatements":[{"Statement":"INSERT INTO tbl VALUE {'pk': 'd'}"},{"Statement":"DELETE FROM items WHERE pk = 'a' AND sk = 1"}]}`, 400,
			[]string{"AccessDeniedException", "dynamodb:PartiQLDelete"}, nil},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"d"}}}`, 200, nil, []string{`"Item"`}},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"c"}}}`, 200, []string{`"Item"`}, nil},
		{"GetItem", `{"TableName":"items","Key":{"pk":{"S":"b"},"sk":{"N":"2"}}}`, 200, nil, []string{`"Item"`}},
	})
	// Open mode checks no permission.
	f.run(t, []wireCase{{"ExecuteStatement", `{"Statement":"INSERT INTO items VALUE {'pk': 'b', 'sk': 2}"}`, 200, nil, nil}})
}

// TestStreamCrossAccount reads another account's stream as its policy
// allows, in strict mode.
func TestStreamCrossAccount(t *testing.T) {
	f := newFixture(t)
	streamArn, shard := f.streamTable(t, "tbl", viewNewAndOld)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"}}}`)
	owner := *f
	owner.strict = true
	other := f.as(otherAccount)
	other.strict = true
	describe := `{"StreamArn":"` + streamArn + `"}`
	iterBody := `{"StreamArn":"` + streamArn + `","ShardId":"` + shard + `","ShardIteratorType":"TRIM_HORIZON"}`
	ownIter := f.iteratorOf(t, streamArn, shard, iterTrimHorizon, "")
	other.streamsRun(t, []wireCase{
		{"DescribeStream", describe, 400, []string{"AccessDeniedException", "dynamodb:DescribeStream on resource: " + streamArn}, nil},
		{"GetShardIterator", iterBody, 400, []string{"AccessDeniedException", "dynamodb:GetShardIterator"}, nil},
		{"GetRecords", `{"ShardIterator":"` + ownIter + `"}`, 400, []string{"AccessDeniedException", "dynamodb:GetRecords"}, nil},
	})
	owner.mustCall(t, "PutResourcePolicy", policyBody(streamArn, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+otherAccount+`"},`+
		`"Action":["dynamodb:DescribeStream","dynamodb:GetShardIterator","dynamodb:GetRecords"],"Resource":"`+streamArn+`"}]}`, ``))
	other.streamsRun(t, []wireCase{
		{"DescribeStream", describe, 200, []string{`"StreamArn":"` + streamArn + `"`, `"TableName":"tbl"`, shard}, nil},
	})
	var it struct{ ShardIterator string }
	other.mustStreams(t, "GetShardIterator", iterBody, &it)
	recs, _ := other.readAll(t, it.ShardIterator)
	if len(recs.Records) != 1 || recs.Records[0].EventName != "INSERT" {
		t.Fatalf("records read across accounts: %+v", recs)
	}
	// The other account's own tables are not the owner's.
	other.streamsRun(t, []wireCase{{"ListStreams", `{}`, 200, []string{`"Streams":[]`}, nil}})
	// An own-account Deny on the stream refuses its owner's reads.
	owner.mustCall(t, "PutResourcePolicy", policyBody(streamArn, `{"Statement":[{"Effect":"Deny","Principal":"*",`+
		`"Action":"dynamodb:GetRecords","Resource":"*"}]}`, ``))
	owner.streamsRun(t, []wireCase{
		{"DescribeStream", describe, 200, nil, nil},
		{"GetRecords", `{"ShardIterator":"` + ownIter + `"}`, 400, []string{"AccessDeniedException", "explicit deny"}, nil},
	})
	other.streamsRun(t, []wireCase{{"GetRecords", `{"ShardIterator":"` + it.ShardIterator + `"}`, 400, []string{"AccessDeniedException"}, nil}})
}
