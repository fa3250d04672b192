package dynamodb

import "github.com/unkai-cloud/unkai/internal/services/dynamodb/expr"

// compileLegacy converts the legacy parameters (Expected, AttributeUpdates,
// AttributesToGet, KeyConditions, QueryFilter/ScanFilter) of a request; a
// request never carries both these and expressions (compile checks).
func compileLegacy(p exprParams, c *compiled) error {
	var err error
	if p.attrsToGet != nil {
		c.proj = expr.FromAttributesToGet(p.attrsToGet)
	}
	if p.expected != nil {
		cond, err := expr.FromExpected(p.expected, p.conditionalOp)
		if err != nil {
			return err
		}
		c.cond = cond
	}
	if p.queryFilter != nil {
		f, err := expr.FromFilter(p.queryFilter, p.conditionalOp)
		if err != nil {
			return err
		}
		c.filter = f
	}
	if p.attrUpdates != nil {
		if c.upd, err = expr.FromAttributeUpdates(p.attrUpdates); err != nil {
			return err
		}
	}
	if p.keyConditions != nil {
		if c.key, err = expr.FromKeyConditions(p.keyConditions); err != nil {
			return err
		}
	}
	return nil
}
