package dynamodb

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// CloudWatch Contributor Insights for DynamoDB, per table and per global
// secondary index. unkai keeps the setting, its status and the names of
// the CloudWatch rules AWS would create; it emits no metrics (there is no
// CloudWatch behind it), so nothing is invented.
//
//	"insights", table, index → the setting of the table (index "") or of one of its GSIs
//
// As with tables (table.go), the change is done within the request: the
// UpdateContributorInsights response carries the transitional status
// (ENABLING or DISABLING) AWS answers with, and later reads see the
// settled one (ENABLED or DISABLED). A table or index never enabled is
// DISABLED. Deleting the table deletes its settings.
//
// Rule names follow AWS's: DynamoDBContributorInsights-<kind>-<resource>-<ms>,
// kind PKC and PKT (most accessed and most throttled partition keys) and,
// when the key has a sort key, SKC and SKT; resource is the table name, or
// "<table>-<index>" for an index (unkai's choice); ms is when it was enabled.

// Contributor Insights statuses and actions.
const (
	ciEnable    = "ENABLE"
	ciEnabling  = "ENABLING"
	ciEnabled   = "ENABLED"
	ciDisabling = "DISABLING"
	ciDisabled  = "DISABLED"
	// maxListInsights is ListContributorInsights' default and largest page.
	maxListInsights = 100
)

// insightsState is a stored Contributor Insights setting.
type insightsState struct {
	Status  string    `json:"s"`
	Updated time.Time `json:"u"`
	Since   int64     `json:"r,omitempty"` // when enabled, ms: the rules' suffix
}

// insightsPrefix is the key prefix of a table's settings.
func insightsPrefix(sc scope.Scope, table string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "insights", table)
}

// insightsKey is the key of the setting of a table (index "") or a GSI.
func insightsKey(sc scope.Scope, table, index string) []byte {
	return storage.AppendString(insightsPrefix(sc, table), index)
}

// loadInsights reads a setting; a missing one is DISABLED.
func loadInsights(ctx context.Context, r storage.Reader, sc scope.Scope, table, index string) (*insightsState, bool, error) {
	st, found, err := readJSON[insightsState](ctx, r, insightsKey(sc, table, index), "insights of "+table)
	if err == nil && !found {
		st = &insightsState{Status: ciDisabled}
	}
	return st, found, err
}

// dropInsights deletes the settings of a table and its indexes.
func dropInsights(ctx context.Context, tx storage.Txn, sc scope.Scope, table string) error {
	start, end := storage.PrefixRange(insightsPrefix(sc, table))
	if err := deleteRange(ctx, tx, start, end); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// insightsKeyOf returns the key schema of the table or of its GSI index,
// or the ResourceNotFoundException for an unknown index.
func insightsKeyOf(rec *tableRecord, index string) (keyDef, error) {
	if index == "" {
		return keyDefOf(rec.Desc.KeySchema), nil
	}
	for _, g := range rec.Desc.GlobalSecondaryIndexes {
		if deref(g.IndexName) == index {
			return keyDefOf(g.KeySchema), nil
		}
	}
	return keyDef{}, awsNotFound(msgInsightsNoIndex, index, deref(rec.Desc.TableName))
}

// msgInsightsNoIndex is the Contributor Insights APIs' answer for an index
// the table has no GSI of (an LSI included, DDB-TABLE-094).
const msgInsightsNoIndex = "Requested resource not found: Index: %s not found for table: %s"

// loadInsightsTable reads the table of an insights request; a restore
// target answers as missing until ACTIVE (DDB-TABLE-217).
func loadInsightsTable(ctx context.Context, r storage.Reader, sc scope.Scope, table string) (*tableRecord, error) {
	rec, err := loadTable(ctx, r, sc, table)
	if err == nil && deref(rec.Desc.TableStatus) == statusCreating {
		return nil, tableNotFound(table)
	}
	return rec, err
}

// insightsRules names the CloudWatch rules of an enabled setting.
func insightsRules(table, index string, k keyDef, since int64) []string {
	res := table
	if index != "" {
		res += "-" + index
	}
	suffix := "-" + res + "-" + strconv.FormatInt(since, 10)
	kinds := []string{"PKC", "PKT"}
	if k.Range != "" {
		kinds = []string{"PKC", "SKC", "PKT", "SKT"}
	}
	out := make([]string, len(kinds))
	for i, kind := range kinds {
		out[i] = "DynamoDBContributorInsights-" + kind + suffix
	}
	return out
}

func (p *Provider) updateContributorInsights(ctx context.Context, in *dynamodbapi.UpdateContributorInsightsInput) (*dynamodbapi.UpdateContributorInsightsOutput, error) {
	sc := scope.From(ctx)
	table, index := deref(in.TableName), deref(in.IndexName)
	enable := deref(in.ContributorInsightsAction) == ciEnable
	out := &dynamodbapi.UpdateContributorInsightsOutput{TableName: ptr(table), IndexName: in.IndexName}
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadInsightsTable(ctx, tx, sc, table)
		if err != nil {
			return err
		}
		if _, err := insightsKeyOf(rec, index); err != nil {
			return err
		}
		cur, _, err := loadInsights(ctx, tx, sc, table, index)
		if err != nil {
			return err
		}
		now := p.clock.Now().UTC().Truncate(time.Millisecond)
		next := &insightsState{Status: ciDisabled, Updated: now}
		out.ContributorInsightsStatus = ptr(ciDisabling)
		if enable {
			next = &insightsState{Status: ciEnabled, Updated: now, Since: now.UnixMilli()}
			out.ContributorInsightsStatus = ptr(ciEnabling)
		}
		if cur.Status == next.Status {
			// Already there: nothing changes, and the status is the settled one.
			out.ContributorInsightsStatus = ptr(cur.Status)
			return nil
		}
		return putJSON(tx, insightsKey(sc, table, index), "insights", next)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *Provider) describeContributorInsights(ctx context.Context, in *dynamodbapi.DescribeContributorInsightsInput) (*dynamodbapi.DescribeContributorInsightsOutput, error) {
	sc := scope.From(ctx)
	table, index := deref(in.TableName), deref(in.IndexName)
	out := &dynamodbapi.DescribeContributorInsightsOutput{TableName: ptr(table), IndexName: in.IndexName}
	err := p.store.View(ctx, func(tx storage.Txn) error {
		rec, err := loadInsightsTable(ctx, tx, sc, table)
		if err != nil {
			return err
		}
		k, err := insightsKeyOf(rec, index)
		if err != nil {
			return err
		}
		st, stored, err := loadInsights(ctx, tx, sc, table, index)
		if err != nil {
			return err
		}
		out.ContributorInsightsStatus = ptr(st.Status)
		if stored {
			out.LastUpdateDateTime = ptr(st.Updated)
		}
		if st.Status == ciEnabled {
			out.ContributorInsightsRuleList = insightsRules(table, index, k, st.Since)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *Provider) listContributorInsights(ctx context.Context, in *dynamodbapi.ListContributorInsightsInput) (*dynamodbapi.ListContributorInsightsOutput, error) {
	limit := maxListInsights
	if in.MaxResults != nil && *in.MaxResults > 0 {
		limit = int(*in.MaxResults)
	}
	var after string
	if in.NextToken != nil {
		b, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil || len(b) == 0 {
			return nil, validation(msgBadNextToken)
		}
		after = string(b)
	}
	sc := scope.From(ctx)
	var all []dynamodbapi.ContributorInsightsSummary
	err := p.store.View(ctx, func(tx storage.Txn) error {
		var err error
		if in.TableName != nil {
			all, err = tableInsights(ctx, tx, sc, *in.TableName)
		} else {
			all, err = scopeInsights(ctx, tx, sc)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.ListContributorInsightsOutput{ContributorInsightsSummaries: []dynamodbapi.ContributorInsightsSummary{}}
	for _, s := range all {
		if deref(s.ContributorInsightsStatus) == ciDisabled {
			continue // List leaves out what is DISABLED (DDB-TABLE-095, -343)
		}
		id := insightsID(s)
		if after != "" && id <= after {
			continue
		}
		if len(out.ContributorInsightsSummaries) == limit {
			last := insightsID(out.ContributorInsightsSummaries[limit-1])
			out.NextToken = ptr(base64.RawURLEncoding.EncodeToString([]byte(last)))
			break
		}
		out.ContributorInsightsSummaries = append(out.ContributorInsightsSummaries, s)
	}
	return out, nil
}

// insightsID orders and identifies a summary in ListContributorInsights'
// pages: the table name, a zero byte, the index name.
func insightsID(s dynamodbapi.ContributorInsightsSummary) string {
	return deref(s.TableName) + "\x00" + deref(s.IndexName)
}

// tableInsights lists the settings of a table and every one of its GSIs.
func tableInsights(ctx context.Context, r storage.Reader, sc scope.Scope, table string) ([]dynamodbapi.ContributorInsightsSummary, error) {
	rec, err := loadTable(ctx, r, sc, table)
	if err != nil {
		return nil, err
	}
	indexes := []string{""}
	for _, g := range rec.Desc.GlobalSecondaryIndexes {
		indexes = append(indexes, deref(g.IndexName))
	}
	var out []dynamodbapi.ContributorInsightsSummary
	for _, ix := range indexes {
		st, _, err := loadInsights(ctx, r, sc, table, ix)
		if err != nil {
			return nil, err
		}
		s := dynamodbapi.ContributorInsightsSummary{TableName: ptr(table), ContributorInsightsStatus: ptr(st.Status)}
		if ix != "" {
			s.IndexName = ptr(ix)
		}
		out = append(out, s)
	}
	sortInsights(out)
	return out, nil
}

// scopeInsights lists every stored setting of the scope.
func scopeInsights(ctx context.Context, r storage.Reader, sc scope.Scope) ([]dynamodbapi.ContributorInsightsSummary, error) {
	prefix := storage.Key(Name, sc.Account, sc.Region, "insights")
	start, end := storage.PrefixRange(prefix)
	it := r.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	var out []dynamodbapi.ContributorInsightsSummary
	for it.Next() {
		parts, err := storage.Decode(it.Key())
		if err != nil || len(parts) != 6 {
			return nil, internalf("insights key: %v", err)
		}
		table, _ := parts[4].(string)
		index, _ := parts[5].(string)
		var st insightsState
		if err := json.Unmarshal(it.Value(), &st); err != nil {
			return nil, internalf("decode insights of %s: %w", table, err)
		}
		s := dynamodbapi.ContributorInsightsSummary{TableName: ptr(table), ContributorInsightsStatus: ptr(st.Status)}
		if index != "" {
			s.IndexName = ptr(index)
		}
		out = append(out, s)
	}
	if err := it.Err(); err != nil {
		return nil, awserr.Internal(err)
	}
	sortInsights(out)
	return out, nil
}

// sortInsights orders summaries by table, then index (the table first).
func sortInsights(s []dynamodbapi.ContributorInsightsSummary) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && insightsID(s[j]) < insightsID(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
