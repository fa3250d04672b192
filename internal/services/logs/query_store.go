package logs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Logs Insights queries are kept in the store, so their results outlive
// a restart for as long as AWS keeps them (queryRetention):
//
//	keyspace "query", id               → queryRecord (JSON)
//	keyspace "qrow", id, index         → one result row (JSON)
//	"logs", "qjob", account, region, id → a query not yet finished, which
//	                                      Start runs again after a restart
//	"logs", "qexp", expiry, account, region, id → when a finished query's
//	                                      record and rows go
//
// The last two sit outside the accounts, so one scan finds them all.

// Query statuses.
const (
	qScheduled = "Scheduled"
	qRunning   = "Running"
	qComplete  = "Complete"
	qFailed    = "Failed"
	qCancelled = "Cancelled"
	qTimeout   = "Timeout"
)

// queryRecord is a query: what was asked and, once it ended, its outcome.
type queryRecord struct {
	Query   string   `json:"q"`
	Groups  []string `json:"g"`
	Created int64    `json:"c"`
	Start   int64    `json:"s"`
	End     int64    `json:"e"`
	Limit   int      `json:"l"`
	Status  string   `json:"st"`
	Matched int64    `json:"m,omitempty"`
	Scanned int64    `json:"n,omitempty"`
	Bytes   int64    `json:"b,omitempty"`
	Rows    int      `json:"r,omitempty"`
	Expires int64    `json:"x,omitempty"`
}

func (r *queryRecord) running() bool { return r.Status == qScheduled || r.Status == qRunning }

func (k keyspace) query(id string) []byte     { return k.with("query", id) }
func (k keyspace) queries() []byte            { return k.with("query") }
func (k keyspace) queryRows(id string) []byte { return k.with("qrow", id) }

func queryJobKey(sc scope.Scope, id string) []byte {
	return storage.Key(Name, "qjob", sc.Account, sc.Region, id)
}

func queryExpiryKey(expires int64, sc scope.Scope, id string) []byte {
	k := storage.AppendInt64(storage.Key(Name, "qexp"), expires)
	k = storage.AppendString(k, sc.Account)
	k = storage.AppendString(k, sc.Region)
	return storage.AppendString(k, id)
}

func getQuery(ctx context.Context, r storage.Reader, ks keyspace, id string) (*queryRecord, error) {
	b, err := r.Get(ctx, ks.query(id))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errQueryNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("logs: read query: %w", err)
	}
	var q queryRecord
	if err := json.Unmarshal(b, &q); err != nil {
		return nil, fmt.Errorf("%w: query: %w", errCorrupt, err)
	}
	return &q, nil
}

func putQuery(tx storage.Txn, ks keyspace, id string, q *queryRecord) error {
	b, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("logs: encode query: %w", err)
	}
	return tx.Put(ks.query(id), b)
}

// resultRow is a stored result row: (field, value) pairs.
type resultRow [][2]string

func rowKey(prefix []byte, i int) []byte {
	return storage.AppendUint64(append([]byte(nil), prefix...), uint64(i))
}
