package dynamodb

import (
	"net/http"
	"testing"
)

// Service-wide behaviour observed on AWS (the DDB-TABLE-nnn findings of
// the ack-api-quirks lab).
func TestServiceQuirks(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	// Kinesis streaming destinations and auto scaling are not served: no
	// handler, so the gateway answers 501, never a fake success.
	for _, op := range []string{"EnableKinesisStreamingDestination", "DisableKinesisStreamingDestination",
		"UpdateKinesisStreamingDestination", "DescribeKinesisStreamingDestination",
		"UpdateTableReplicaAutoScaling", "DescribeTableReplicaAutoScaling"} {
		if f.p.APIs()[0].Handlers.Lookup(op) != nil {
			t.Errorf("%s has a handler", op)
		}
	}
	bad := http.StatusBadRequest
	f.run(t, []wireCase{
		// DDB-TABLE-457: degenerate inputs.
		{"DeleteResourcePolicy", `{"ResourceArn":"` + arnItems + `","ExpectedRevisionId":""}`, bad,
			[]string{"ValidationException", "1 validation error detected: Value '' at 'expectedRevisionId' failed to satisfy constraint: Member must have length greater than or equal to 1"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, `null`, ``), bad,
			[]string{"ValidationException", "One or more parameter values were invalid: Invalid policy document: This text appears not to be a policy"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, `{}`, ``), bad,
			[]string{"ValidationException", "One or more parameter values were invalid: Invalid policy document: Syntax error at position (1,3)"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, `[]`, ``), bad,
			[]string{"ValidationException", "One or more parameter values were invalid: Invalid policy document: This policy contains invalid Json"}, nil},
		{"PutResourcePolicy", policyBody(arnItems, `{"Statement":[{}]}`, ``), bad,
			[]string{"ValidationException", "One or more parameter values were invalid: Invalid policy document: Missing required field Effect"}, nil},
		{"ListTables", `{"Limit":0}`, bad,
			[]string{"ValidationException", "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"}, nil},
		{"ListTables", `{"ExclusiveStartTableName":""}`, bad, []string{"ValidationException", "2 validation errors detected: Value '' at 'exclusiveStartTableName'"}, nil},
		{"DescribeTable", `{"TableName":"ab"}`, bad, []string{"ValidationException", "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"}, nil},
		// DDB-TABLE-070: validation runs before the existence check.
		{"UpdateTable", `{"TableName":"missing","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":0}}`, bad, []string{"ValidationException"}, nil},
		{"DescribeTable", `{"TableName":"missing"}`, bad, []string{"ResourceNotFoundException", "Requested resource not found: Table: missing not found"}, nil},
		{"ListTagsOfResource", `{"ResourceArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/missing"}`, bad,
			[]string{"ResourceNotFoundException", "Requested resource not found: ResourceArn: arn:aws:dynamodb:eu-west-1:111122223333:table/missing not found"}, nil},
		// DDB-TABLE-071: the identifier forms of the tag operations.
		{"ListTagsOfResource", `{"ResourceArn":"items"}`, bad, []string{"ValidationException", "One or more parameter values were invalid: ARNs must start with 'arn:': items"}, nil},
		{"TagResource", `{"ResourceArn":"items","Tags":[{"Key":"k","Value":"v"}]}`, bad, []string{"ValidationException", "ARNs must start with 'arn:': items"}, nil},
		{"ListTagsOfResource", `{"ResourceArn":"` + arnItems + `/index/byName"}`, bad,
			[]string{"ValidationException", "One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: " + arnItems + "/index/byName"}, nil},
		{"ListTagsOfResource", `{"ResourceArn":"` + arnItems + `/stream/2026-01-02T03:04:05.000"}`, bad,
			[]string{"ResourceNotFoundException", "Requested resource not found: ResourceArn: " + arnItems + "/stream/2026-01-02T03:04:05.000 not found"}, nil},
		{"DescribeContinuousBackups", `{"TableName":"missing"}`, bad, []string{"TableNotFoundException", "Table not found: missing"}, nil},
		{"CreateBackup", `{"TableName":"missing","BackupName":"bk1"}`, bad, []string{"TableNotFoundException", "Table not found: missing"}, nil},
		{"ListBackups", `{"TableName":"missing"}`, http.StatusOK, []string{`"BackupSummaries":[]`}, nil},
	})
}
