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

// Logs Insights: StartQuery records a query and runs it in the background
// over the stored events of its groups (honouring retention and the time
// range); GetQueryResults reads its status and, once complete, its rows;
// StopQuery cancels it; DescribeQueries lists recent queries. Finished
// queries are kept for seven days, as on AWS, then swept. The language is
// described in insights_parse.go.

const (
	codeMalformedQuery = "MalformedQueryException"
	codeLimitExceeded  = "LimitExceededException"
	describeQueriesMax = 1000
)

func errQueryNotFound() *awserr.Error {
	return awserr.New(codeNotFound, http.StatusBadRequest, "Query does not exist.")
}

// errMalformed answers a query that does not parse, with the location AWS
// sends in queryCompileError.
func errMalformed(qe *queryError) *awserr.Error {
	return awserr.New(codeMalformedQuery, http.StatusBadRequest, "%s", qe.msg).WithFields(&logsapi.MalformedQueryException{
		QueryCompileError: &logsapi.QueryCompileError{
			Message: ptr(qe.msg),
			Location: &logsapi.QueryCompileErrorLocation{
				StartCharOffset: ptr(int64(qe.start)),
				EndCharOffset:   ptr(int64(qe.end)),
			},
		},
	})
}

// compileQuery parses a query string, answering MalformedQueryException.
func compileQuery(s string) (*query, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errMalformed(errAt(s, 0, 0, "unexpected symbol found <EOF>"))
	}
	q, err := parseQuery(s)
	if err != nil {
		var qe *queryError
		if errors.As(err, &qe) {
			return nil, errMalformed(qe)
		}
		return nil, err
	}
	return q, nil
}

// queryGroups returns the groups a StartQuery names: by one of
// logGroupName, logGroupNames and logGroupIdentifiers.
func queryGroups(sc scope.Scope, in *logsapi.StartQueryRequest) ([]string, error) {
	given := 0
	for _, set := range []bool{in.LogGroupName != nil, len(in.LogGroupNames) > 0, len(in.LogGroupIdentifiers) > 0} {
		if set {
			given++
		}
	}
	if given != 1 {
		return nil, errInvalid("Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified.")
	}
	var names []string
	switch {
	case in.LogGroupName != nil:
		names = []string{*in.LogGroupName}
	case len(in.LogGroupNames) > 0:
		names = slices.Clone(in.LogGroupNames)
	default:
		for _, id := range in.LogGroupIdentifiers {
			g, err := resolveGroup(sc, nil, &id)
			if err != nil {
				return nil, err
			}
			names = append(names, g)
		}
	}
	if len(names) > maxQueryGroups {
		return nil, errInvalid("1 validation error detected: Value at 'logGroupNames' failed to satisfy constraint: Member must have length less than or equal to %d", maxQueryGroups)
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// StartQuery schedules a Logs Insights query and returns its id.
func (p *Provider) StartQuery(ctx context.Context, in *logsapi.StartQueryRequest) (*logsapi.StartQueryResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	groups, err := queryGroups(sc, in)
	if err != nil {
		return nil, err
	}
	start, end := derefInt(in.StartTime, 0), derefInt(in.EndTime, 0)
	if start > end {
		return nil, errInvalid("End time must be greater than or equal to start time.")
	}
	q, err := compileQuery(deref(in.QueryString))
	if err != nil {
		return nil, err
	}
	limit := defaultQueryRows
	switch {
	case in.Limit != nil:
		if *in.Limit < 1 || *in.Limit > maxQueryLimit {
			return nil, errInvalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *in.Limit, maxQueryLimit)
		}
		limit = int(*in.Limit)
	case q.limited:
		limit = maxQueryLimit
	}
	if p.runner.activeIn(sc.Account) >= maxConcurrent {
		return nil, awserr.New(codeLimitExceeded, http.StatusBadRequest, "Account maximum query concurrency limit of [%d] reached.", maxConcurrent)
	}
	id := p.ids.UUID()
	rec := &queryRecord{
		Query: deref(in.QueryString), Groups: groups, Created: p.clock.Now().UnixMilli(),
		Start: start, End: end, Limit: limit, Status: qScheduled,
	}
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		for _, g := range groups {
			if _, err := getGroup(ctx, tx, ks, g); err != nil {
				var ae *awserr.Error
				if errors.As(err, &ae) && ae.Code == codeNotFound {
					return awserr.New(codeNotFound, http.StatusBadRequest, "Log group '%s' does not exist for account ID '%s'", g, sc.Account)
				}
				return err
			}
		}
		if err := tx.Put(queryJobKey(sc, id), []byte{}); err != nil {
			return fmt.Errorf("logs: put query job: %w", err)
		}
		return putQuery(tx, ks, id, rec)
	})
	if err != nil {
		return nil, err
	}
	p.launch(sc, id, rec, q)
	return &logsapi.StartQueryResponse{QueryId: ptr(id)}, nil
}

// GetQueryResults returns a query's status, statistics and (once it is
// complete) its rows.
func (p *Provider) GetQueryResults(ctx context.Context, in *logsapi.GetQueryResultsRequest) (*logsapi.GetQueryResultsResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	id := deref(in.QueryId)
	out := &logsapi.GetQueryResultsResponse{Results: [][]logsapi.ResultField{}}
	err := p.store.View(ctx, func(tx storage.Txn) error {
		out.Results = out.Results[:0]
		rec, err := p.liveQuery(ctx, tx, ks, id)
		if err != nil {
			return err
		}
		out.Status = ptr(rec.Status)
		out.Statistics = &logsapi.QueryStatistics{
			RecordsMatched: ptr(float64(rec.Matched)),
			RecordsScanned: ptr(float64(rec.Scanned)),
			BytesScanned:   ptr(float64(rec.Bytes)),
		}
		if rec.Status != qComplete {
			return nil
		}
		start, end := storage.PrefixRange(ks.queryRows(id))
		it := tx.Scan(ctx, start, end, storage.ScanOptions{})
		defer it.Close()
		for it.Next() {
			var row resultRow
			if err := json.Unmarshal(it.Value(), &row); err != nil {
				return fmt.Errorf("%w: query row: %w", errCorrupt, err)
			}
			fields := make([]logsapi.ResultField, len(row))
			for i, f := range row {
				fields[i] = logsapi.ResultField{Field: ptr(f[0]), Value: ptr(f[1])}
			}
			out.Results = append(out.Results, fields)
		}
		if err := it.Err(); err != nil {
			return fmt.Errorf("logs: scan query rows: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// liveQuery reads a query that has not passed its retention.
func (p *Provider) liveQuery(ctx context.Context, r storage.Reader, ks keyspace, id string) (*queryRecord, error) {
	rec, err := getQuery(ctx, r, ks, id)
	if err != nil {
		return nil, err
	}
	if rec.Expires != 0 && rec.Expires <= p.clock.Now().UnixMilli() {
		return nil, errQueryNotFound()
	}
	return rec, nil
}

// StopQuery cancels a scheduled or running query.
func (p *Provider) StopQuery(ctx context.Context, in *logsapi.StopQueryRequest) (*logsapi.StopQueryResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	id := deref(in.QueryId)
	rec, err := p.liveQuery(ctx, p.store, ks, id)
	if err != nil {
		return nil, err
	}
	if !rec.running() {
		return nil, errInvalid("Query %s is not running.", id)
	}
	p.runner.stop(sc, id)
	// Record the cancellation now, so the status reads Cancelled as soon as
	// StopQuery answers; a run finishing meanwhile keeps its outcome.
	expires := p.clock.Now().Add(queryRetention).UnixMilli()
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		cur, err := getQuery(ctx, tx, ks, id)
		if err != nil || !cur.running() {
			return err
		}
		cur.Status, cur.Expires = qCancelled, expires
		if err := tx.Delete(queryJobKey(sc, id)); err != nil {
			return fmt.Errorf("logs: delete query job: %w", err)
		}
		if err := tx.Put(queryExpiryKey(expires, sc, id), []byte{}); err != nil {
			return fmt.Errorf("logs: put query expiry: %w", err)
		}
		return putQuery(tx, ks, id, cur)
	})
	if err != nil {
		return nil, err
	}
	return &logsapi.StopQueryResponse{Success: ptr(true)}, nil
}

// DescribeQueries lists the account's recent queries, newest first.
func (p *Provider) DescribeQueries(ctx context.Context, in *logsapi.DescribeQueriesRequest) (*logsapi.DescribeQueriesResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	limit := pageLimit(in.MaxResults, describeQueriesMax, describeQueriesMax)
	tok, err := optionalPageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	type item struct {
		id  string
		rec *queryRecord
	}
	var items []item
	now := p.clock.Now().UnixMilli()
	start, end := storage.PrefixRange(ks.queries())
	it := p.store.Scan(ctx, start, end, storage.ScanOptions{})
	for it.Next() {
		parts, err := storage.Decode(it.Key())
		if err != nil || len(parts) != 5 {
			it.Close()
			return nil, fmt.Errorf("%w: query key", errCorrupt)
		}
		id, _ := parts[4].(string)
		var rec queryRecord
		if err := json.Unmarshal(it.Value(), &rec); err != nil {
			it.Close()
			return nil, fmt.Errorf("%w: query: %w", errCorrupt, err)
		}
		if rec.Expires != 0 && rec.Expires <= now {
			continue
		}
		if in.Status != nil && rec.Status != *in.Status {
			continue
		}
		if in.LogGroupName != nil && !slices.Contains(rec.Groups, *in.LogGroupName) {
			continue
		}
		items = append(items, item{id, &rec})
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("logs: scan queries: %w", err)
	}
	// Newest first; a token resumes after the (time, id) it names.
	slices.SortFunc(items, func(a, b item) int {
		if c := cmp.Compare(b.rec.Created, a.rec.Created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	out := &logsapi.DescribeQueriesResponse{Queries: []logsapi.QueryInfo{}}
	for _, x := range items {
		if tok != nil && (x.rec.Created > tok.TS || x.rec.Created == tok.TS && x.id <= tok.Name) {
			continue
		}
		if len(out.Queries) == limit {
			last := out.Queries[limit-1]
			out.NextToken = ptr(pageToken{TS: *last.CreateTime, Name: *last.QueryId}.String())
			break
		}
		out.Queries = append(out.Queries, logsapi.QueryInfo{
			QueryId:      ptr(x.id),
			QueryString:  ptr(x.rec.Query),
			Status:       ptr(x.rec.Status),
			CreateTime:   ptr(x.rec.Created),
			LogGroupName: ptr(x.rec.Groups[0]),
		})
	}
	return out, nil
}
