package logs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Metric filters, one record per filter under its group:
//
//	keyspace "mfilter", group, name → metricFilterRecord (JSON)
//
// Filters are stored, listed, counted in DescribeLogGroups'
// metricFilterCount and tested with TestMetricFilter against the same
// pattern parser FilterLogEvents uses. Publishing their metric data waits
// for the CloudWatch metrics API, which unkai does not serve yet: no
// metric values are emitted when events arrive. Patterns the parser does
// not support (JSON and space-delimited ones) are refused with
// InvalidParameterException naming them, so TestMetricFilter's
// extractedValues (which only those patterns fill) is always empty.

const (
	maxMetricFiltersPerGroup = 100
	describeMetricFiltersMax = 50
)

type metricFilterRecord struct {
	Pattern   string                         `json:"p"`
	Transform []logsapi.MetricTransformation `json:"t"`
	Created   int64                          `json:"c"`
}

func (k keyspace) metricFilters(group string) []byte      { return k.with("mfilter", group) }
func (k keyspace) allMetricFilters() []byte               { return k.with("mfilter") }
func (k keyspace) metricFilter(group, name string) []byte { return k.with("mfilter", group, name) }

// PutMetricFilter creates or replaces a metric filter of a group.
func (p *Provider) PutMetricFilter(ctx context.Context, in *logsapi.PutMetricFilterRequest) (*protocol.Empty, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	group, name := deref(in.LogGroupName), deref(in.FilterName)
	if _, err := parseFilterPattern(deref(in.FilterPattern)); err != nil {
		return nil, errInvalid("Invalid metric filter pattern: %v.", err)
	}
	if len(in.MetricTransformations) != 1 {
		return nil, errInvalid("1 validation error detected: Value at 'metricTransformations' failed to satisfy constraint: Member must have length less than or equal to 1")
	}
	mt := in.MetricTransformations[0]
	if v := deref(mt.MetricValue); !strings.HasPrefix(v, "$") && !isNumber(v) {
		return nil, errInvalid("Invalid metric value: %s. The metric value must be a number or a field selector ($field).", v)
	}
	rec := &metricFilterRecord{Pattern: deref(in.FilterPattern), Transform: in.MetricTransformations, Created: p.clock.Now().UnixMilli()}
	val, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("logs: encode metric filter: %w", err)
	}
	return nil, p.store.Update(ctx, func(tx storage.Txn) error {
		if _, err := getGroup(ctx, tx, ks, group); err != nil {
			return err
		}
		_, err := tx.Get(ctx, ks.metricFilter(group, name))
		switch {
		case errors.Is(err, storage.ErrNotFound):
			n, err := countPrefix(ctx, tx, ks.metricFilters(group), maxMetricFiltersPerGroup)
			if err != nil {
				return err
			}
			if n >= maxMetricFiltersPerGroup {
				return awserr.New(codeLimitExceeded, http.StatusBadRequest, "Resource limit exceeded.")
			}
		case err != nil:
			return fmt.Errorf("logs: read metric filter: %w", err)
		}
		return tx.Put(ks.metricFilter(group, name), val)
	})
}

func isNumber(s string) bool {
	_, ok := strValue(s).num()
	return ok && strings.TrimSpace(s) == s && s != ""
}

// DescribeMetricFilters lists metric filters by group and name, narrowed
// by group, name prefix, metric name and namespace.
func (p *Provider) DescribeMetricFilters(ctx context.Context, in *logsapi.DescribeMetricFiltersRequest) (*logsapi.DescribeMetricFiltersResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	limit := pageLimit(in.Limit, describeMetricFiltersMax, describeMetricFiltersMax)
	start, end := storage.PrefixRange(ks.allMetricFilters())
	if in.LogGroupName != nil {
		start, end = storage.PrefixRange(ks.metricFilters(*in.LogGroupName))
		if in.FilterNamePrefix != nil {
			start, end = storage.PrefixRange(namePrefixKey(ks.metricFilters(*in.LogGroupName), *in.FilterNamePrefix))
		}
	}
	if in.NextToken != nil {
		t, err := parsePageToken(*in.NextToken)
		group, name, ok := strings.Cut(t.Name, "\x00")
		if err != nil || !ok {
			return nil, errBadToken()
		}
		if after := storage.KeyAfter(ks.metricFilter(group, name)); string(after) > string(start) {
			start = after
		}
	}
	out := &logsapi.DescribeMetricFiltersResponse{MetricFilters: []logsapi.MetricFilter{}}
	err := p.store.View(ctx, func(tx storage.Txn) error {
		out.MetricFilters, out.NextToken = out.MetricFilters[:0], nil
		if in.LogGroupName != nil {
			if _, err := getGroup(ctx, tx, ks, *in.LogGroupName); err != nil {
				return err
			}
		}
		it := tx.Scan(ctx, start, end, storage.ScanOptions{})
		defer it.Close()
		for it.Next() {
			parts, err := storage.Decode(it.Key())
			if err != nil || len(parts) != 6 {
				return fmt.Errorf("%w: metric filter key", errCorrupt)
			}
			group, _ := parts[4].(string)
			name, _ := parts[5].(string)
			if in.FilterNamePrefix != nil && !strings.HasPrefix(name, *in.FilterNamePrefix) {
				continue
			}
			var rec metricFilterRecord
			if err := json.Unmarshal(it.Value(), &rec); err != nil {
				return fmt.Errorf("%w: metric filter: %w", errCorrupt, err)
			}
			if !transformMatches(rec.Transform, in.MetricName, in.MetricNamespace) {
				continue
			}
			if len(out.MetricFilters) == limit {
				last := out.MetricFilters[limit-1]
				out.NextToken = ptr(pageToken{Name: *last.LogGroupName + "\x00" + *last.FilterName}.String())
				return nil
			}
			out.MetricFilters = append(out.MetricFilters, logsapi.MetricFilter{
				FilterName: ptr(name), FilterPattern: ptr(rec.Pattern), MetricTransformations: rec.Transform,
				CreationTime: ptr(rec.Created), LogGroupName: ptr(group),
			})
		}
		if err := it.Err(); err != nil {
			return fmt.Errorf("logs: scan metric filters: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func transformMatches(ts []logsapi.MetricTransformation, name, namespace *string) bool {
	for _, t := range ts {
		if (name == nil || deref(t.MetricName) == *name) && (namespace == nil || deref(t.MetricNamespace) == *namespace) {
			return true
		}
	}
	return false
}

// DeleteMetricFilter deletes a metric filter.
func (p *Provider) DeleteMetricFilter(ctx context.Context, in *logsapi.DeleteMetricFilterRequest) (*protocol.Empty, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	group, name := deref(in.LogGroupName), deref(in.FilterName)
	return nil, p.store.Update(ctx, func(tx storage.Txn) error {
		if _, err := getGroup(ctx, tx, ks, group); err != nil {
			return err
		}
		_, err := tx.Get(ctx, ks.metricFilter(group, name))
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return errResourceNotFound()
		case err != nil:
			return fmt.Errorf("logs: read metric filter: %w", err)
		}
		return tx.Delete(ks.metricFilter(group, name))
	})
}

// TestMetricFilter reports which sample messages a pattern matches.
func (p *Provider) TestMetricFilter(_ context.Context, in *logsapi.TestMetricFilterRequest) (*logsapi.TestMetricFilterResponse, error) {
	fp, err := parseFilterPattern(deref(in.FilterPattern))
	if err != nil {
		return nil, errInvalid("Invalid metric filter pattern: %v.", err)
	}
	out := &logsapi.TestMetricFilterResponse{Matches: []logsapi.MetricFilterMatchRecord{}}
	for i, msg := range in.LogEventMessages {
		if fp.match(msg) {
			out.Matches = append(out.Matches, logsapi.MetricFilterMatchRecord{
				EventNumber: ptr(int64(i + 1)), EventMessage: ptr(msg), ExtractedValues: map[string]string{},
			})
		}
	}
	return out, nil
}
