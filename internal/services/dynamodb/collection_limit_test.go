package dynamodb

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// TestCollectionSizes: the stored size of each item collection follows
// every kind of write, matches a scan of the collection, and a write that
// would grow a collection past 10 GB is refused while shrinking writes
// still go through.
func TestCollectionSizes(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", lsiTable)
	sc := scope.From(f.ctx)
	check := func(pk string) int64 {
		t.Helper()
		var stored, scanned int64
		err := f.p.store.View(f.ctx, func(tx storage.Txn) error {
			sch, err := f.p.schemas.loadSchema(f.ctx, tx, sc, "ctb")
			if err != nil {
				return err
			}
			v := dynamodbapi.AttributeValue{S: &pk}
			if stored, err = storedCollectionSize(f.ctx, tx, sc, sch, v); err != nil {
				return err
			}
			scanned, err = collectionSize(f.ctx, tx, sc, sch, v)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if stored != scanned {
			t.Fatalf("collection %s: stored size %d, scan says %d", pk, stored, scanned)
		}
		return stored
	}
	f.mustCall(t, "PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"v":{"S":"x"}}}`)
	f.mustCall(t, "PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"2"},"big":{"S":"0123456789"}}}`)
	f.mustCall(t, "UpdateItem", `{"TableName":"ctb","Key":{"pk":{"S":"a"},"sk":{"S":"2"}},"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"S":"yy"}}}`)
	f.mustCall(t, "BatchWriteItem", `{"RequestItems":{"ctb":[{"PutRequest":{"Item":{"pk":{"S":"a"},"sk":{"S":"3"}}}},{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"S":"1"}}}}]}}`)
	f.mustCall(t, "TransactWriteItems", `{"TransactItems":[{"Delete":{"TableName":"ctb","Key":{"pk":{"S":"a"},"sk":{"S":"3"}}}},{"Put":{"TableName":"ctb","Item":{"pk":{"S":"b"},"sk":{"S":"2"},"v":{"S":"z"}}}}]}`)
	check("a")
	check("b")
	f.mustCall(t, "DeleteItem", `{"TableName":"ctb","Key":{"pk":{"S":"b"},"sk":{"S":"1"}}}`)
	f.mustCall(t, "DeleteItem", `{"TableName":"ctb","Key":{"pk":{"S":"b"},"sk":{"S":"2"}}}`)
	if got := check("b"); got != 0 {
		t.Fatalf("emptied collection has size %d", got)
	}

	// Bring collection a to 40 bytes under the limit.
	near := uint64(maxCollectionSize - 40)
	if err := f.p.store.Update(f.ctx, func(tx storage.Txn) error {
		return tx.Put(collectionKey(sc, "ctb", dynamodbapi.AttributeValue{S: ptr("a")}), binary.BigEndian.AppendUint64(nil, near))
	}); err != nil {
		t.Fatal(err)
	}
	f.run(t, []wireCase{
		{"PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"9"},"pad":{"S":"` + fmt.Sprintf("%060d", 0) + `"}}}`, 400,
			[]string{"ItemCollectionSizeLimitExceededException", "Item collection size limit exceeded"}, nil},
		// Another collection is not affected; shrinking a full one works.
		{"PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"b"},"sk":{"S":"9"},"pad":{"S":"` + fmt.Sprintf("%060d", 0) + `"}}}`, 200, nil, nil},
		{"DeleteItem", `{"TableName":"ctb","Key":{"pk":{"S":"a"},"sk":{"S":"2"}}}`, 200, nil, nil},
		{"PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"4"}}}`, 200, nil, nil},
	})
	if err := f.p.store.Update(f.ctx, func(tx storage.Txn) error {
		return tx.Put(collectionKey(sc, "ctb", dynamodbapi.AttributeValue{S: ptr("a")}), binary.BigEndian.AppendUint64(nil, near))
	}); err != nil {
		t.Fatal(err)
	}
	f.run(t, []wireCase{
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"ctb","Item":{"pk":{"S":"b"},"sk":{"S":"7"}}}},
			{"Put":{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"7"},"pad":{"S":"` + fmt.Sprintf("%060d", 0) + `"}}}}]}`, 400,
			[]string{"TransactionCanceledException", "[None, ItemCollectionSizeLimitExceeded]"}, nil},
		{"GetItem", `{"TableName":"ctb","Key":{"pk":{"S":"b"},"sk":{"S":"7"}}}`, 200, nil, []string{`"Item"`}},
	})
}
