package dynamodb

import (
	"context"
	"fmt"
	"time"

	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Stream retention: a background sweeper removes stream records older
// than 24 hours and, 24 hours after a stream was disabled, the stream
// itself. Record ages are read from the provider's clock.

// Stream sweeper pacing.
const (
	streamSweepInterval = time.Minute
	trimBatch           = 4096 // records deleted per storage transaction
)

// sweepStreams makes one retention pass over every stream of the store.
func (p *Provider) sweepStreams(ctx context.Context) error {
	type ref struct {
		sc           scope.Scope
		table, label string
	}
	var refs []ref
	start, end := storage.PrefixRange(registryPrefix())
	it := p.store.Scan(ctx, start, end, storage.ScanOptions{})
	for it.Next() {
		parts, err := storage.Decode(it.Key())
		if err != nil || len(parts) != 6 {
			it.Close()
			return fmt.Errorf("stream registry key: %w", err)
		}
		acct, _ := parts[2].(string)
		region, _ := parts[3].(string)
		table, _ := parts[4].(string)
		label, _ := parts[5].(string)
		refs = append(refs, ref{scope.Scope{Account: acct, Region: region}, table, label})
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("scan stream registry: %w", err)
	}
	for _, r := range refs {
		if err := p.trimStream(ctx, r.sc, r.table, r.label); err != nil {
			return err
		}
	}
	return nil
}

// trimStream deletes the records of one stream older than the retention
// period, in batches, and the whole stream once it expired.
func (p *Provider) trimStream(ctx context.Context, sc scope.Scope, table, label string) error {
	now := p.clock.Now()
	cutoff := now.Add(-streamRetention)
	for more := true; more; {
		err := p.store.Update(ctx, func(tx storage.Txn) error {
			more = false
			s, ok, err := loadStream(ctx, tx, sc, table, label)
			if err != nil {
				return err
			}
			if !ok {
				return tx.Delete(registryKey(sc, table, label))
			}
			expired := s.expired(now)
			prefix := logPrefix(sc, table, label)
			from, end := storage.PrefixRange(prefix)
			if s.Trimmed != nil {
				from = s.Trimmed.next().key(prefix)
			}
			it := tx.Scan(ctx, from, end, storage.ScanOptions{Limit: trimBatch + 1})
			var keys [][]byte
			var last position
			for it.Next() {
				at, err := recordTime(it.Value())
				if err != nil {
					it.Close()
					return fmt.Errorf("stream record: %w", err)
				}
				if !expired && !at.Before(cutoff) {
					break
				}
				if len(keys) == trimBatch {
					more = true
					break
				}
				stamp, n, err := storage.ParseStamped(it.Key(), len(prefix))
				if err != nil {
					it.Close()
					return fmt.Errorf("stream record key: %w", err)
				}
				keys = append(keys, it.Key())
				last = position{Stamp: stamp, N: n}
			}
			if err := it.Close(); err != nil {
				return fmt.Errorf("scan stream log: %w", err)
			}
			for _, k := range keys {
				if err := tx.Delete(k); err != nil {
					return fmt.Errorf("trim stream record: %w", err)
				}
			}
			if expired && !more {
				if err := tx.Delete(s.key); err != nil {
					return fmt.Errorf("delete stream: %w", err)
				}
				return tx.Delete(registryKey(sc, table, label))
			}
			if len(keys) == 0 {
				return nil
			}
			s.Trimmed = &last
			return saveStream(tx, s)
		})
		if err != nil {
			return fmt.Errorf("trim stream %s/%s: %w", table, label, err)
		}
	}
	return nil
}

var (
	_ service.Starter = (*Provider)(nil)
	_ service.Stopper = (*Provider)(nil)
)
