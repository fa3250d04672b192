package dynamodb

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

func TestContributorInsights(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	f.mustCall(t, "CreateTable", simpleTable)
	ms := strconv.FormatInt(epoch.UnixMilli(), 10)
	f.run(t, []wireCase{
		{"DescribeContributorInsights", `{"TableName":"items"}`, 200, []string{`"TableName":"items"`, `"ContributorInsightsStatus":"DISABLED"`}, []string{"RuleList", "LastUpdateDateTime"}},
		{"ListContributorInsights", `{}`, 200, []string{`"ContributorInsightsSummaries":[]`}, nil},
		// List leaves out DISABLED settings (DDB-TABLE-095, -343).
		{"ListContributorInsights", `{"TableName":"items"}`, 200, []string{`{"ContributorInsightsSummaries":[]}`}, []string{"NextToken"}},
		{"UpdateContributorInsights", `{"TableName":"items","ContributorInsightsAction":"ENABLE"}`, 200, []string{`"TableName":"items"`, `"ContributorInsightsStatus":"ENABLING"`}, nil},
		{"DescribeContributorInsights", `{"TableName":"items"}`, 200, []string{`"ContributorInsightsStatus":"ENABLED"`, `"LastUpdateDateTime":`,
			`"ContributorInsightsRuleList":["DynamoDBContributorInsights-PKC-items-` + ms + `","DynamoDBContributorInsights-SKC-items-` + ms +
				`","DynamoDBContributorInsights-PKT-items-` + ms + `","DynamoDBContributorInsights-SKT-items-` + ms + `"]`}, nil},
		{"UpdateContributorInsights", `{"TableName":"items","ContributorInsightsAction":"ENABLE"}`, 200, []string{`"ContributorInsightsStatus":"ENABLED"`}, nil},
		{"UpdateContributorInsights", `{"TableName":"` + arnItems + `","IndexName":"byg","ContributorInsightsAction":"ENABLE"}`, 200, []string{`"IndexName":"byg"`, `"ContributorInsightsStatus":"ENABLING"`}, nil},
		{"DescribeContributorInsights", `{"TableName":"items","IndexName":"byg"}`, 200, []string{`"ContributorInsightsRuleList":["DynamoDBContributorInsights-PKC-items-byg-` + ms + `","DynamoDBContributorInsights-PKT-items-byg-` + ms + `"]`}, nil},
		{"UpdateContributorInsights", `{"TableName":"tbl","ContributorInsightsAction":"ENABLE"}`, 200, nil, nil},
		{"UpdateContributorInsights", `{"TableName":"items","IndexName":"nope","ContributorInsightsAction":"ENABLE"}`, 400, []string{"ResourceNotFoundException", "Requested resource not found: Index: nope not found for table: items"}, nil},
		{"UpdateContributorInsights", `{"TableName":"missing","ContributorInsightsAction":"ENABLE"}`, 400, []string{"ResourceNotFoundException", "Table: missing not found"}, nil},
		{"DescribeContributorInsights", `{"TableName":"missing"}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"ListContributorInsights", `{"TableName":"missing"}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"UpdateContributorInsights", `{"TableName":"items","ContributorInsightsAction":"MAYBE"}`, 400, []string{"ValidationException"}, nil},
		{"UpdateContributorInsights", `{"TableName":"items","ContributorInsightsAction":"DISABLE"}`, 200, []string{`"ContributorInsightsStatus":"DISABLING"`}, nil},
		{"DescribeContributorInsights", `{"TableName":"items"}`, 200, []string{`"ContributorInsightsStatus":"DISABLED"`, `"LastUpdateDateTime":`}, []string{"RuleList"}},
		{"ListContributorInsights", `{}`, 200, []string{`[{"TableName":"items","IndexName":"byg","ContributorInsightsStatus":"ENABLED"},{"TableName":"tbl","ContributorInsightsStatus":"ENABLED"}]`}, []string{"NextToken"}},
		{"ListContributorInsights", `{"NextToken":"%%%"}`, 400, []string{"ValidationException"}, nil},
		{"DeleteTable", `{"TableName":"items"}`, 200, nil, nil},
		{"ListContributorInsights", `{}`, 200, []string{`[{"TableName":"tbl","ContributorInsightsStatus":"ENABLED"}]`}, nil},
	})
	// Pages of one.
	f.mustCall(t, "CreateTable", itemsTable)
	f.mustCall(t, "UpdateContributorInsights", `{"TableName":"items","ContributorInsightsAction":"ENABLE"}`)
	var got []string
	token := ""
	for i := 0; i < 5; i++ {
		var pg dynamodbapi.ListContributorInsightsOutput
		if err := json.Unmarshal([]byte(f.mustCall(t, "ListContributorInsights", `{"MaxResults":1`+token+`}`)), &pg); err != nil {
			t.Fatal(err)
		}
		for _, s := range pg.ContributorInsightsSummaries {
			got = append(got, insightsID(s))
		}
		if pg.NextToken == nil {
			break
		}
		token = `,"NextToken":"` + *pg.NextToken + `"`
	}
	if want := []string{"items\x00", "tbl\x00"}; !slices.Equal(got, want) {
		t.Fatalf("pages %q, want %q", got, want)
	}
}

// TestInsightsOfDeletedIndex checks that deleting a GSI deletes its
// Contributor Insights setting: an index of the same name made later
// starts DISABLED.
func TestInsightsOfDeletedIndex(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", itemsTable)
	recreate := `{"TableName":"items","AttributeDefinitions":[{"AttributeName":"g","AttributeType":"S"}],
		"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"byg","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}`
	f.run(t, []wireCase{
		{"UpdateContributorInsights", `{"TableName":"items","IndexName":"byg","ContributorInsightsAction":"ENABLE"}`, 200, nil, nil},
		{"UpdateTable", `{"TableName":"items","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"byg"}}]}`, 200, nil, nil},
		{"ListContributorInsights", `{"TableName":"items"}`, 200, []string{`{"ContributorInsightsSummaries":[]}`}, []string{"byg"}},
		{"DescribeContributorInsights", `{"TableName":"items","IndexName":"byg"}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"UpdateTable", recreate, 200, nil, nil},
		{"DescribeContributorInsights", `{"TableName":"items","IndexName":"byg"}`, 200, []string{`"ContributorInsightsStatus":"DISABLED"`}, nil},
	})
}
