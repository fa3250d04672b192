// Package dynamodb is unkai's DynamoDB provider. This first slice lists
// tables from storage; the table and item API is built on the same layout.
//
// Storage layout (all under storage.Key("dynamodb", account, region)):
//
//	"tables", name  → the table's description (JSON)
package dynamodb

import (
	"context"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Name is the provider's name.
const Name = "dynamodb"

// Provider serves DynamoDB.
type Provider struct {
	store    storage.Store
	handlers dynamodbapi.Handlers
}

// Factory returns the DynamoDB provider's factory.
func Factory() service.Factory {
	return service.Factory{Name: Name, New: func(d service.Deps) (service.Provider, error) { return New(d), nil }}
}

// New provisions the provider.
func New(d service.Deps) *Provider {
	p := &Provider{store: d.Store}
	p.handlers.ListTables = p.listTables
	return p
}

// Name implements service.Provider.
func (p *Provider) Name() string { return Name }

// APIs implements service.Provider.
func (p *Provider) APIs() []service.API {
	return []service.API{{Descriptor: dynamodbapi.Descriptor, Handlers: &p.handlers}}
}

// TablesPrefix is the key prefix of the table descriptions of a scope.
func TablesPrefix(sc scope.Scope) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "tables")
}

// TableKey is the key of one table's description.
func TableKey(sc scope.Scope, table string) []byte {
	return storage.AppendString(TablesPrefix(sc), table)
}

// maxListTables is ListTables' default and largest page.
const maxListTables = 100

func (p *Provider) listTables(ctx context.Context, in *dynamodbapi.ListTablesInput) (*dynamodbapi.ListTablesOutput, error) {
	limit := maxListTables
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	sc := scope.From(ctx)
	prefix := TablesPrefix(sc)
	start := prefix
	if in.ExclusiveStartTableName != nil {
		// The first key after the named table: its key with a zero byte
		// appended sorts right after it and before any longer name.
		start = append(TableKey(sc, *in.ExclusiveStartTableName), 0)
	}
	it := p.store.Scan(ctx, start, storage.PrefixEnd(prefix), storage.ScanOptions{Limit: limit + 1})
	defer it.Close()
	out := &dynamodbapi.ListTablesOutput{TableNames: []string{}}
	for it.Next() {
		parts, err := storage.Decode(it.Key())
		if err != nil || len(parts) != 5 {
			return nil, awserr.Internal(err)
		}
		name, _ := parts[4].(string)
		if len(out.TableNames) == limit {
			last := out.TableNames[limit-1]
			out.LastEvaluatedTableName = &last
			break
		}
		out.TableNames = append(out.TableNames, name)
	}
	if err := it.Err(); err != nil {
		return nil, awserr.Internal(err)
	}
	return out, nil
}
