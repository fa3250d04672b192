package dynamodb

import (
	"context"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

func (p *Provider) updateTable(ctx context.Context, in *dynamodbapi.UpdateTableInput) (*dynamodbapi.UpdateTableOutput, error) {
	if in.ProvisionedThroughput == nil && in.BillingMode == nil && len(in.GlobalSecondaryIndexUpdates) == 0 &&
		in.StreamSpecification == nil && in.SSESpecification == nil && len(in.ReplicaUpdates) == 0 &&
		in.DeletionProtectionEnabled == nil && in.TableClass == nil && in.OnDemandThroughput == nil {
		return nil, validation(msgNothingToUpdate)
	}
	// Multi-Region strong consistency (a STRONG group, witness regions) is
	// not served: refused by name rather than run as an eventual group.
	if deref(in.MultiRegionConsistency) == "STRONG" || len(in.GlobalTableWitnessUpdates) > 0 {
		return nil, awserr.New("NotImplemented", http.StatusNotImplemented,
			"The operation dynamodb:UpdateTable with MultiRegionConsistency STRONG or GlobalTableWitnessUpdates (multi-Region strong consistency) is not implemented by unkai yet.")
	}
	// --- indexes: request-shape rules of GlobalSecondaryIndexUpdates (index_rules.go) ---
	if err := checkIndexUpdates(in); err != nil {
		return nil, err
	}
	// --- end indexes ---
	// --- global tables: replica updates are handled apart (replica.go) ---
	if len(in.ReplicaUpdates) > 0 {
		return p.updateReplicas(ctx, in)
	}
	// --- end global tables ---
	if err := checkUpdateExclusive(in); err != nil { // table_settings.go
		return nil, err
	}
	sc := scope.From(ctx)
	name := deref(in.TableName)
	var out *dynamodbapi.TableDescription
	var newIndexes map[string]bool
	var echo *settingsEcho
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadTable(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		if deref(rec.Desc.TableStatus) == statusCreating {
			// A restore target answers as missing until ACTIVE (DDB-TABLE-217).
			return tableNotFound(name)
		}
		// Deletion protection, table class, encryption (table_settings.go).
		if echo, err = applySettingsUpdate(sc, rec, in, p.clock.Now().UTC().Truncate(time.Millisecond)); err != nil {
			return err
		}
		st, err := loadStats(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		newIndexes = map[string]bool{}
		if err := p.applyTableUpdate(ctx, tx, sc, rec, st, in, newIndexes); err != nil {
			return err
		}
		if err := saveTable(tx, sc, rec); err != nil {
			return err
		}
		if err := saveStats(ctx, tx, sc, name, st); err != nil {
			return err
		}
		out = describe(rec, st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rin := replicatedSettings(in); rin != nil {
		p.propagateSettings(ctx, name, func(rctx context.Context) error {
			_, err := p.updateTable(rctx, rin)
			return err
		})
	}
	echo.apply(out)
	for i := range out.GlobalSecondaryIndexes {
		if newIndexes[deref(out.GlobalSecondaryIndexes[i].IndexName)] {
			out.GlobalSecondaryIndexes[i].IndexStatus = ptr(statusCreating)
			out.GlobalSecondaryIndexes[i].Backfilling = ptr(false)
		}
	}
	return &dynamodbapi.UpdateTableOutput{TableDescription: out}, nil
}

// applyTableUpdate changes rec (and st, for new or removed indexes) as in
// asks, inside tx.
func (p *Provider) applyTableUpdate(ctx context.Context, tx storage.Txn, sc scope.Scope, rec *tableRecord,
	st *tableStats, in *dynamodbapi.UpdateTableInput, created map[string]bool) error {
	d := &rec.Desc
	now := p.clock.Now().UTC().Truncate(time.Millisecond)
	billing := billingOf(d)
	wasProvisioned := billing == billProvisioned
	if in.BillingMode != nil {
		billing = *in.BillingMode
		d.BillingModeSummary = &dynamodbapi.BillingModeSummary{BillingMode: ptr(billing)}
		if billing == billPerRequest {
			d.BillingModeSummary.LastUpdateToPayPerRequestDateTime = &now
			d.ProvisionedThroughput = throughputDesc(nil)
			for i := range d.GlobalSecondaryIndexes {
				d.GlobalSecondaryIndexes[i].ProvisionedThroughput = throughputDesc(nil)
			}
		} else if in.ProvisionedThroughput == nil {
			return validation(msgSwitchNeedsTablePT)
		}
	}
	if in.ProvisionedThroughput != nil {
		if billing == billPerRequest {
			return validation(msgThroughputForbidden)
		}
		cur := d.ProvisionedThroughput
		r, w := derefInt(in.ProvisionedThroughput.ReadCapacityUnits), derefInt(in.ProvisionedThroughput.WriteCapacityUnits)
		if wasProvisioned && cur != nil && derefInt(cur.ReadCapacityUnits) == r && derefInt(cur.WriteCapacityUnits) == w {
			return validation(msgNoUpdate, derefInt(cur.ReadCapacityUnits), r, derefInt(cur.WriteCapacityUnits), w)
		}
		nd := throughputDesc(in.ProvisionedThroughput)
		if cur != nil {
			nd.LastIncreaseDateTime, nd.LastDecreaseDateTime = cur.LastIncreaseDateTime, cur.LastDecreaseDateTime
			if r > derefInt(cur.ReadCapacityUnits) || w > derefInt(cur.WriteCapacityUnits) {
				nd.LastIncreaseDateTime = &now
			}
			if r < derefInt(cur.ReadCapacityUnits) || w < derefInt(cur.WriteCapacityUnits) {
				nd.LastDecreaseDateTime = &now
				nd.NumberOfDecreasesToday = ptr(derefInt(cur.NumberOfDecreasesToday) + 1)
			}
		}
		d.ProvisionedThroughput = nd
	}
	if in.OnDemandThroughput != nil {
		d.OnDemandThroughput = in.OnDemandThroughput
	}
	if err := p.applyStreamUpdate(ctx, tx, sc, d, in, now); err != nil {
		return err
	}
	return p.applyIndexUpdates(ctx, tx, sc, rec, st, in, billing, created)
}

// applyIndexUpdates creates (with backfill), updates and deletes global
// secondary indexes.
func (p *Provider) applyIndexUpdates(ctx context.Context, tx storage.Txn, sc scope.Scope, rec *tableRecord,
	st *tableStats, in *dynamodbapi.UpdateTableInput, billing string, created map[string]bool) error {
	d := &rec.Desc
	defs := map[string]string{}
	for _, a := range d.AttributeDefinitions {
		defs[deref(a.AttributeName)] = deref(a.AttributeType)
	}
	for _, a := range in.AttributeDefinitions {
		defs[deref(a.AttributeName)] = deref(a.AttributeType)
	}
	if err := checkBillingSwitchIndexes(d, in, billing); err != nil {
		return err
	}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		switch {
		case u.Create != nil:
			c := u.Create
			name := deref(c.IndexName)
			if _, exists := schemaOf(d).index(name); exists {
				return validation(msgIndexExists)
			}
			if len(d.GlobalSecondaryIndexes) >= maxGSIs {
				return awsLimit(msgGSILimitUpdate)
			}
			if err := checkKeySchema(c.KeySchema); err != nil {
				return err
			}
			if _, err := checkProjection(c.Projection); err != nil {
				return err
			}
			if err := checkNewIndexThroughput(billing, name, c.ProvisionedThroughput); err != nil {
				return err
			}
			if len(in.AttributeDefinitions) == 0 {
				return validation(msgIndexNoDefinitions, name)
			}
			var missing []string
			for _, e := range c.KeySchema {
				if _, ok := defs[deref(e.AttributeName)]; !ok {
					missing = append(missing, deref(e.AttributeName))
				}
			}
			if len(missing) > 0 {
				var names []string
				for _, a := range in.AttributeDefinitions {
					names = append(names, deref(a.AttributeName))
				}
				return validation(msgKeysNotDefined, joinComma(missing), joinComma(names))
			}
			g := gsiDesc(deref(d.TableArn), name, c.KeySchema, c.Projection, c.ProvisionedThroughput, c.OnDemandThroughput)
			d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, g)
			d.AttributeDefinitions = usedDefinitions(d, defs)
			sch := schemaOf(d)
			idx, _ := sch.index(name)
			c2, err := p.backfill(ctx, tx, sc, sch, idx)
			if err != nil {
				return err
			}
			st.Indexes[name] = c2
			created[name] = true
		case u.Update != nil:
			name := deref(u.Update.IndexName)
			i, err := findGSI(d, name, "update")
			if err != nil {
				return err
			}
			if pt := u.Update.ProvisionedThroughput; pt != nil {
				if billing == billPerRequest {
					return validation(msgIndexOnlyOnDemand, name)
				}
				if err := checkIndexThroughputChange(d.GlobalSecondaryIndexes[i], pt); err != nil {
					return err
				}
				d.GlobalSecondaryIndexes[i].ProvisionedThroughput = throughputDesc(pt)
			}
			if u.Update.OnDemandThroughput != nil {
				d.GlobalSecondaryIndexes[i].OnDemandThroughput = u.Update.OnDemandThroughput
			}
		case u.Delete != nil:
			name := deref(u.Delete.IndexName)
			i, err := findGSI(d, name, "delete")
			if err != nil {
				return err
			}
			d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes[:i:i], d.GlobalSecondaryIndexes[i+1:]...)
			if len(d.GlobalSecondaryIndexes) == 0 {
				d.GlobalSecondaryIndexes = nil
			}
			d.AttributeDefinitions = usedDefinitions(d, defs)
			delete(st.Indexes, name)
			start, end := storage.PrefixRange(indexPrefix(sc, deref(d.TableName), name))
			if err := deleteRange(ctx, tx, start, end); err != nil {
				return internalf("delete index %s: %w", name, err)
			}
			// The index's Contributor Insights setting goes with it (insights.go).
			if err := tx.Delete(insightsKey(sc, deref(d.TableName), name)); err != nil {
				return internalf("delete insights of index %s: %w", name, err)
			}
		}
	}
	return nil
}

// gsiIndex returns the position of the named GSI in d, or -1.
func gsiIndex(d *dynamodbapi.TableDescription, name string) int {
	for i, g := range d.GlobalSecondaryIndexes {
		if deref(g.IndexName) == name {
			return i
		}
	}
	return -1
}

// usedDefinitions lists the attribute definitions the keys of d use,
// sorted by name as DynamoDB reports them (DDB-TABLE-125).
func usedDefinitions(d *dynamodbapi.TableDescription, defs map[string]string) []dynamodbapi.AttributeDefinition {
	var out []dynamodbapi.AttributeDefinition
	seen := map[string]bool{}
	add := func(ks []dynamodbapi.KeySchemaElement) {
		for _, e := range ks {
			n := deref(e.AttributeName)
			if !seen[n] {
				seen[n] = true
				out = append(out, dynamodbapi.AttributeDefinition{AttributeName: ptr(n), AttributeType: ptr(defs[n])})
			}
		}
	}
	add(d.KeySchema)
	for _, l := range d.LocalSecondaryIndexes {
		add(l.KeySchema)
	}
	for _, g := range d.GlobalSecondaryIndexes {
		add(g.KeySchema)
	}
	sortDefinitions(out)
	return out
}
