package dynamodb

import (
	"context"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// Global tables keep some settings the same in every replica: global
// secondary indexes, the billing mode and write capacity, and time to
// live. A change made in one replica is made in the others right after it
// commits, by the same handler acting in each other region (AWS propagates
// these asynchronously too). Other settings (deletion protection, table
// class, read capacity overrides) stay per replica.

// propagatedKey marks a context whose request is a change propagated
// from another replica, which must not propagate again.
type propagatedKey struct{}

// propagateSettings runs apply in each other replica region of table,
// after a settings change in the caller's region committed. A replica
// that refuses the change (it may be changing itself) is logged, not
// reported: the caller's change stands, as on AWS.
func (p *Provider) propagateSettings(ctx context.Context, table string, apply func(context.Context) error) {
	if ctx.Value(propagatedKey{}) != nil {
		return
	}
	sc := scope.From(ctx)
	rec, err := loadTable(ctx, p.store, sc, table)
	if err != nil || len(rec.Desc.Replicas) == 0 {
		return
	}
	base := context.WithValue(ctx, propagatedKey{}, true)
	for _, r := range rec.Desc.Replicas {
		rsc := sc
		rsc.Region = deref(r.RegionName)
		if err := apply(scope.With(base, rsc)); err != nil {
			p.log.Warn("global table setting not propagated", "table", table, "region", rsc.Region, "err", err)
		}
	}
}

// replicatedSettings is the part of an UpdateTable that every replica of
// a global table takes, nil when there is none.
func replicatedSettings(in *dynamodbapi.UpdateTableInput) *dynamodbapi.UpdateTableInput {
	if len(in.GlobalSecondaryIndexUpdates) == 0 && in.BillingMode == nil && in.ProvisionedThroughput == nil {
		return nil
	}
	return &dynamodbapi.UpdateTableInput{TableName: in.TableName, GlobalSecondaryIndexUpdates: in.GlobalSecondaryIndexUpdates,
		AttributeDefinitions: in.AttributeDefinitions, BillingMode: in.BillingMode, ProvisionedThroughput: in.ProvisionedThroughput}
}
