package dynamodb

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// TestSchemaCache: a schema is reused while its table record is
// unchanged, derived again when the record changes, and absent tables,
// tables being restored and replicas are never served from the cache.
func TestSchemaCache(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	sc := scope.Scope{Account: "000000000000", Region: "us-east-1"}
	put := func(rec tableRecord) {
		t.Helper()
		raw, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Update(ctx, func(tx storage.Txn) error { return tx.Put(TableKey(sc, "tbl"), raw) }); err != nil {
			t.Fatal(err)
		}
	}
	desc := func(status string, hash string) dynamodbapi.TableDescription {
		return dynamodbapi.TableDescription{TableName: ptr("t"), TableStatus: ptr(status),
			KeySchema:            []dynamodbapi.KeySchemaElement{{AttributeName: ptr(hash), KeyType: ptr("HASH")}},
			AttributeDefinitions: []dynamodbapi.AttributeDefinition{{AttributeName: ptr(hash), AttributeType: ptr("S")}}}
	}
	var c schemaCache
	load := func() (*schema, string) {
		sch, err := c.loadSchema(ctx, st, sc, "tbl")
		if err != nil {
			return nil, awserr.From(err).Code
		}
		return sch, ""
	}
	if _, code := load(); code != codeNotFound {
		t.Fatalf("missing table: %q", code)
	}
	put(tableRecord{Desc: desc("ACTIVE", "pk")})
	a, _ := load()
	b, _ := load()
	if a == nil || a != b {
		t.Fatalf("unchanged record: schemas %p and %p, want one cached", a, b)
	}
	put(tableRecord{Desc: desc("ACTIVE", "id")})
	d, _ := load()
	if d == a || d.Key.Hash != "id" {
		t.Fatalf("changed record served the old schema (hash %q)", d.Key.Hash)
	}
	put(tableRecord{Desc: desc("CREATING", "id")})
	if _, code := load(); code != codeNotFound {
		t.Fatalf("table being restored: %q", code)
	}
	put(tableRecord{Desc: desc("ACTIVE", "id"), Replica: &dynamodbapi.ReplicaDescription{RegionName: ptr("us-east-1")}})
	_, _ = load()
	raw, err := st.Get(ctx, TableKey(sc, "tbl"))
	if err != nil {
		t.Fatal(err)
	}
	if hit, ok := c.m[string(TableKey(sc, "tbl"))]; ok && string(hit.raw) == string(raw) {
		t.Fatal("a replica's schema was cached")
	}
}
