package dynamodb

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// maxCachedSchemas bounds the schema cache; past it the cache starts over.
const maxCachedSchemas = 4096

// schemaCache keeps the schemas derived from stored table records, so that
// item operations do not decode the table's JSON description on every
// request. Each use still reads the record in its own transaction (so a
// concurrent table change conflicts as before) and reuses the cached
// schema only while the record's bytes are the ones it was derived from.
// Schemas are read-only once built. Global-table replicas are not cached:
// their schema depends on the other replicas' records too.
type schemaCache struct {
	mu sync.RWMutex
	m  map[string]cachedSchema
}

// cachedSchema is a schema and the record bytes it was derived from.
type cachedSchema struct {
	raw []byte
	sch *schema
}

// loadSchema reads a table and derives its schema. A missing table is the
// ResourceNotFoundException item operations send, which (unlike
// DescribeTable's) does not name the table; so is a table still being
// restored.
func (c *schemaCache) loadSchema(ctx context.Context, r storage.Reader, sc scope.Scope, name string) (*schema, error) {
	key := TableKey(sc, name)
	raw, err := r.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		if err := checkTableName("tableName", name); err != nil {
			return nil, err
		}
		return nil, resourceNotFound()
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	c.mu.RLock()
	hit, ok := c.m[string(key)]
	c.mu.RUnlock()
	if ok && bytes.Equal(hit.raw, raw) {
		return hit.sch, nil
	}
	rec, err := decodeTable(name, raw)
	if err != nil {
		return nil, err
	}
	if deref(rec.Desc.TableStatus) == statusCreating {
		return nil, resourceNotFound() // being restored (restore.go)
	}
	sch := recordSchema(rec)
	// --- global tables: the other replicas every write also goes to (replica.go) ---
	if sch.replicas, err = loadReplicaTargets(ctx, r, sc, rec); err != nil {
		return nil, err
	}
	// --- end global tables ---
	if rec.Replica == nil {
		c.mu.Lock()
		if c.m == nil || len(c.m) >= maxCachedSchemas {
			c.m = map[string]cachedSchema{}
		}
		c.m[string(key)] = cachedSchema{raw: raw, sch: sch}
		c.mu.Unlock()
	}
	return sch, nil
}
