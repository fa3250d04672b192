package dynamodb

import (
	"context"
	"encoding/binary"
	"errors"
	"net/http"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// maxCollectionSize is DynamoDB's limit on an item collection of a table
// with local secondary indexes: 10 GB of table items and their local index
// entries per partition key value.
const maxCollectionSize = 10 << 30

// codeCollectionLimit is the error a write past maxCollectionSize gets.
const codeCollectionLimit = "ItemCollectionSizeLimitExceededException"

// The size of each item collection of a table with local secondary
// indexes is kept under
//
//	storage.Key(Name, account, region, "coll", table) + partition key value
//
// as a big-endian uint64, updated by every item write in the write's own
// transaction. Writes to one collection therefore conflict with each other
// (they serialize), as they must for the limit to hold. A collection
// without a stored size (written before sizes were kept) is measured once
// by a scan.

// collectionsPrefix is the key prefix of a table's collection sizes.
func collectionsPrefix(sc scope.Scope, table string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "coll", table)
}

// collectionKey is the key of the stored size of the collection of pk.
func collectionKey(sc scope.Scope, table string, pk dynamodbapi.AttributeValue) []byte {
	return appendKeyPart(collectionsPrefix(sc, table), pk)
}

// collectionBytes is what item contributes to its collection: its size and
// the size of its entry in each local secondary index it appears in.
func collectionBytes(sch *schema, item attr.Item) int64 {
	if item == nil {
		return 0
	}
	n := int64(attr.ItemSize(item))
	for i := range sch.Indexes {
		idx := &sch.Indexes[i]
		if !idx.Global && hasKey(idx.Key, item) {
			n += int64(attr.ItemSize(project(sch, idx, item)))
		}
	}
	return n
}

// storedCollectionSize reads the size of the collection of pk: the stored
// figure, or a scan when there is none.
func storedCollectionSize(ctx context.Context, r storage.Reader, sc scope.Scope, sch *schema, pk dynamodbapi.AttributeValue) (int64, error) {
	raw, err := r.Get(ctx, collectionKey(sc, sch.Name, pk))
	switch {
	case err == nil && len(raw) == 8:
		return int64(binary.BigEndian.Uint64(raw)), nil
	case err == nil:
		return 0, internalf("collection size record of %d bytes", len(raw))
	case errors.Is(err, storage.ErrNotFound):
		return collectionSize(ctx, r, sc, sch, pk)
	}
	return 0, awserr.Internal(err)
}

// trackCollection accounts for replacing old by nw (either may be nil) in
// their item collection, inside tx and before the write itself, and
// refuses a write that would grow the collection past maxCollectionSize
// with ItemCollectionSizeLimitExceededException. Tables without a local
// secondary index have no collections.
func trackCollection(ctx context.Context, tx storage.Txn, sc scope.Scope, sch *schema, old, nw attr.Item) error {
	if !sch.hasLSI() {
		return nil
	}
	delta := collectionBytes(sch, nw) - collectionBytes(sch, old)
	if delta == 0 {
		return nil
	}
	keyItem := nw
	if keyItem == nil {
		keyItem = old
	}
	pk := keyItem[sch.Key.Hash]
	size, err := storedCollectionSize(ctx, tx, sc, sch, pk)
	if err != nil {
		return err
	}
	size += delta
	if delta > 0 && size > maxCollectionSize {
		return awserr.New(codeCollectionLimit, http.StatusBadRequest,
			"Item collection size limit exceeded")
	}
	k := collectionKey(sc, sch.Name, pk)
	if size <= 0 {
		return tx.Delete(k)
	}
	return tx.Put(k, binary.BigEndian.AppendUint64(nil, uint64(size)))
}
