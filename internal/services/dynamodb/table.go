package dynamodb

import (
	"context"
	"errors"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Table and index statuses. unkai creates, updates and backfills within
// the request, so stored tables are ACTIVE (but for one being restored
// from a backup, CREATING until its copy ends: restore.go); AWS goes CREATING →
// ACTIVE (and UPDATING → ACTIVE) over seconds to minutes, and the
// responses of CreateTable, UpdateTable and DeleteTable carry the
// transitional status as AWS's do.
const (
	statusActive   = "ACTIVE"
	statusCreating = "CREATING"
	statusUpdating = "UPDATING"
	statusDeleting = "DELETING"
)

// tableARN is the ARN of a table.
func tableARN(sc scope.Scope, name string) string {
	return arn.New(Name, sc.Region, sc.Account, "table/"+name).String()
}

// throughputDesc describes provisioned throughput (zeros when on demand).
func throughputDesc(pt *dynamodbapi.ProvisionedThroughput) *dynamodbapi.ProvisionedThroughputDescription {
	d := &dynamodbapi.ProvisionedThroughputDescription{
		NumberOfDecreasesToday: ptr(int64(0)), ReadCapacityUnits: ptr(int64(0)), WriteCapacityUnits: ptr(int64(0)),
	}
	if pt != nil {
		d.ReadCapacityUnits = ptr(derefInt(pt.ReadCapacityUnits))
		d.WriteCapacityUnits = ptr(derefInt(pt.WriteCapacityUnits))
	}
	return d
}

// derefInt returns *p, or 0 for nil.
func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// projectionOrAll returns p, defaulting the projection type to ALL.
func projectionOrAll(p *dynamodbapi.Projection) *dynamodbapi.Projection {
	out := &dynamodbapi.Projection{ProjectionType: ptr(projAll)}
	if p != nil {
		if p.ProjectionType != nil {
			out.ProjectionType = ptr(*p.ProjectionType)
		}
		out.NonKeyAttributes = append([]string(nil), p.NonKeyAttributes...)
	}
	return out
}

// gsiDesc describes a new global secondary index.
func gsiDesc(tableArn, name string, ks []dynamodbapi.KeySchemaElement, p *dynamodbapi.Projection,
	pt *dynamodbapi.ProvisionedThroughput, od *dynamodbapi.OnDemandThroughput) dynamodbapi.GlobalSecondaryIndexDescription {
	return dynamodbapi.GlobalSecondaryIndexDescription{
		IndexName: ptr(name), KeySchema: ks, Projection: projectionOrAll(p),
		IndexStatus: ptr(statusActive), ProvisionedThroughput: throughputDesc(pt),
		IndexArn: ptr(tableArn + "/index/" + name), OnDemandThroughput: od,
	}
}

func (p *Provider) createTable(ctx context.Context, in *dynamodbapi.CreateTableInput) (*dynamodbapi.CreateTableOutput, error) {
	if err := checkNewTableName("tableName", deref(in.TableName)); err != nil {
		return nil, err
	}
	spec, err := validateCreate(in)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) > maxTags {
		return nil, validation(msgTooManyTags)
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkStreamSpec(in.StreamSpecification, true); err != nil {
		return nil, err
	}
	if _, err := checkSSESpec(in.SSESpecification); err != nil { // table_settings.go
		return nil, err
	}
	sc := scope.From(ctx)
	name := deref(in.TableName)
	now := p.clock.Now().UTC().Truncate(time.Millisecond)
	policy, err := createPolicy(in.ResourcePolicy, arn.PartitionOf(sc.Region), now.UnixMilli()) // policy_api.go
	if err != nil {
		return nil, err
	}
	d := p.newTableDesc(sc, in, spec, now)
	rec := &tableRecord{Desc: d, Tags: in.Tags}
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		rec.Desc = d
		_, err := tx.Get(ctx, TableKey(sc, name))
		switch {
		case err == nil:
			return tableInUse(msgTableExists, name)
		case !errors.Is(err, storage.ErrNotFound):
			return awserr.Internal(err)
		}
		if s := in.StreamSpecification; s != nil && s.StreamEnabled != nil && *s.StreamEnabled {
			if err := p.enableStream(ctx, tx, sc, &rec.Desc, deref(s.StreamViewType), now); err != nil {
				return err
			}
		}
		if err := saveTable(tx, sc, rec); err != nil {
			return err
		}
		if policy != nil {
			if err := savePolicy(tx, sc, name, "", policy); err != nil {
				return err
			}
		}
		return saveStats(ctx, tx, sc, name, &tableStats{})
	})
	if err != nil {
		return nil, err
	}
	out := describe(rec, &tableStats{})
	out.TableStatus = ptr(statusCreating)
	return &dynamodbapi.CreateTableOutput{TableDescription: out}, nil
}

// newTableDesc describes the new table of a CreateTableInput (validated
// into spec), created now: ACTIVE, with its indexes, billing, encryption
// and class.
func (p *Provider) newTableDesc(sc scope.Scope, in *dynamodbapi.CreateTableInput, spec *createSpec, now time.Time) dynamodbapi.TableDescription {
	name := deref(in.TableName)
	tArn := tableARN(sc, name)
	d := dynamodbapi.TableDescription{
		AttributeDefinitions:      sortedDefinitions(in.AttributeDefinitions),
		TableName:                 ptr(name),
		KeySchema:                 in.KeySchema,
		TableStatus:               ptr(statusActive),
		CreationDateTime:          &now,
		ProvisionedThroughput:     throughputDesc(in.ProvisionedThroughput),
		TableArn:                  ptr(tArn),
		TableId:                   ptr(p.ids.UUID()),
		DeletionProtectionEnabled: ptr(in.DeletionProtectionEnabled != nil && *in.DeletionProtectionEnabled),
		OnDemandThroughput:        in.OnDemandThroughput,
	}
	if in.BillingMode != nil {
		d.BillingModeSummary = &dynamodbapi.BillingModeSummary{BillingMode: ptr(spec.billing)}
		if spec.billing == billPerRequest {
			d.BillingModeSummary.LastUpdateToPayPerRequestDateTime = &now
		}
	}
	for _, l := range in.LocalSecondaryIndexes {
		d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, dynamodbapi.LocalSecondaryIndexDescription{
			IndexName: l.IndexName, KeySchema: l.KeySchema, Projection: projectionOrAll(l.Projection),
			IndexArn: ptr(tArn + "/index/" + deref(l.IndexName)),
		})
	}
	for _, g := range in.GlobalSecondaryIndexes {
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes,
			gsiDesc(tArn, deref(g.IndexName), g.KeySchema, g.Projection, g.ProvisionedThroughput, g.OnDemandThroughput))
	}
	if want, _ := checkSSESpec(in.SSESpecification); want { // validated by createTable
		d.SSEDescription = sseDescription(sseKeyARN(sc, deref(in.SSESpecification.KMSMasterKeyId)))
	}
	if in.TableClass != nil {
		d.TableClassSummary = &dynamodbapi.TableClassSummary{TableClass: in.TableClass}
	}
	return d
}

// describe returns the TableDescription of a stored table with its live
// counters filled in.
func describe(rec *tableRecord, st *tableStats) *dynamodbapi.TableDescription {
	d := rec.Desc
	d.ItemCount = ptr(st.Table.Items)
	d.TableSizeBytes = ptr(st.Table.Bytes)
	d.LocalSecondaryIndexes = append([]dynamodbapi.LocalSecondaryIndexDescription(nil), d.LocalSecondaryIndexes...)
	for i := range d.LocalSecondaryIndexes {
		c := st.Indexes[deref(d.LocalSecondaryIndexes[i].IndexName)]
		d.LocalSecondaryIndexes[i].ItemCount = ptr(c.Items)
		d.LocalSecondaryIndexes[i].IndexSizeBytes = ptr(c.Bytes)
	}
	d.GlobalSecondaryIndexes = append([]dynamodbapi.GlobalSecondaryIndexDescription(nil), d.GlobalSecondaryIndexes...)
	for i := range d.GlobalSecondaryIndexes {
		c := st.Indexes[deref(d.GlobalSecondaryIndexes[i].IndexName)]
		d.GlobalSecondaryIndexes[i].ItemCount = ptr(c.Items)
		d.GlobalSecondaryIndexes[i].IndexSizeBytes = ptr(c.Bytes)
	}
	return &d
}

func (p *Provider) describeTable(ctx context.Context, in *dynamodbapi.DescribeTableInput) (*dynamodbapi.DescribeTableOutput, error) {
	sc := scope.From(ctx)
	var out *dynamodbapi.TableDescription
	err := p.store.View(ctx, func(tx storage.Txn) error {
		rec, err := loadTable(ctx, tx, sc, deref(in.TableName))
		if err != nil {
			return err
		}
		st, err := loadStats(ctx, tx, sc, deref(in.TableName))
		if err != nil {
			return err
		}
		out = describe(rec, st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &dynamodbapi.DescribeTableOutput{Table: out}, nil
}

func (p *Provider) deleteTable(ctx context.Context, in *dynamodbapi.DeleteTableInput) (*dynamodbapi.DeleteTableOutput, error) {
	sc := scope.From(ctx)
	name := deref(in.TableName)
	var out *dynamodbapi.TableDescription
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadTable(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		if deref(rec.Desc.TableStatus) == statusCreating {
			return tableInUse(msgTableBeingCreated, name)
		}
		if rec.Desc.DeletionProtectionEnabled != nil && *rec.Desc.DeletionProtectionEnabled {
			if len(rec.Desc.Replicas) > 0 { // a member of a global table (replica.go)
				return validation(msgReplicaProtected, name, sc.Region)
			}
			return validation(msgDeletionProtected)
		}
		st, err := loadStats(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		out = describe(rec, st)
		// --- global tables: a replica leaves its group (replica.go) ---
		if err := leaveGroup(ctx, tx, sc, rec); err != nil {
			return err
		}
		// --- end global tables ---
		return p.dropTable(ctx, tx, sc, rec)
	})
	if err != nil {
		return nil, err
	}
	out.TableStatus = ptr(statusDeleting)
	return &dynamodbapi.DeleteTableOutput{TableDescription: out}, nil
}

// dropTable deletes the table of rec inside tx: its stream (closed), items,
// index entries, counters, expiry index and description.
func (p *Provider) dropTable(ctx context.Context, tx storage.Txn, sc scope.Scope, rec *tableRecord) error {
	name := deref(rec.Desc.TableName)
	if err := disableStream(ctx, tx, sc, &rec.Desc, p.clock.Now()); err != nil {
		return err
	}
	for _, prefix := range [][]byte{itemsPrefix(sc, name), indexesPrefix(sc, name)} {
		start, end := storage.PrefixRange(prefix)
		if err := deleteRange(ctx, tx, start, end); err != nil {
			return awserr.Internal(err)
		}
	}
	start, end := storage.PrefixRange(statsKey(sc, name))
	if err := deleteRange(ctx, tx, start, end); err != nil {
		return awserr.Internal(err)
	}
	start, end = storage.PrefixRange(collectionsPrefix(sc, name))
	if err := deleteRange(ctx, tx, start, end); err != nil {
		return awserr.Internal(err)
	}
	if err := dropTTL(ctx, tx, sc, name); err != nil {
		return err
	}
	if err := dropPITR(ctx, tx, sc, name); err != nil { // pitr.go
		return err
	}
	if err := tx.Delete(pitrJobKey(sc, name)); err != nil {
		return awserr.Internal(err)
	}
	if err := dropPolicies(ctx, tx, sc, name); err != nil { // policy_api.go
		return err
	}
	if err := dropInsights(ctx, tx, sc, name); err != nil { // insights.go
		return err
	}
	if err := tx.Delete(TableKey(sc, name)); err != nil {
		return awserr.Internal(err)
	}
	return nil
}
