package partiql

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// requestExpressions returns the expression strings a request carries,
// with its name and value maps.
func requestExpressions(r *Request) ([]string, map[string]string, map[string]dynamodbapi.AttributeValue) {
	var out []string
	add := func(ps ...*string) {
		for _, p := range ps {
			if p != nil {
				out = append(out, *p)
			}
		}
	}
	switch {
	case r.GetItem != nil:
		add(r.GetItem.ProjectionExpression)
		return out, r.GetItem.ExpressionAttributeNames, nil
	case r.Query != nil:
		q := r.Query
		add(q.KeyConditionExpression, q.FilterExpression, q.ProjectionExpression)
		return out, q.ExpressionAttributeNames, q.ExpressionAttributeValues
	case r.Scan != nil:
		s := r.Scan
		add(s.FilterExpression, s.ProjectionExpression)
		return out, s.ExpressionAttributeNames, s.ExpressionAttributeValues
	case r.Put != nil:
		add(r.Put.ConditionExpression)
		return out, r.Put.ExpressionAttributeNames, r.Put.ExpressionAttributeValues
	case r.Update != nil:
		u := r.Update
		add(u.UpdateExpression, u.ConditionExpression)
		return out, u.ExpressionAttributeNames, u.ExpressionAttributeValues
	case r.Delete != nil:
		add(r.Delete.ConditionExpression)
		return out, r.Delete.ExpressionAttributeNames, r.Delete.ExpressionAttributeValues
	case r.ConditionCheck != nil:
		c := r.ConditionCheck
		add(c.ConditionExpression)
		return out, c.ExpressionAttributeNames, c.ExpressionAttributeValues
	}
	return nil, nil, nil
}
