package partiql

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/expr"
)

// TestExpressionsParse runs every expression the translate tests generate
// through the expr package, as the engine will, and checks that no
// placeholder is left unused.
func TestExpressionsParse(t *testing.T) {
	for _, tc := range translateCases {
		t.Run(tc.stmt, func(t *testing.T) {
			r, err := Translate(tc.stmt, pParams(tc.stmt), testSchema)
			if err != nil {
				t.Fatalf("Translate: %v", err)
			}
			if err := parseRequest(r); err != nil {
				t.Errorf("%s: %v", summary(r), err)
			}
		})
	}
}

// parseRequest parses a request's expressions with the parser the engine
// uses for each field, then checks for unused placeholders.
func parseRequest(r *Request) error {
	type step func(names expr.Names, values expr.Values, tr *expr.Tracker) error
	var names map[string]string
	var values map[string]dynamodbapi.AttributeValue
	var steps []step
	cond := func(p *string, filter bool) {
		if p == nil {
			return
		}
		steps = append(steps, func(n expr.Names, v expr.Values, tr *expr.Tracker) error {
			var err error
			if filter {
				_, err = expr.ParseFilter(*p, n, v, tr)
			} else {
				_, err = expr.ParseCondition(*p, n, v, tr)
			}
			return err
		})
	}
	proj := func(p *string) {
		if p == nil {
			return
		}
		steps = append(steps, func(n expr.Names, _ expr.Values, tr *expr.Tracker) error {
			_, err := expr.ParseProjection(*p, n, tr)
			return err
		})
	}
	switch {
	case r.GetItem != nil:
		names = r.GetItem.ExpressionAttributeNames
		proj(r.GetItem.ProjectionExpression)
	case r.Query != nil:
		q := r.Query
		names, values = q.ExpressionAttributeNames, q.ExpressionAttributeValues
		steps = append(steps, func(n expr.Names, v expr.Values, tr *expr.Tracker) error {
			_, err := expr.ParseKeyCondition(*q.KeyConditionExpression, n, v, tr)
			return err
		})
		cond(q.FilterExpression, true)
		proj(q.ProjectionExpression)
	case r.Scan != nil:
		names, values = r.Scan.ExpressionAttributeNames, r.Scan.ExpressionAttributeValues
		cond(r.Scan.FilterExpression, true)
		proj(r.Scan.ProjectionExpression)
	case r.Put != nil:
		names, values = r.Put.ExpressionAttributeNames, r.Put.ExpressionAttributeValues
		cond(r.Put.ConditionExpression, false)
	case r.Update != nil:
		u := r.Update
		names, values = u.ExpressionAttributeNames, u.ExpressionAttributeValues
		steps = append(steps, func(n expr.Names, v expr.Values, tr *expr.Tracker) error {
			_, err := expr.ParseUpdate(*u.UpdateExpression, n, v, tr)
			return err
		})
		cond(u.ConditionExpression, false)
	case r.Delete != nil:
		names, values = r.Delete.ExpressionAttributeNames, r.Delete.ExpressionAttributeValues
		cond(r.Delete.ConditionExpression, false)
	case r.ConditionCheck != nil:
		c := r.ConditionCheck
		names, values = c.ExpressionAttributeNames, c.ExpressionAttributeValues
		cond(c.ConditionExpression, false)
	}
	tr := expr.NewTracker(names, values)
	for _, s := range steps {
		if err := s(names, values, tr); err != nil {
			return err
		}
	}
	return tr.Unused()
}
