// Package lambda is unkai's Lambda provider. This first slice lists
// functions from storage; creating and running them comes with the Lambda
// runtime work.
//
// Storage layout (all under storage.Key("lambda", account, region)):
//
//	"functions", name  → the function's $LATEST configuration (JSON of
//	                     lambdaapi.FunctionConfiguration)
package lambda

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/unkai-cloud/unkai/internal/api/lambdaapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Name is the provider's name.
const Name = "lambda"

// Provider serves Lambda.
type Provider struct {
	store    storage.Store
	handlers lambdaapi.Handlers
}

// Factory returns the Lambda provider's factory.
func Factory() service.Factory {
	return service.Factory{Name: Name, New: func(d service.Deps) (service.Provider, error) { return New(d), nil }}
}

// New provisions the provider.
func New(d service.Deps) *Provider {
	p := &Provider{store: d.Store}
	p.handlers.ListFunctions = p.listFunctions
	return p
}

// Name implements service.Provider.
func (p *Provider) Name() string { return Name }

// APIs implements service.Provider.
func (p *Provider) APIs() []service.API {
	return []service.API{{Descriptor: lambdaapi.Descriptor, Handlers: &p.handlers}}
}

// FunctionsPrefix is the key prefix of a scope's functions.
func FunctionsPrefix(sc scope.Scope) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "functions")
}

// FunctionKey is the key of one function's configuration.
func FunctionKey(sc scope.Scope, name string) []byte {
	return storage.AppendString(FunctionsPrefix(sc), name)
}

// defaultMaxItems is ListFunctions' page size when MaxItems is absent.
const defaultMaxItems = 50

// listFunctions pages through functions in name order. The marker is the
// name of the first function of the next page.
func (p *Provider) listFunctions(ctx context.Context, in *lambdaapi.ListFunctionsRequest) (*lambdaapi.ListFunctionsResponse, error) {
	if in.FunctionVersion != nil && *in.FunctionVersion != "ALL" {
		return nil, awserr.New("InvalidParameterValueException", http.StatusBadRequest,
			"1 validation error detected: Value '%s' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]", *in.FunctionVersion)
	}
	limit := defaultMaxItems
	if in.MaxItems != nil {
		limit = int(*in.MaxItems)
	}
	sc := scope.From(ctx)
	prefix := FunctionsPrefix(sc)
	start := prefix
	if in.Marker != nil && *in.Marker != "" {
		start = FunctionKey(sc, *in.Marker)
	}
	it := p.store.Scan(ctx, start, storage.PrefixEnd(prefix), storage.ScanOptions{Limit: limit + 1})
	defer it.Close()
	out := &lambdaapi.ListFunctionsResponse{Functions: []lambdaapi.FunctionConfiguration{}}
	for it.Next() {
		var fc lambdaapi.FunctionConfiguration
		if err := json.Unmarshal(it.Value(), &fc); err != nil {
			return nil, awserr.New("ServiceException", http.StatusInternalServerError, "Internal error.").WithCause(err)
		}
		if len(out.Functions) == limit {
			out.NextMarker = fc.FunctionName
			break
		}
		out.Functions = append(out.Functions, fc)
	}
	if err := it.Err(); err != nil {
		return nil, awserr.New("ServiceException", http.StatusInternalServerError, "Internal error.").WithCause(err)
	}
	return out, nil
}
