// Package logs is unkai's CloudWatch Logs provider: log groups and streams,
// retention, tags, the event store that PutLogEvents writes and
// GetLogEvents and FilterLogEvents read, Logs Insights queries over it
// (query*.go, insights*.go), saved query definitions and metric filters.
//
// State lives in the shared key-value store under storage.Key("logs",
// account, region, ...): one record per group and per stream, and one key
// per event ordered by (group, stream, timestamp, ingestion sequence), so a
// stream's events are a single ordered range scan.
package logs

import (
	"errors"
	"log/slog"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/ids"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Name is the provider's name and the first element of all its keys.
const Name = "logs"

// Provider serves the CloudWatch Logs API.
type Provider struct {
	store  storage.Store
	clock  clock.Clock
	ids    ids.Generator
	log    *slog.Logger
	h      logsapi.Handlers
	runner *queryRunner
}

// Factory returns the factory the server provisions the provider with.
func Factory() service.Factory {
	return service.Factory{
		Name: Name,
		New: func(d service.Deps) (service.Provider, error) {
			return New(d)
		},
	}
}

// New returns a provider over d. It needs a store; a nil clock means the
// system clock and a nil logger discards.
func New(d service.Deps) (*Provider, error) {
	if d.Store == nil {
		return nil, errors.New("logs: no store")
	}
	p := &Provider{store: d.Store, clock: d.Clock, ids: d.IDs, log: d.Logger}
	if p.clock == nil {
		p.clock = clock.Real{}
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.runner = newQueryRunner(p.log, p.clock)
	p.runner.bg.Every("insights results sweep", sweepEvery, nil, p.sweepQueries)
	p.h = logsapi.Handlers{
		CreateLogGroup:           p.CreateLogGroup,
		DeleteLogGroup:           p.DeleteLogGroup,
		DescribeLogGroups:        p.DescribeLogGroups,
		PutRetentionPolicy:       p.PutRetentionPolicy,
		DeleteRetentionPolicy:    p.DeleteRetentionPolicy,
		CreateLogStream:          p.CreateLogStream,
		DeleteLogStream:          p.DeleteLogStream,
		DescribeLogStreams:       p.DescribeLogStreams,
		PutLogEvents:             p.PutLogEvents,
		GetLogEvents:             p.GetLogEvents,
		GetLogRecord:             p.GetLogRecord,
		FilterLogEvents:          p.FilterLogEvents,
		TagLogGroup:              p.TagLogGroup,
		UntagLogGroup:            p.UntagLogGroup,
		ListTagsLogGroup:         p.ListTagsLogGroup,
		TagResource:              p.TagResource,
		UntagResource:            p.UntagResource,
		ListTagsForResource:      p.ListTagsForResource,
		StartQuery:               p.StartQuery,
		GetQueryResults:          p.GetQueryResults,
		StopQuery:                p.StopQuery,
		DescribeQueries:          p.DescribeQueries,
		PutQueryDefinition:       p.PutQueryDefinition,
		DescribeQueryDefinitions: p.DescribeQueryDefinitions,
		DeleteQueryDefinition:    p.DeleteQueryDefinition,
		PutMetricFilter:          p.PutMetricFilter,
		DescribeMetricFilters:    p.DescribeMetricFilters,
		DeleteMetricFilter:       p.DeleteMetricFilter,
		TestMetricFilter:         p.TestMetricFilter,
	}
	return p, nil
}

// Name implements service.Provider.
func (p *Provider) Name() string { return Name }

// APIs implements service.Provider.
func (p *Provider) APIs() []service.API {
	return []service.API{{Descriptor: logsapi.Descriptor, Handlers: &p.h}}
}

var (
	_ service.Provider     = (*Provider)(nil)
	_ service.Starter      = (*Provider)(nil)
	_ service.Stopper      = (*Provider)(nil)
	_ service.Resetter     = (*Provider)(nil)
	_ service.LoopReporter = (*Provider)(nil)
)
