package logs

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Saved query definitions, one record per definition:
//
//	keyspace "qdef", id → queryDefRecord (JSON)
//
// The query string is stored as given, not parsed: a definition may use
// parts of the language unkai does not run. DescribeQueryDefinitions
// lists them by name, then id (AWS does not document an order).

const (
	maxQueryDefinitions   = 1000
	describeQueryDefsMost = 1000
)

type queryDefRecord struct {
	Name     string   `json:"n"`
	Query    string   `json:"q"`
	Groups   []string `json:"g,omitempty"`
	Modified int64    `json:"m"`
}

func (k keyspace) queryDef(id string) []byte { return k.with("qdef", id) }
func (k keyspace) queryDefs() []byte         { return k.with("qdef") }

func errQueryDefNotFound() *awserr.Error {
	return awserr.New(codeNotFound, http.StatusBadRequest, "The specified query definition does not exist.")
}

// PutQueryDefinition creates a definition, or replaces every value of the
// one queryDefinitionId names.
func (p *Provider) PutQueryDefinition(ctx context.Context, in *logsapi.PutQueryDefinitionRequest) (*logsapi.PutQueryDefinitionResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	rec := &queryDefRecord{
		Name: deref(in.Name), Query: deref(in.QueryString),
		Groups: in.LogGroupNames, Modified: p.clock.Now().UnixMilli(),
	}
	val, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("logs: encode query definition: %w", err)
	}
	id := deref(in.QueryDefinitionId)
	create := id == ""
	if create {
		id = p.ids.UUID()
	}
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		_, err := tx.Get(ctx, ks.queryDef(id))
		switch {
		case err == nil:
		case !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("logs: read query definition: %w", err)
		case !create:
			return errQueryDefNotFound()
		default:
			n, err := countPrefix(ctx, tx, ks.queryDefs(), maxQueryDefinitions)
			if err != nil {
				return err
			}
			if n >= maxQueryDefinitions {
				return awserr.New(codeLimitExceeded, http.StatusBadRequest, "Resource limit exceeded.")
			}
		}
		return tx.Put(ks.queryDef(id), val)
	})
	if err != nil {
		return nil, err
	}
	return &logsapi.PutQueryDefinitionResponse{QueryDefinitionId: ptr(id)}, nil
}

// countPrefix counts the keys under prefix, stopping at most.
func countPrefix(ctx context.Context, r storage.Reader, prefix []byte, most int) (int, error) {
	start, end := storage.PrefixRange(prefix)
	it := r.Scan(ctx, start, end, storage.ScanOptions{Limit: most})
	defer it.Close()
	n := 0
	for it.Next() {
		n++
	}
	if err := it.Err(); err != nil {
		return 0, fmt.Errorf("logs: count: %w", err)
	}
	return n, nil
}

// DescribeQueryDefinitions lists definitions, optionally by name prefix.
func (p *Provider) DescribeQueryDefinitions(ctx context.Context, in *logsapi.DescribeQueryDefinitionsRequest) (*logsapi.DescribeQueryDefinitionsResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	limit := pageLimit(in.MaxResults, describeQueryDefsMost, describeQueryDefsMost)
	tok, err := optionalPageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	var defs []logsapi.QueryDefinition
	start, end := storage.PrefixRange(ks.queryDefs())
	it := p.store.Scan(ctx, start, end, storage.ScanOptions{})
	for it.Next() {
		parts, err := storage.Decode(it.Key())
		if err != nil || len(parts) != 5 {
			it.Close()
			return nil, fmt.Errorf("%w: query definition key", errCorrupt)
		}
		id, _ := parts[4].(string)
		var rec queryDefRecord
		if err := json.Unmarshal(it.Value(), &rec); err != nil {
			it.Close()
			return nil, fmt.Errorf("%w: query definition: %w", errCorrupt, err)
		}
		if in.QueryDefinitionNamePrefix != nil && !strings.HasPrefix(rec.Name, *in.QueryDefinitionNamePrefix) {
			continue
		}
		d := logsapi.QueryDefinition{
			QueryDefinitionId: ptr(id), Name: ptr(rec.Name), QueryString: ptr(rec.Query),
			LastModified: ptr(rec.Modified), LogGroupNames: rec.Groups,
		}
		if d.LogGroupNames == nil {
			d.LogGroupNames = []string{}
		}
		defs = append(defs, d)
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("logs: scan query definitions: %w", err)
	}
	key := func(d logsapi.QueryDefinition) string { return *d.Name + "\x00" + *d.QueryDefinitionId }
	slices.SortFunc(defs, func(a, b logsapi.QueryDefinition) int { return cmp.Compare(key(a), key(b)) })
	out := &logsapi.DescribeQueryDefinitionsResponse{QueryDefinitions: []logsapi.QueryDefinition{}}
	for _, d := range defs {
		if tok != nil && key(d) <= tok.Name {
			continue
		}
		if len(out.QueryDefinitions) == limit {
			out.NextToken = ptr(pageToken{Name: key(out.QueryDefinitions[limit-1])}.String())
			break
		}
		out.QueryDefinitions = append(out.QueryDefinitions, d)
	}
	return out, nil
}

// DeleteQueryDefinition deletes a definition.
func (p *Provider) DeleteQueryDefinition(ctx context.Context, in *logsapi.DeleteQueryDefinitionRequest) (*logsapi.DeleteQueryDefinitionResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	key := ks.queryDef(deref(in.QueryDefinitionId))
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		_, err := tx.Get(ctx, key)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return errQueryDefNotFound()
		case err != nil:
			return fmt.Errorf("logs: read query definition: %w", err)
		}
		return tx.Delete(key)
	})
	if err != nil {
		return nil, err
	}
	return &logsapi.DeleteQueryDefinitionResponse{Success: ptr(true)}, nil
}
