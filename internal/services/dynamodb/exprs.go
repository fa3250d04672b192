package dynamodb

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/expr"
)

// exprParams are the expression parameters of one request, new style and
// legacy, as the request carried them.
type exprParams struct {
	names         map[string]string
	values        map[string]dynamodbapi.AttributeValue
	condition     *string
	update        *string
	projection    *string
	filter        *string
	keyCondition  *string
	expected      map[string]dynamodbapi.ExpectedAttributeValue
	conditionalOp *string
	attrUpdates   map[string]dynamodbapi.AttributeValueUpdate
	attrsToGet    []string
	keyConditions map[string]dynamodbapi.Condition
	queryFilter   map[string]dynamodbapi.Condition
	// filterName is the legacy filter's parameter name (QueryFilter or
	// ScanFilter).
	filterName string
	// updating marks UpdateItem, whose expressions taking values are
	// UpdateExpression and ConditionExpression.
	updating bool
}

// valueExprs names the expressions of p's operation that take
// ExpressionAttributeValues, in the order DynamoDB lists them when none of
// them is present, and reports whether any of them is present.
func (p exprParams) valueExprs() ([]string, bool) {
	switch {
	case p.filterName == "QueryFilter":
		return []string{expr.KindFilter, expr.KindKeyCondition}, p.filter != nil || p.keyCondition != nil
	case p.filterName == "ScanFilter":
		return []string{expr.KindFilter}, p.filter != nil
	case p.updating:
		return []string{expr.KindUpdate, expr.KindCondition}, p.update != nil || p.condition != nil
	default:
		return []string{expr.KindCondition}, p.condition != nil
	}
}

// condition is a compiled condition or filter.
type condition interface {
	Eval(item map[string]dynamodbapi.AttributeValue) (bool, error)
}

// compiled holds a request's compiled expressions; absent ones are nil.
type compiled struct {
	cond   condition
	upd    *expr.Update
	proj   *expr.Projection
	filter condition
	key    *expr.KeyCondition
}

// compile parses the expressions of a request, applying DynamoDB's rules
// on mixing legacy and expression parameters and on unused names and
// values.
func compile(p exprParams) (*compiled, error) {
	if err := expr.ValidateNamesValues(p.names, p.values); err != nil {
		return nil, err
	}
	var legacy, modern []string
	note := func(set bool, list *[]string, name string) {
		if set {
			*list = append(*list, name)
		}
	}
	note(p.attrsToGet != nil, &legacy, "AttributesToGet")
	note(p.attrUpdates != nil, &legacy, "AttributeUpdates")
	note(p.conditionalOp != nil, &legacy, "ConditionalOperator")
	note(p.expected != nil, &legacy, "Expected")
	note(p.keyConditions != nil, &legacy, "KeyConditions")
	note(p.queryFilter != nil, &legacy, p.filterName)
	note(p.condition != nil, &modern, expr.KindCondition)
	note(p.filter != nil, &modern, expr.KindFilter)
	note(p.keyCondition != nil, &modern, expr.KindKeyCondition)
	note(p.projection != nil, &modern, expr.KindProjection)
	note(p.update != nil, &modern, expr.KindUpdate)
	if len(legacy) > 0 && len(modern) > 0 {
		return nil, expr.MixedParams(legacy, modern)
	}
	if len(modern) == 0 && p.names != nil {
		return nil, expr.NamesWithoutExpression()
	}
	if p.values != nil {
		if exprs, present := p.valueExprs(); !present {
			return nil, expr.ValuesWithoutExpression(exprs...)
		}
	}
	c := &compiled{}
	t := expr.NewTracker(p.names, p.values)
	var err error
	if p.keyCondition != nil {
		if c.key, err = expr.ParseKeyCondition(*p.keyCondition, p.names, p.values, t); err != nil {
			return nil, err
		}
	}
	if p.condition != nil {
		cond, err := expr.ParseCondition(*p.condition, p.names, p.values, t)
		if err != nil {
			return nil, err
		}
		c.cond = cond
	}
	if p.filter != nil {
		f, err := expr.ParseFilter(*p.filter, p.names, p.values, t)
		if err != nil {
			return nil, err
		}
		c.filter = f
	}
	if p.update != nil {
		if c.upd, err = expr.ParseUpdate(*p.update, p.names, p.values, t); err != nil {
			return nil, err
		}
	}
	if p.projection != nil {
		if c.proj, err = expr.ParseProjection(*p.projection, p.names, t); err != nil {
			return nil, err
		}
	}
	if err := t.Unused(); err != nil {
		return nil, err
	}
	if err := compileLegacy(p, c); err != nil {
		return nil, err
	}
	return c, nil
}

// applyProjection projects item when the request had a projection.
func (c *compiled) applyProjection(item attr.Item) attr.Item {
	if c.proj == nil || item == nil {
		return item
	}
	return c.proj.Apply(item)
}
