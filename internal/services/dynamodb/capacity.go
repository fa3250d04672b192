package dynamodb

import "github.com/unkai-cloud/unkai/internal/api/dynamodbapi"

// ReturnConsumedCapacity values.
const (
	capTotal   = "TOTAL"
	capIndexes = "INDEXES"
)

// consumed reports use as ReturnConsumedCapacity asks (nil for NONE).
// write selects which of read or write units the answer names.
func consumed(mode *string, sch *schema, use usage, write bool) *dynamodbapi.ConsumedCapacity {
	m := deref(mode)
	if m != capTotal && m != capIndexes {
		return nil
	}
	total := use.table
	for _, v := range use.indexes {
		total += v
	}
	c := &dynamodbapi.ConsumedCapacity{TableName: ptr(sch.Name), CapacityUnits: ptr(total)}
	setRW := func(rd, wr **float64, v float64) {
		if write {
			*wr = ptr(v)
		} else {
			*rd = ptr(v)
		}
	}
	setRW(&c.ReadCapacityUnits, &c.WriteCapacityUnits, total)
	if m == capIndexes {
		c.Table = &dynamodbapi.Capacity{CapacityUnits: ptr(use.table)}
		setRW(&c.Table.ReadCapacityUnits, &c.Table.WriteCapacityUnits, use.table)
		for name, v := range use.indexes {
			idx, ok := sch.index(name)
			if !ok {
				continue
			}
			cp := dynamodbapi.Capacity{CapacityUnits: ptr(v)}
			setRW(&cp.ReadCapacityUnits, &cp.WriteCapacityUnits, v)
			if idx.Global {
				if c.GlobalSecondaryIndexes == nil {
					c.GlobalSecondaryIndexes = map[string]dynamodbapi.Capacity{}
				}
				c.GlobalSecondaryIndexes[name] = cp
			} else {
				if c.LocalSecondaryIndexes == nil {
					c.LocalSecondaryIndexes = map[string]dynamodbapi.Capacity{}
				}
				c.LocalSecondaryIndexes[name] = cp
			}
		}
	}
	return c
}
