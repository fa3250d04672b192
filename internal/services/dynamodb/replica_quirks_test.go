package dynamodb

import (
	"net/http"
	"testing"
)

// Replica behaviour observed on AWS (the DDB-TABLE-nnn findings of the
// ack-api-quirks lab).
func TestReplicaQuirks(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", globalTable)
	f.mustCall(t, "UpdateTable", replicaUpdate("gtb", "Create", "us-east-1"))
	east := f.in("us-east-1")
	bad := http.StatusBadRequest
	ok := http.StatusOK
	arnEast := "arn:aws:dynamodb:us-east-1:111122223333:table/gtb"
	f.run(t, []wireCase{
		// DDB-TABLE-224: any other member of the request is refused.
		{"UpdateTable", `{"TableName":"gtb","ReplicaUpdates":[{"Create":{"RegionName":"eu-west-2"}}],"TableClass":"STANDARD"}`, bad,
			[]string{"ValidationException", "One or more parameter values were invalid: Replica modification must be the only operation in the request"}, nil},
	})
	east.run(t, []wireCase{
		// DDB-TABLE-230: TTL is group-wide, from any member ...
		{"UpdateTimeToLive", `{"TableName":"gtb","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`, ok, nil, nil},
		// ... while tags, the policy and deletion protection stay regional.
		{"TagResource", `{"ResourceArn":"` + arnEast + `","Tags":[{"Key":"k","Value":"v"}]}`, ok, nil, nil},
		{"PutResourcePolicy", policyBody(arnEast, allowOther, ``), ok, nil, nil},
		{"UpdateTable", `{"TableName":"gtb","DeletionProtectionEnabled":true}`, ok, nil, nil},
	})
	f.run(t, []wireCase{
		{"DescribeTimeToLive", `{"TableName":"gtb"}`, ok, []string{`"TimeToLiveStatus":"ENABLED"`, `"AttributeName":"exp"`}, nil},
		{"ListTagsOfResource", `{"ResourceArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/gtb"}`, ok, []string{`"Tags":[]`}, nil},
		{"GetResourcePolicy", `{"ResourceArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/gtb"}`, bad, []string{"PolicyNotFoundException"}, nil},
		{"DescribeTable", `{"TableName":"gtb"}`, ok, []string{`"DeletionProtectionEnabled":false`}, nil},
		// DDB-TABLE-329: a protected replica refuses its removal, from the
		// group and in its own region, naming table and region.
		{"UpdateTable", replicaUpdate("gtb", "Delete", "us-east-1"), bad,
			[]string{"ValidationException", "Cannot delete table gtb in region us-east-1 because it has deletion protection enabled. Disable deletion protection first."}, nil},
	})
	east.run(t, []wireCase{
		{"DeleteTable", `{"TableName":"gtb"}`, bad,
			[]string{"ValidationException", "Cannot delete table gtb in region us-east-1 because it has deletion protection enabled. Disable deletion protection first."}, nil},
	})
	f.clk.Advance(dpCooldown) // deletion protection changes are 15 s apart (DDB-TABLE-003)
	east.run(t, []wireCase{
		{"UpdateTable", `{"TableName":"gtb","DeletionProtectionEnabled":false}`, ok, nil, nil},
		{"DeleteTable", `{"TableName":"gtb"}`, ok, []string{`"TableStatus":"DELETING"`}, nil},
	})
	f.run(t, []wireCase{{"DescribeTable", `{"TableName":"gtb"}`, ok, nil, []string{`"RegionName":"us-east-1"`}}})
}
