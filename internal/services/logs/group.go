package logs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

const (
	classStandard   = "STANDARD"
	describeLimit   = 50
	deleteBatchSize = 10000
	dayMillis       = 24 * 60 * 60 * 1000
)

// retentionDays lists the values PutRetentionPolicy accepts, as AWS's
// message renders them.
const retentionDays = "[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]"

func validRetention(d int64) bool {
	switch d {
	case 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653:
		return true
	}
	return false
}

// groupARN returns a log group's ARN; AWS's "arn" member adds ":*".
func groupARN(sc scope.Scope, name string) string {
	return arn.New(Name, sc.Region, sc.Account, "log-group:"+name).String()
}

// resolveGroup returns the group a request names by logGroupName or by
// logGroupIdentifier (a name or an ARN, with or without ":*").
func resolveGroup(sc scope.Scope, name, identifier *string) (string, error) {
	switch {
	case name != nil && identifier != nil:
		return "", errInvalid("LogGroupName and LogGroupIdentifier are mutually exclusive parameters.")
	case name != nil:
		return *name, nil
	case identifier == nil:
		return "", errInvalid("Either LogGroupName or LogGroupIdentifier must be specified.")
	}
	id := *identifier
	if !strings.HasPrefix(id, "arn:") {
		return id, nil
	}
	g, ok := groupFromARN(sc, id)
	if !ok {
		return "", errGroupNotFound()
	}
	return g, nil
}

// groupFromARN returns the log group an ARN in the caller's account and
// region names.
func groupFromARN(sc scope.Scope, s string) (string, bool) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != Name || a.Account != sc.Account || a.Region != sc.Region {
		return "", false
	}
	g, ok := strings.CutPrefix(a.Resource, "log-group:")
	if !ok {
		return "", false
	}
	g = strings.TrimSuffix(g, ":*")
	if g == "" || strings.ContainsAny(g, ":*") {
		return "", false
	}
	return g, true
}

// CreateLogGroup creates a log group.
func (p *Provider) CreateLogGroup(ctx context.Context, in *logsapi.CreateLogGroupRequest) (*protocol.Empty, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	name := deref(in.LogGroupName)
	if len(in.Tags) > maxTags {
		return nil, errTooManyGroupTags()
	}
	rec := &groupRecord{
		Created:  p.clock.Now().UnixMilli(),
		KMSKeyID: deref(in.KmsKeyId),
		Class:    deref(in.LogGroupClass),
	}
	if len(in.Tags) > 0 {
		rec.Tags = make(map[string]string, len(in.Tags))
		for k, v := range in.Tags {
			rec.Tags[k] = v
		}
	}
	val, err := encodeGroup(rec)
	if err != nil {
		return nil, err
	}
	key := ks.group(name)
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		_, err := tx.Get(ctx, key)
		switch {
		case err == nil:
			return errGroupExists()
		case !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("logs: read group: %w", err)
		}
		return tx.Put(key, val)
	})
	return nil, err
}

// DeleteLogGroup deletes a log group with its streams and events. Events
// go in batches; the last transaction removes the rest, the streams and
// the group together, so the group disappears atomically.
func (p *Provider) DeleteLogGroup(ctx context.Context, in *logsapi.DeleteLogGroupRequest) (*protocol.Empty, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	name := deref(in.LogGroupName)
	for {
		done := false
		err := p.store.Update(ctx, func(tx storage.Txn) error {
			done = false
			if _, err := getGroup(ctx, tx, ks, name); err != nil {
				return err
			}
			n, err := deletePrefix(ctx, tx, ks.groupEvents(name), deleteBatchSize)
			if err != nil || n == deleteBatchSize {
				return err
			}
			if _, err := deletePrefix(ctx, tx, ks.streams(name), 0); err != nil {
				return err
			}
			if _, err := deletePrefix(ctx, tx, ks.metricFilters(name), 0); err != nil {
				return err
			}
			done = true
			return tx.Delete(ks.group(name))
		})
		if err != nil || done {
			return nil, err
		}
	}
}

// deletePrefix deletes up to limit keys (all when limit is 0) that start
// with prefix and reports how many it deleted.
func deletePrefix(ctx context.Context, tx storage.Txn, prefix []byte, limit int) (int, error) {
	start, end := storage.PrefixRange(prefix)
	it := tx.Scan(ctx, start, end, storage.ScanOptions{Limit: limit})
	defer it.Close()
	n := 0
	for it.Next() {
		if err := tx.Delete(it.Key()); err != nil {
			return n, fmt.Errorf("logs: delete: %w", err)
		}
		n++
	}
	if err := it.Err(); err != nil {
		return n, fmt.Errorf("logs: scan for delete: %w", err)
	}
	return n, nil
}

// DescribeLogGroups lists log groups sorted by name.
func (p *Provider) DescribeLogGroups(ctx context.Context, in *logsapi.DescribeLogGroupsRequest) (*logsapi.DescribeLogGroupsResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, errInvalid("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
	}
	limit := pageLimit(in.Limit, describeLimit, describeLimit)
	start, end := storage.PrefixRange(ks.groups())
	if in.LogGroupNamePrefix != nil {
		start, end = storage.PrefixRange(namePrefixKey(ks.groups(), *in.LogGroupNamePrefix))
	}
	if in.NextToken != nil {
		t, err := parsePageToken(*in.NextToken)
		if err != nil {
			return nil, errBadToken()
		}
		if after := storage.KeyAfter(ks.group(t.Name)); string(after) > string(start) {
			start = after
		}
	}
	pattern, short := "", in.LogGroupNamePattern != nil
	if short {
		pattern = *in.LogGroupNamePattern
	}
	out := &logsapi.DescribeLogGroupsResponse{LogGroups: []logsapi.LogGroup{}}
	err := p.store.View(ctx, func(tx storage.Txn) error {
		out.LogGroups = out.LogGroups[:0]
		out.NextToken = nil
		it := tx.Scan(ctx, start, end, storage.ScanOptions{})
		defer it.Close()
		for it.Next() {
			parts, err := storage.Decode(it.Key())
			if err != nil || len(parts) != 5 {
				return fmt.Errorf("%w: group key", errCorrupt)
			}
			name, _ := parts[4].(string)
			if short && !strings.Contains(name, pattern) {
				continue
			}
			g, err := decodeGroup(it.Value())
			if err != nil {
				return err
			}
			class := classOf(g)
			if in.LogGroupClass != nil && *in.LogGroupClass != class {
				continue
			}
			if len(out.LogGroups) == limit {
				last := *out.LogGroups[limit-1].LogGroupName
				out.NextToken = ptr(pageToken{Name: last}.String())
				return nil
			}
			lg := logsapi.LogGroup{
				LogGroupName: ptr(name),
				CreationTime: ptr(g.Created),
				Arn:          ptr(groupARN(sc, name) + ":*"),
			}
			if !short {
				stored, err := groupStoredBytes(ctx, tx, ks, name)
				if err != nil {
					return err
				}
				lg.StoredBytes = ptr(stored)
				filters, err := countPrefix(ctx, tx, ks.metricFilters(name), 0)
				if err != nil {
					return err
				}
				lg.MetricFilterCount = ptr(int64(filters))
				lg.LogGroupArn = ptr(groupARN(sc, name))
				lg.LogGroupClass = ptr(class)
				if g.Retention > 0 {
					lg.RetentionInDays = ptr(g.Retention)
				}
				if g.KMSKeyID != "" {
					lg.KmsKeyId = ptr(g.KMSKeyID)
				}
			}
			out.LogGroups = append(out.LogGroups, lg)
		}
		if err := it.Err(); err != nil {
			return fmt.Errorf("logs: scan groups: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func classOf(g *groupRecord) string {
	if g.Class == "" {
		return classStandard
	}
	return g.Class
}

// groupStoredBytes sums the stored bytes of a group's streams.
func groupStoredBytes(ctx context.Context, r storage.Reader, ks keyspace, group string) (int64, error) {
	start, end := storage.PrefixRange(ks.streams(group))
	it := r.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	var total int64
	for it.Next() {
		s, err := decodeStream(it.Value())
		if err != nil {
			return 0, err
		}
		total += s.Bytes
	}
	if err := it.Err(); err != nil {
		return 0, fmt.Errorf("logs: scan streams: %w", err)
	}
	return total, nil
}

// updateGroup applies fn to a stored group in one transaction.
func (p *Provider) updateGroup(ctx context.Context, name string, fn func(*groupRecord) error) error {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	return p.store.Update(ctx, func(tx storage.Txn) error {
		g, err := getGroup(ctx, tx, ks, name)
		if err != nil {
			return err
		}
		if err := fn(g); err != nil {
			return err
		}
		val, err := encodeGroup(g)
		if err != nil {
			return err
		}
		return tx.Put(ks.group(name), val)
	})
}

// PutRetentionPolicy sets how many days a group keeps its events.
func (p *Provider) PutRetentionPolicy(ctx context.Context, in *logsapi.PutRetentionPolicyRequest) (*protocol.Empty, error) {
	days := derefInt(in.RetentionInDays, 0)
	if !validRetention(days) {
		return nil, errInvalid("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: %s", days, retentionDays)
	}
	return nil, p.updateGroup(ctx, deref(in.LogGroupName), func(g *groupRecord) error {
		g.Retention = days
		return nil
	})
}

// DeleteRetentionPolicy makes a group keep its events forever.
func (p *Provider) DeleteRetentionPolicy(ctx context.Context, in *logsapi.DeleteRetentionPolicyRequest) (*protocol.Empty, error) {
	return nil, p.updateGroup(ctx, deref(in.LogGroupName), func(g *groupRecord) error {
		g.Retention = 0
		return nil
	})
}

// retentionCutoff returns the oldest timestamp a group still keeps at now
// (milliseconds), or math.MinInt64 when it keeps everything.
func retentionCutoff(g *groupRecord, now int64) int64 {
	if g.Retention <= 0 {
		return minTS
	}
	return now - g.Retention*dayMillis
}
