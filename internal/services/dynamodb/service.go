// Package dynamodb is unkai's DynamoDB provider: tables and their
// secondary indexes, items with condition, update and projection
// expressions, Query and Scan, batches and transactions, PartiQL
// statements (translated by package partiql into the same item requests),
// DynamoDB Streams (the streamsdynamodb API, see stream.go), time to live,
// on-demand backups, global tables (replica.go; legacy_global.go answers
// the version 2017.11.29 operations as AWS does today), and exports to and
// imports from S3 (export.go, import.go), all on the storage interface.
//
// Storage layout (all under storage.Key("dynamodb", account, region)):
//
//	"tables", name                          → the table's description and tags (JSON)
//	"stats", name                           → item counts and sizes of the table and its indexes (JSON)
//	"items", name, pk [, sk]                → the item (attr.MarshalItem)
//	"index", name, index, ipk [, isk], pk [, sk] → the item's projection into the index
//	"txtokens", token                       → a TransactWriteItems ClientRequestToken
//	"ttl", name, gen, epoch, pk [, sk]      → the item's entry in the expiry index (ttl.go)
//	"backups", id, name                     → a backup's record (backup.go)
//	"backupdata", id, pk [, sk]             → a backed-up item
//	"pitr", name, time, stamp               → a write's point-in-time recovery history entry (pitr.go)
//	"policies", name, label                 → the resource-based policy of the table ("") or its stream (policy_api.go)
//	"insights", name, index                 → the Contributor Insights setting of the table ("") or a GSI (insights.go)
//	"exports", id                           → an export to S3 (export.go)
//	"exporttokens", token                   → the export an ExportTableToPointInTime ClientToken made
//	"imports", id                           → an import from S3 (import.go)
//	"importtokens", token                   → the import an ImportTable ClientToken made
//
// A TableName may be the table's ARN; tablearn.go resolves it to the
// table's scope and name once per request, and strict auth mode enforces
// resource-based policies across accounts (policy_auth.go).
//
// Background work that must survive a restart is registered under
// storage.Key("dynamodb", "jobs", kind, account, region, ...) (background.go).
//
// Key values are attr.AppendKey encodings wrapped as tuple byte elements,
// so keys sort as DynamoDB orders them and a partition's items share a
// prefix. Every write of one item (table row, index rows, counters) and
// every batch or transaction is one storage.Update, so it is atomic and
// concurrent conditional writes are serialized.
package dynamodb

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/api/streamsdynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/ids"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Name is the provider's name.
const Name = "dynamodb"

// Provider serves DynamoDB.
type Provider struct {
	schemas  schemaCache // schemas of stored tables (schema_cache.go)
	store    storage.Store
	clock    clock.Clock
	ids      ids.Generator
	log      *slog.Logger
	handlers dynamodbapi.Handlers
	streams  streamsdynamodbapi.Handlers
	shards   atomic.Uint64  // round robin over the counter shards
	bg       *background    // the TTL sweeper, backup and restore copies (background.go)
	peers    *service.Peers // the other services, for exports to and imports from S3 (export.go, import.go)
	blobDir  string         // temporary files of exports (export_run.go)
}

// statsShard picks the counter shard for the next write.
func (p *Provider) statsShard() uint64 { return p.shards.Add(1) % statsShards }

// Factory returns the DynamoDB provider's factory.
func Factory() service.Factory {
	return service.Factory{Name: Name, New: func(d service.Deps) (service.Provider, error) { return New(d), nil }}
}

// New provisions the provider.
func New(d service.Deps) *Provider {
	p := &Provider{store: d.Store, clock: d.Clock, ids: d.IDs, log: d.Logger, peers: d.Peers, blobDir: d.BlobDir}
	if p.clock == nil {
		p.clock = clock.Real{}
	}
	p.bg = newBackground(d.Logger, p.clock)
	p.registerLoops()
	if p.log == nil {
		p.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p.streamsHandlers()
	h := &p.handlers
	h.ListTables = p.listTables
	h.CreateTable = p.createTable
	h.DescribeTable = onTable("DescribeTable", func(in *dynamodbapi.DescribeTableInput) **string { return &in.TableName }, p.describeTable)
	h.UpdateTable = onTable("UpdateTable", func(in *dynamodbapi.UpdateTableInput) **string { return &in.TableName }, p.updateTable)
	h.DeleteTable = onTable("DeleteTable", func(in *dynamodbapi.DeleteTableInput) **string { return &in.TableName }, p.deleteTable)
	h.DescribeLimits = p.describeLimits
	h.DescribeEndpoints = p.describeEndpoints
	h.TagResource = p.tagResource
	h.UntagResource = p.untagResource
	h.ListTagsOfResource = p.listTagsOfResource
	h.PutItem = onTable("PutItem", func(in *dynamodbapi.PutItemInput) **string { return &in.TableName }, p.putItem)
	h.GetItem = onTable("GetItem", func(in *dynamodbapi.GetItemInput) **string { return &in.TableName }, p.getItem)
	h.UpdateItem = onTable("UpdateItem", func(in *dynamodbapi.UpdateItemInput) **string { return &in.TableName }, p.updateItem)
	h.DeleteItem = onTable("DeleteItem", func(in *dynamodbapi.DeleteItemInput) **string { return &in.TableName }, p.deleteItem)
	h.Query = onTable("Query", func(in *dynamodbapi.QueryInput) **string { return &in.TableName }, p.query)
	h.Scan = onTable("Scan", func(in *dynamodbapi.ScanInput) **string { return &in.TableName }, p.scan)
	h.BatchGetItem = p.batchGetItem
	h.BatchWriteItem = p.batchWriteItem
	h.TransactWriteItems = p.transactWriteItems
	h.TransactGetItems = p.transactGetItems
	h.ExecuteStatement = p.executeStatement
	h.BatchExecuteStatement = p.batchExecuteStatement
	h.ExecuteTransaction = p.executeTransaction
	h.UpdateTimeToLive = onTable("UpdateTimeToLive", func(in *dynamodbapi.UpdateTimeToLiveInput) **string { return &in.TableName }, p.updateTimeToLive)
	h.DescribeTimeToLive = onTable("DescribeTimeToLive", func(in *dynamodbapi.DescribeTimeToLiveInput) **string { return &in.TableName }, p.describeTimeToLive)
	h.CreateBackup = onTable("CreateBackup", func(in *dynamodbapi.CreateBackupInput) **string { return &in.TableName }, p.createBackup)
	h.DescribeBackup = p.describeBackup
	h.ListBackups = onTable("ListBackups", func(in *dynamodbapi.ListBackupsInput) **string { return &in.TableName }, p.listBackups)
	h.DeleteBackup = p.deleteBackup
	h.RestoreTableFromBackup = p.restoreTableFromBackup
	h.UpdateContinuousBackups = onTable("UpdateContinuousBackups", func(in *dynamodbapi.UpdateContinuousBackupsInput) **string { return &in.TableName }, p.updateContinuousBackups)
	h.DescribeContinuousBackups = onTable("DescribeContinuousBackups", func(in *dynamodbapi.DescribeContinuousBackupsInput) **string { return &in.TableName }, p.describeContinuousBackups)
	h.RestoreTableToPointInTime = p.restoreTableToPointInTime
	h.PutResourcePolicy = p.putResourcePolicy
	h.GetResourcePolicy = p.getResourcePolicy
	h.DeleteResourcePolicy = p.deleteResourcePolicy
	h.UpdateContributorInsights = onTable("UpdateContributorInsights",
		func(in *dynamodbapi.UpdateContributorInsightsInput) **string { return &in.TableName }, p.updateContributorInsights)
	h.DescribeContributorInsights = onTable("DescribeContributorInsights",
		func(in *dynamodbapi.DescribeContributorInsightsInput) **string { return &in.TableName }, p.describeContributorInsights)
	h.ListContributorInsights = onTable("ListContributorInsights",
		func(in *dynamodbapi.ListContributorInsightsInput) **string { return &in.TableName }, p.listContributorInsights)
	h.ExportTableToPointInTime = p.exportTableToPointInTime
	h.DescribeExport = p.describeExport
	h.ListExports = p.listExports
	h.ImportTable = p.importTable
	h.DescribeImport = p.describeImport
	h.ListImports = p.listImports
	h.CreateGlobalTable = p.createGlobalTable
	h.DescribeGlobalTable = p.describeGlobalTable
	h.ListGlobalTables = p.listGlobalTables
	h.UpdateGlobalTable = p.updateGlobalTable
	h.DescribeGlobalTableSettings = p.describeGlobalTableSettings
	h.UpdateGlobalTableSettings = p.updateGlobalTableSettings
	return p
}

// Name implements service.Provider.
func (p *Provider) Name() string { return Name }

// APIs implements service.Provider.
func (p *Provider) APIs() []service.API {
	return []service.API{
		{Descriptor: dynamodbapi.Descriptor, Handlers: &p.handlers},
		{Descriptor: streamsdynamodbapi.Descriptor, Handlers: &p.streams},
	}
}

// TablesPrefix is the key prefix of the table descriptions of a scope.
func TablesPrefix(sc scope.Scope) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "tables")
}

// TableKey is the key of one table's description.
func TableKey(sc scope.Scope, table string) []byte {
	return storage.AppendString(TablesPrefix(sc), table)
}

// maxListTables is ListTables' default and largest page.
const maxListTables = 100

func (p *Provider) listTables(ctx context.Context, in *dynamodbapi.ListTablesInput) (*dynamodbapi.ListTablesOutput, error) {
	limit := maxListTables
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	sc := scope.From(ctx)
	prefix := TablesPrefix(sc)
	start := prefix
	if in.ExclusiveStartTableName != nil {
		// The first key after the named table: its key with a zero byte
		// appended sorts right after it and before any longer name.
		start = append(TableKey(sc, *in.ExclusiveStartTableName), 0)
	}
	it := p.store.Scan(ctx, start, storage.PrefixEnd(prefix), storage.ScanOptions{Limit: limit + 1})
	defer it.Close()
	out := &dynamodbapi.ListTablesOutput{TableNames: []string{}}
	for it.Next() {
		parts, err := storage.Decode(it.Key())
		if err != nil || len(parts) != 5 {
			return nil, awserr.Internal(err)
		}
		name, _ := parts[4].(string)
		if len(out.TableNames) == limit {
			last := out.TableNames[limit-1]
			out.LastEvaluatedTableName = &last
			break
		}
		out.TableNames = append(out.TableNames, name)
	}
	if err := it.Err(); err != nil {
		return nil, awserr.Internal(err)
	}
	return out, nil
}
