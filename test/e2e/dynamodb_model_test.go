package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// modelItem is one item of the reference model. Optional attributes are
// absent when zero (V when nil).
type modelItem struct {
	PK   string   `dynamodbav:"pk"`
	SK   int      `dynamodbav:"sk"`
	G    string   `dynamodbav:"g,omitempty"`
	V    *int     `dynamodbav:"v,omitempty"`
	S    string   `dynamodbav:"s,omitempty"`
	Tags []string `dynamodbav:"tags,stringset,omitempty"`
}

func (m *modelItem) clone() *modelItem {
	if m == nil {
		return nil
	}
	c := *m
	if m.V != nil {
		v := *m.V
		c.V = &v
	}
	c.Tags = slices.Clone(m.Tags)
	return &c
}

func modelKey(pk string, sk int) string { return pk + "|" + strconv.Itoa(sk) }

// modelCond is a condition expression together with its meaning on the
// model.
type modelCond struct {
	text string
	cb   expression.ConditionBuilder
	eval func(it *modelItem) bool
}

// ddbModel drives the random sequence against the server and the model.
type ddbModel struct {
	t      *testing.T
	ctx    context.Context
	c      *dynamodb.Client
	r      *rand.Rand
	items  map[string]*modelItem
	counts map[string]int
}

var (
	modelPKs  = []string{"p0", "p1", "p2", "p3", "p4"}
	modelSs   = []string{"a", "ab", "b", "ba", "c"}
	modelGs   = []string{"g0", "g1", "g2"}
	modelTags = []string{"x", "y", "z"}
	// modelSKs mixes signs and magnitudes so that numeric key order differs
	// from text order.
	modelSKs = []int{-1_000_000_000_000, -1000, -99, -12, -10, -9, -2, -1, 0, 1, 2, 3, 9, 10, 11, 12, 19, 20, 21, 99, 100, 101, 1000, 1001,
		123_456_789, 1_000_000_000_000_000, 999_999_999_999_999_999}
)

const modelTable = "model"

// canonAV renders an attribute value deterministically (sets sorted, map
// keys sorted) so two items can be compared as strings.
func canonAV(v ddbtypes.AttributeValue) string {
	switch v := v.(type) {
	case *ddbtypes.AttributeValueMemberS:
		return "S:" + strconv.Quote(v.Value)
	case *ddbtypes.AttributeValueMemberN:
		return "N:" + v.Value
	case *ddbtypes.AttributeValueMemberB:
		return "B:" + fmt.Sprintf("%x", v.Value)
	case *ddbtypes.AttributeValueMemberBOOL:
		return "BOOL:" + strconv.FormatBool(v.Value)
	case *ddbtypes.AttributeValueMemberNULL:
		return "NULL"
	case *ddbtypes.AttributeValueMemberSS:
		s := slices.Clone(v.Value)
		sort.Strings(s)
		return "SS:" + strings.Join(s, ",")
	case *ddbtypes.AttributeValueMemberNS:
		s := slices.Clone(v.Value)
		sort.Strings(s)
		return "NS:" + strings.Join(s, ",")
	case *ddbtypes.AttributeValueMemberL:
		parts := make([]string, len(v.Value))
		for i, e := range v.Value {
			parts[i] = canonAV(e)
		}
		return "L:[" + strings.Join(parts, ",") + "]"
	case *ddbtypes.AttributeValueMemberM:
		return "M:" + canonItem(v.Value)
	default:
		return fmt.Sprintf("?%T", v)
	}
}

func canonItem(m map[string]ddbtypes.AttributeValue) string {
	if m == nil {
		return "<none>"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + canonAV(m[k])
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func (d *ddbModel) canonModel(it *modelItem) string {
	if it == nil {
		return "<none>"
	}
	m, err := attributevalue.MarshalMap(it)
	if err != nil {
		d.t.Fatalf("marshal model item: %v", err)
	}
	return canonItem(m)
}

func (d *ddbModel) key(pk string, sk int) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{"pk": sAttr(pk), "sk": nAttr(strconv.Itoa(sk))}
}

func (d *ddbModel) randKey() (string, int) {
	return modelPKs[d.r.IntN(len(modelPKs))], modelSKs[d.r.IntN(len(modelSKs))]
}

// randItem makes a random item for key pk/sk.
func (d *ddbModel) randItem(pk string, sk int) *modelItem {
	it := &modelItem{PK: pk, SK: sk}
	if d.r.IntN(3) > 0 {
		it.G = modelGs[d.r.IntN(len(modelGs))]
	}
	if d.r.IntN(2) == 0 {
		v := d.r.IntN(21) - 10
		it.V = &v
	}
	if d.r.IntN(2) == 0 {
		it.S = modelSs[d.r.IntN(len(modelSs))]
	}
	if d.r.IntN(3) == 0 {
		it.Tags = d.randTags()
	}
	return it
}

func (d *ddbModel) randTags() []string {
	var tags []string
	for len(tags) == 0 {
		for _, tg := range modelTags {
			if d.r.IntN(2) == 0 {
				tags = append(tags, tg)
			}
		}
	}
	return tags
}

// randCond picks a condition; depth limits nesting of AND/OR/NOT.
func (d *ddbModel) randCond(depth int) modelCond {
	n := d.r.IntN(21) - 10
	switch k := d.r.IntN(10); {
	case k == 0:
		return modelCond{"attribute_exists(pk)", expression.AttributeExists(expression.Name("pk")), func(it *modelItem) bool { return it != nil }}
	case k == 1:
		return modelCond{"attribute_not_exists(pk)", expression.AttributeNotExists(expression.Name("pk")), func(it *modelItem) bool { return it == nil }}
	case k == 2:
		return modelCond{fmt.Sprintf("v < %d", n), expression.Name("v").LessThan(expression.Value(n)),
			func(it *modelItem) bool { return it != nil && it.V != nil && *it.V < n }}
	case k == 3:
		return modelCond{fmt.Sprintf("v >= %d", n), expression.Name("v").GreaterThanEqual(expression.Value(n)),
			func(it *modelItem) bool { return it != nil && it.V != nil && *it.V >= n }}
	case k == 4:
		return modelCond{"attribute_not_exists(g)", expression.AttributeNotExists(expression.Name("g")),
			func(it *modelItem) bool { return it == nil || it.G == "" }}
	case k == 5:
		s := modelSs[d.r.IntN(len(modelSs))]
		return modelCond{"s = " + s, expression.Name("s").Equal(expression.Value(s)),
			func(it *modelItem) bool { return it != nil && it.S == s }}
	case k == 6:
		size := d.r.IntN(3)
		return modelCond{fmt.Sprintf("size(tags) > %d", size), expression.Name("tags").Size().GreaterThan(expression.Value(size)),
			func(it *modelItem) bool { return it != nil && len(it.Tags) > size }}
	case k == 7:
		return modelCond{"begins_with(s, a)", expression.Name("s").BeginsWith("a"),
			func(it *modelItem) bool { return it != nil && strings.HasPrefix(it.S, "a") }}
	case k == 8 && depth > 0:
		a, b := d.randCond(depth-1), d.randCond(depth-1)
		if d.r.IntN(2) == 0 {
			return modelCond{"(" + a.text + " AND " + b.text + ")", a.cb.And(b.cb), func(it *modelItem) bool { return a.eval(it) && b.eval(it) }}
		}
		return modelCond{"(" + a.text + " OR " + b.text + ")", a.cb.Or(b.cb), func(it *modelItem) bool { return a.eval(it) || b.eval(it) }}
	case k == 9 && depth > 0:
		a := d.randCond(depth - 1)
		return modelCond{"NOT " + a.text, a.cb.Not(), func(it *modelItem) bool { return !a.eval(it) }}
	default:
		return modelCond{"attribute_exists(pk)", expression.AttributeExists(expression.Name("pk")), func(it *modelItem) bool { return it != nil }}
	}
}

// modelUpdate is an update expression with its effect on the model; apply
// returns false when the update is invalid for the item (DynamoDB answers
// ValidationException).
type modelUpdate struct {
	text  string
	attrs []string // the attributes the update touches
	ub    expression.UpdateBuilder
	apply func(it *modelItem) bool
}

// randUpdate builds an update with at least one SET or ADD, touching each
// attribute at most once.
func (d *ddbModel) randUpdate(allowInvalid bool) modelUpdate {
	var (
		ub    expression.UpdateBuilder
		texts []string
		steps []func(it *modelItem) bool
	)
	for len(steps) == 0 || d.r.IntN(2) == 0 {
		if len(texts) >= 4 {
			break
		}
		used := strings.Join(texts, " ")
		switch d.r.IntN(8) {
		case 0:
			if strings.Contains(used, " s") || strings.HasPrefix(used, "s") {
				continue
			}
			s := modelSs[d.r.IntN(len(modelSs))]
			ub = ub.Set(expression.Name("s"), expression.Value(s))
			texts = append(texts, "SET s="+s)
			steps = append(steps, func(it *modelItem) bool { it.S = s; return true })
		case 1, 2:
			if strings.Contains(used, " v") {
				continue
			}
			n := d.r.IntN(11) - 5
			ub = ub.Add(expression.Name("v"), expression.Value(n))
			texts = append(texts, fmt.Sprintf("ADD v %d", n))
			steps = append(steps, func(it *modelItem) bool {
				v := n
				if it.V != nil {
					v += *it.V
				}
				it.V = &v
				return true
			})
		case 3:
			if strings.Contains(used, " v") || !allowInvalid {
				continue
			}
			n := d.r.IntN(11) - 5
			ub = ub.Set(expression.Name("v"), expression.Name("v").Plus(expression.Value(n)))
			texts = append(texts, fmt.Sprintf("SET v=v+%d", n))
			steps = append(steps, func(it *modelItem) bool {
				if it.V == nil {
					return false
				}
				v := *it.V + n
				it.V = &v
				return true
			})
		case 4:
			if strings.Contains(used, " g") {
				continue
			}
			if d.r.IntN(2) == 0 {
				g := modelGs[d.r.IntN(len(modelGs))]
				ub = ub.Set(expression.Name("g"), expression.Value(g))
				texts = append(texts, "SET g="+g)
				steps = append(steps, func(it *modelItem) bool { it.G = g; return true })
			} else if len(steps) > 0 {
				ub = ub.Remove(expression.Name("g"))
				texts = append(texts, "REMOVE g")
				steps = append(steps, func(it *modelItem) bool { it.G = ""; return true })
			}
		case 5:
			if strings.Contains(used, " s") {
				continue
			}
			if len(steps) > 0 {
				ub = ub.Remove(expression.Name("s"))
				texts = append(texts, "REMOVE s")
				steps = append(steps, func(it *modelItem) bool { it.S = ""; return true })
			}
		case 6:
			if strings.Contains(used, "tags") {
				continue
			}
			tags := d.randTags()
			ub = ub.Add(expression.Name("tags"), expression.Value(&ddbtypes.AttributeValueMemberSS{Value: tags}))
			texts = append(texts, "ADD tags "+strings.Join(tags, ","))
			steps = append(steps, func(it *modelItem) bool {
				for _, tg := range tags {
					if !slices.Contains(it.Tags, tg) {
						it.Tags = append(it.Tags, tg)
					}
				}
				return true
			})
		case 7:
			if strings.Contains(used, "tags") || len(steps) == 0 {
				continue
			}
			tags := d.randTags()
			ub = ub.Delete(expression.Name("tags"), expression.Value(&ddbtypes.AttributeValueMemberSS{Value: tags}))
			texts = append(texts, "DELETE tags "+strings.Join(tags, ","))
			steps = append(steps, func(it *modelItem) bool {
				it.Tags = slices.DeleteFunc(it.Tags, func(s string) bool { return slices.Contains(tags, s) })
				if len(it.Tags) == 0 {
					it.Tags = nil
				}
				return true
			})
		}
	}
	var attrs []string
	for _, tx := range texts {
		f := strings.Fields(strings.ReplaceAll(tx, "=", " "))
		attrs = append(attrs, f[1])
	}
	return modelUpdate{strings.Join(texts, " "), attrs, ub, func(it *modelItem) bool {
		for _, s := range steps {
			if !s(it) {
				return false
			}
		}
		return true
	}}
}

func (d *ddbModel) build(b expression.Builder) expression.Expression {
	e, err := b.Build()
	if err != nil {
		d.t.Fatalf("build expression: %v", err)
	}
	return e
}

// expectFailedItem checks the item a ConditionalCheckFailedException
// carries when ReturnValuesOnConditionCheckFailure is ALL_OLD.
func (d *ddbModel) expectFailedItem(op string, err error, want *modelItem) {
	d.t.Helper()
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		d.t.Fatalf("%s: err %v, want ConditionalCheckFailedException", op, err)
	}
	d.expectItem(op+" (item returned on failure)", ccf.Item, want)
}

func isCondFailed(err error) bool {
	var ccf *ddbtypes.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

func isValidation(err error) bool {
	var ae interface{ ErrorCode() string }
	return errors.As(err, &ae) && ae.ErrorCode() == "ValidationException"
}

func (d *ddbModel) expectItem(op string, got map[string]ddbtypes.AttributeValue, want *modelItem) {
	d.t.Helper()
	if len(got) == 0 {
		got = nil
	}
	if g, w := canonItem(got), d.canonModel(want); g != w {
		d.t.Fatalf("%s: got %s, want %s", op, g, w)
	}
}

func (d *ddbModel) putItem() {
	pk, sk := d.randKey()
	it := d.randItem(pk, sk)
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		d.t.Fatal(err)
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(modelTable), Item: av, ReturnValues: ddbtypes.ReturnValueAllOld}
	old := d.items[modelKey(pk, sk)]
	ok, desc := true, "unconditional"
	if d.r.IntN(2) == 0 {
		var c modelCond
		if d.r.IntN(2) == 0 {
			c = modelCond{"attribute_not_exists(pk)", expression.AttributeNotExists(expression.Name("pk")), func(it *modelItem) bool { return it == nil }}
		} else {
			c = d.randCond(1)
		}
		e := d.build(expression.NewBuilder().WithCondition(c.cb))
		in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues = e.Condition(), e.Names(), e.Values()
		ok, desc = c.eval(old), c.text
		if d.r.IntN(2) == 0 {
			in.ReturnValuesOnConditionCheckFailure = ddbtypes.ReturnValuesOnConditionCheckFailureAllOld
		}
	}
	out, err := d.c.PutItem(d.ctx, in)
	op := fmt.Sprintf("PutItem %s if %s", d.canonModel(it), desc)
	switch {
	case ok && err != nil:
		d.t.Fatalf("%s: %v", op, err)
	case !ok && !isCondFailed(err):
		d.t.Fatalf("%s: err %v, want ConditionalCheckFailedException", op, err)
	case !ok:
		d.counts["condition failed"]++
		if in.ReturnValuesOnConditionCheckFailure != "" {
			d.expectFailedItem(op, err, old)
		}
	default:
		d.expectItem(op+" old", out.Attributes, old)
		d.items[modelKey(pk, sk)] = it
	}
}

func (d *ddbModel) updateItem() {
	pk, sk := d.randKey()
	u := d.randUpdate(true)
	b := expression.NewBuilder().WithUpdate(u.ub)
	old := d.items[modelKey(pk, sk)]
	ok, desc := true, "always"
	if d.r.IntN(2) == 0 {
		c := d.randCond(1)
		b = b.WithCondition(c.cb)
		ok, desc = c.eval(old), c.text
	}
	e := d.build(b)
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(modelTable), Key: d.key(pk, sk), UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
		ReturnValues: []ddbtypes.ReturnValue{
			ddbtypes.ReturnValueAllNew, ddbtypes.ReturnValueAllOld, ddbtypes.ReturnValueUpdatedNew, ddbtypes.ReturnValueUpdatedOld, ddbtypes.ReturnValueNone,
		}[d.r.IntN(5)],
	}
	if d.r.IntN(2) == 0 {
		in.ReturnValuesOnConditionCheckFailure = ddbtypes.ReturnValuesOnConditionCheckFailureAllOld
	}
	next := old.clone()
	if next == nil {
		next = &modelItem{PK: pk, SK: sk}
	}
	valid := true
	if ok {
		valid = u.apply(next)
	}
	out, err := d.c.UpdateItem(d.ctx, in)
	op := fmt.Sprintf("UpdateItem %s/%d %q if %s (item %s) returning %s", pk, sk, u.text, desc, d.canonModel(old), in.ReturnValues)
	switch {
	case !ok:
		if !isCondFailed(err) {
			d.t.Fatalf("%s: err %v, want ConditionalCheckFailedException", op, err)
		}
		d.counts["UpdateItem condition failed"]++
		if in.ReturnValuesOnConditionCheckFailure != "" {
			d.expectFailedItem(op, err, old)
		}
	case !valid:
		if !isValidation(err) {
			d.t.Fatalf("%s: err %v, want ValidationException", op, err)
		}
		d.counts["UpdateItem invalid"]++
	case err != nil:
		d.t.Fatalf("%s: %v", op, err)
	default:
		d.expectReturned(op, in.ReturnValues, u.attrs, out.Attributes, old, next)
		d.items[modelKey(pk, sk)] = next
	}
}

// expectReturned checks UpdateItem's Attributes for ReturnValues rv.
func (d *ddbModel) expectReturned(op string, rv ddbtypes.ReturnValue, touched []string, got map[string]ddbtypes.AttributeValue, old, next *modelItem) {
	d.t.Helper()
	pick := func(it *modelItem, only []string) string {
		if it == nil {
			return "<none>"
		}
		m, err := attributevalue.MarshalMap(it)
		if err != nil {
			d.t.Fatal(err)
		}
		if only != nil {
			for k := range m {
				if !slices.Contains(only, k) {
					delete(m, k)
				}
			}
		}
		if len(m) == 0 {
			return "<none>"
		}
		return canonItem(m)
	}
	var want string
	switch rv {
	case ddbtypes.ReturnValueAllNew:
		want = pick(next, nil)
	case ddbtypes.ReturnValueAllOld:
		want = pick(old, nil)
	case ddbtypes.ReturnValueUpdatedNew:
		want = pick(next, touched)
	case ddbtypes.ReturnValueUpdatedOld:
		want = pick(old, touched)
	default:
		want = "<none>"
	}
	if len(got) == 0 {
		got = nil
	}
	if g := canonItem(got); g != want {
		d.t.Fatalf("%s: got %s, want %s", op, g, want)
	}
}

func (d *ddbModel) deleteItem() {
	pk, sk := d.randKey()
	old := d.items[modelKey(pk, sk)]
	in := &dynamodb.DeleteItemInput{TableName: aws.String(modelTable), Key: d.key(pk, sk), ReturnValues: ddbtypes.ReturnValueAllOld}
	ok, desc := true, "always"
	if d.r.IntN(3) > 0 {
		c := d.randCond(1)
		e := d.build(expression.NewBuilder().WithCondition(c.cb))
		in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues = e.Condition(), e.Names(), e.Values()
		ok, desc = c.eval(old), c.text
		if d.r.IntN(2) == 0 {
			in.ReturnValuesOnConditionCheckFailure = ddbtypes.ReturnValuesOnConditionCheckFailureAllOld
		}
	}
	out, err := d.c.DeleteItem(d.ctx, in)
	op := fmt.Sprintf("DeleteItem %s/%d if %s (item %s)", pk, sk, desc, d.canonModel(old))
	switch {
	case ok && err != nil:
		d.t.Fatalf("%s: %v", op, err)
	case !ok && !isCondFailed(err):
		d.t.Fatalf("%s: err %v, want ConditionalCheckFailedException", op, err)
	case !ok:
		d.counts["condition failed"]++
		if in.ReturnValuesOnConditionCheckFailure != "" {
			d.expectFailedItem(op, err, old)
		}
	default:
		d.expectItem(op+" old", out.Attributes, old)
		delete(d.items, modelKey(pk, sk))
	}
}

func (d *ddbModel) getItem() {
	pk, sk := d.randKey()
	in := &dynamodb.GetItemInput{TableName: aws.String(modelTable), Key: d.key(pk, sk), ConsistentRead: aws.Bool(d.r.IntN(2) == 0)}
	var proj []string
	if d.r.IntN(3) == 0 {
		for _, a := range []string{"pk", "sk", "g", "v", "s", "tags"} {
			if d.r.IntN(2) == 0 {
				proj = append(proj, a)
			}
		}
		if len(proj) == 0 {
			proj = []string{"v"}
		}
		pb := expression.NamesList(expression.Name(proj[0]))
		for _, a := range proj[1:] {
			pb = pb.AddNames(expression.Name(a))
		}
		e := d.build(expression.NewBuilder().WithProjection(pb))
		in.ProjectionExpression, in.ExpressionAttributeNames = e.Projection(), e.Names()
	}
	out, err := d.c.GetItem(d.ctx, in)
	op := fmt.Sprintf("GetItem %s/%d projection %v", pk, sk, proj)
	if err != nil {
		d.t.Fatalf("%s: %v", op, err)
	}
	want := "<none>"
	if it := d.items[modelKey(pk, sk)]; it != nil {
		m, err := attributevalue.MarshalMap(it)
		if err != nil {
			d.t.Fatal(err)
		}
		if proj != nil {
			for k := range m {
				if !slices.Contains(proj, k) {
					delete(m, k)
				}
			}
		}
		if len(m) > 0 {
			want = canonItem(m)
		}
	}
	got := out.Item
	if len(got) == 0 {
		got = nil
	}
	if g := canonItem(got); g != want {
		d.t.Fatalf("%s: got %s, want %s", op, g, want)
	}
}

// sortedModel returns the model's items in base-table key order.
func (d *ddbModel) sortedModel(keep func(*modelItem) bool) []*modelItem {
	var out []*modelItem
	for _, it := range d.items {
		if keep(it) {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].PK != out[j].PK {
			return out[i].PK < out[j].PK
		}
		return out[i].SK < out[j].SK
	})
	return out
}

func (d *ddbModel) query() {
	pk := modelPKs[d.r.IntN(len(modelPKs))]
	bound := func() int { return modelSKs[d.r.IntN(len(modelSKs))] + d.r.IntN(3) - 1 }
	a, b := bound(), bound()
	if a > b {
		a, b = b, a
	}
	kc := expression.Key("pk").Equal(expression.Value(pk))
	var desc string
	var inRange func(sk int) bool
	switch d.r.IntN(7) {
	case 0:
		desc, inRange = "", func(int) bool { return true }
	case 1:
		desc, inRange, kc = fmt.Sprintf("sk = %d", a), func(sk int) bool { return sk == a }, kc.And(expression.Key("sk").Equal(expression.Value(a)))
	case 2:
		desc, inRange, kc = fmt.Sprintf("sk < %d", a), func(sk int) bool { return sk < a }, kc.And(expression.Key("sk").LessThan(expression.Value(a)))
	case 3:
		desc, inRange, kc = fmt.Sprintf("sk <= %d", a), func(sk int) bool { return sk <= a }, kc.And(expression.Key("sk").LessThanEqual(expression.Value(a)))
	case 4:
		desc, inRange, kc = fmt.Sprintf("sk > %d", a), func(sk int) bool { return sk > a }, kc.And(expression.Key("sk").GreaterThan(expression.Value(a)))
	case 5:
		desc, inRange, kc = fmt.Sprintf("sk >= %d", a), func(sk int) bool { return sk >= a }, kc.And(expression.Key("sk").GreaterThanEqual(expression.Value(a)))
	default:
		desc, inRange, kc = fmt.Sprintf("sk BETWEEN %d AND %d", a, b), func(sk int) bool { return sk >= a && sk <= b },
			kc.And(expression.Key("sk").Between(expression.Value(a), expression.Value(b)))
	}
	bld := expression.NewBuilder().WithKeyCondition(kc)
	filter := func(*modelItem) bool { return true }
	if d.r.IntN(3) == 0 {
		c := d.randCond(1)
		for strings.Contains(c.text, "pk") { // DynamoDB refuses key attributes in a query filter
			c = d.randCond(1)
		}
		bld = bld.WithFilter(c.cb)
		filter = c.eval
		desc += " filter " + c.text
	}
	e := d.build(bld)
	forward := d.r.IntN(2) == 0
	want := d.sortedModel(func(it *modelItem) bool { return it.PK == pk && inRange(it.SK) })
	scanned := len(want)
	want = slices.DeleteFunc(want, func(it *modelItem) bool { return !filter(it) })
	if !forward {
		slices.Reverse(want)
	}
	limit := int32(d.r.IntN(8) + 1)
	in := &dynamodb.QueryInput{
		TableName: aws.String(modelTable), KeyConditionExpression: e.KeyCondition(), FilterExpression: e.Filter(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(), ScanIndexForward: aws.Bool(forward),
		Limit: aws.Int32(limit), ConsistentRead: aws.Bool(true),
	}
	op := fmt.Sprintf("Query %s %s forward=%v limit=%d", pk, desc, forward, limit)
	var got []map[string]ddbtypes.AttributeValue
	var count, scannedCount int32
	pages := 0
	for {
		out, err := d.c.Query(d.ctx, in)
		if err != nil {
			d.t.Fatalf("%s: %v", op, err)
		}
		pages++
		if out.Count != int32(len(out.Items)) || out.ScannedCount > limit || out.Count > out.ScannedCount {
			d.t.Fatalf("%s page %d: Count %d ScannedCount %d items %d", op, pages, out.Count, out.ScannedCount, len(out.Items))
		}
		got = append(got, out.Items...)
		count += out.Count
		scannedCount += out.ScannedCount
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		if pages > 200 {
			d.t.Fatalf("%s: pagination does not end", op)
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	d.expectList(op, got, want)
	if int(count) != len(want) || int(scannedCount) != scanned {
		d.t.Fatalf("%s: Count %d ScannedCount %d, want %d and %d", op, count, scannedCount, len(want), scanned)
	}
}

func (d *ddbModel) expectList(op string, got []map[string]ddbtypes.AttributeValue, want []*modelItem) {
	d.t.Helper()
	g := make([]string, len(got))
	for i, it := range got {
		g[i] = canonItem(it)
	}
	w := make([]string, len(want))
	for i, it := range want {
		w[i] = d.canonModel(it)
	}
	if !slices.Equal(g, w) {
		d.t.Fatalf("%s:\n got  %d items %v\n want %d items %v", op, len(g), g, len(w), w)
	}
}

// queryIndex queries the GSI (hash key only, so order within a partition is
// unspecified: compared as sorted lists).
func (d *ddbModel) queryIndex() {
	g := modelGs[d.r.IntN(len(modelGs))]
	e := d.build(expression.NewBuilder().WithKeyCondition(expression.Key("g").Equal(expression.Value(g))))
	in := &dynamodb.QueryInput{
		TableName: aws.String(modelTable), IndexName: aws.String("by-g"), KeyConditionExpression: e.KeyCondition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(), Limit: aws.Int32(int32(d.r.IntN(20) + 1)),
	}
	var got []map[string]ddbtypes.AttributeValue
	for pages := 0; ; pages++ {
		out, err := d.c.Query(d.ctx, in)
		if err != nil {
			d.t.Fatalf("Query index g=%s: %v", g, err)
		}
		got = append(got, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		if pages > 200 {
			d.t.Fatalf("Query index g=%s: pagination does not end", g)
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	d.expectSet(fmt.Sprintf("Query index g=%s", g), got, d.sortedModel(func(it *modelItem) bool { return it.G == g }))
}

func (d *ddbModel) expectSet(op string, got []map[string]ddbtypes.AttributeValue, want []*modelItem) {
	d.t.Helper()
	g := make([]string, len(got))
	for i, it := range got {
		g[i] = canonItem(it)
	}
	w := make([]string, len(want))
	for i, it := range want {
		w[i] = d.canonModel(it)
	}
	sort.Strings(g)
	sort.Strings(w)
	if !slices.Equal(g, w) {
		d.t.Fatalf("%s:\n got  %d items %v\n want %d items %v", op, len(g), g, len(w), w)
	}
}

// scan reads the table with 1-4 parallel segments, each paginated, with a
// filter sometimes (final says whether this is the closing full check).
func (d *ddbModel) scan(final bool) {
	total := int32(d.r.IntN(4) + 1)
	limit := int32(d.r.IntN(40) + 10)
	filter, desc := func(*modelItem) bool { return true }, ""
	var fe *string
	var names map[string]string
	var values map[string]ddbtypes.AttributeValue
	if !final && d.r.IntN(2) == 0 {
		c := d.randCond(1)
		e := d.build(expression.NewBuilder().WithFilter(c.cb))
		fe, names, values = e.Filter(), e.Names(), e.Values()
		filter, desc = c.eval, " filter "+c.text
	}
	var got []map[string]ddbtypes.AttributeValue
	var scanned, count int32
	for seg := int32(0); seg < total; seg++ {
		in := &dynamodb.ScanInput{
			TableName: aws.String(modelTable), Segment: aws.Int32(seg), TotalSegments: aws.Int32(total), Limit: aws.Int32(limit),
			ConsistentRead: aws.Bool(true), FilterExpression: fe, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
		}
		for pages := 0; ; pages++ {
			out, err := d.c.Scan(d.ctx, in)
			if err != nil {
				d.t.Fatalf("Scan segment %d/%d%s: %v", seg, total, desc, err)
			}
			got = append(got, out.Items...)
			scanned += out.ScannedCount
			count += out.Count
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			if pages > 200 {
				d.t.Fatalf("Scan segment %d/%d: pagination does not end", seg, total)
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
		}
	}
	all := d.sortedModel(func(*modelItem) bool { return true })
	want := d.sortedModel(filter)
	op := fmt.Sprintf("Scan %d segments limit %d%s", total, limit, desc)
	d.expectSet(op, got, want)
	if int(scanned) != len(all) || int(count) != len(want) {
		d.t.Fatalf("%s: Count %d ScannedCount %d, want %d and %d", op, count, scanned, len(want), len(all))
	}
}

// distinctKeys picks n distinct random keys.
func (d *ddbModel) distinctKeys(n int) [][2]any {
	seen := map[string]bool{}
	var out [][2]any
	for len(out) < n {
		pk, sk := d.randKey()
		if seen[modelKey(pk, sk)] {
			continue
		}
		seen[modelKey(pk, sk)] = true
		out = append(out, [2]any{pk, sk})
	}
	return out
}

func (d *ddbModel) batchWrite() {
	var reqs []ddbtypes.WriteRequest
	type change struct {
		k  string
		it *modelItem
	}
	var changes []change
	for _, k := range d.distinctKeys(d.r.IntN(25) + 1) {
		pk, sk := k[0].(string), k[1].(int)
		if d.r.IntN(3) == 0 {
			reqs = append(reqs, ddbtypes.WriteRequest{DeleteRequest: &ddbtypes.DeleteRequest{Key: d.key(pk, sk)}})
			changes = append(changes, change{modelKey(pk, sk), nil})
			continue
		}
		it := d.randItem(pk, sk)
		av, err := attributevalue.MarshalMap(it)
		if err != nil {
			d.t.Fatal(err)
		}
		reqs = append(reqs, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: av}})
		changes = append(changes, change{modelKey(pk, sk), it})
	}
	out, err := d.c.BatchWriteItem(d.ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{modelTable: reqs}})
	if err != nil {
		d.t.Fatalf("BatchWriteItem of %d: %v", len(reqs), err)
	}
	if len(out.UnprocessedItems) != 0 {
		d.t.Fatalf("BatchWriteItem left %d tables unprocessed", len(out.UnprocessedItems))
	}
	for _, c := range changes {
		if c.it == nil {
			delete(d.items, c.k)
		} else {
			d.items[c.k] = c.it
		}
	}
}

// transactWrite runs 2-4 actions on distinct keys; the transaction fails
// as a whole when any condition is false.
func (d *ddbModel) transactWrite() {
	keys := d.distinctKeys(d.r.IntN(3) + 2)
	var items []ddbtypes.TransactWriteItem
	var wantCodes, descs []string
	next := map[string]*modelItem{}
	failed := false
	var wantRV []bool     // whether the cancellation reason carries the item
	var olds []*modelItem // the items before the transaction
	for _, k := range keys {
		pk, sk := k[0].(string), k[1].(int)
		mk := modelKey(pk, sk)
		old := d.items[mk]
		c := d.randCond(1)
		action := d.r.IntN(7) % 4 // ConditionCheck (3) less often than writes
		withCond := action == 3 || d.r.IntN(4) == 0
		ok := !withCond || c.eval(old)
		if !ok {
			failed = true
			wantCodes = append(wantCodes, "ConditionalCheckFailed")
		} else {
			wantCodes = append(wantCodes, "None")
		}
		condExpr := func(b expression.Builder) expression.Builder {
			if withCond {
				return b.WithCondition(c.cb)
			}
			return b
		}
		cdesc := "always"
		if withCond {
			cdesc = c.text
		}
		switch action {
		case 0:
			it := d.randItem(pk, sk)
			av, err := attributevalue.MarshalMap(it)
			if err != nil {
				d.t.Fatal(err)
			}
			p := &ddbtypes.Put{TableName: aws.String(modelTable), Item: av}
			if withCond {
				e := d.build(condExpr(expression.NewBuilder()))
				p.ConditionExpression, p.ExpressionAttributeNames, p.ExpressionAttributeValues = e.Condition(), e.Names(), e.Values()
			}
			items = append(items, ddbtypes.TransactWriteItem{Put: p})
			next[mk] = it
			descs = append(descs, fmt.Sprintf("Put %s if %s", d.canonModel(it), cdesc))
		case 1:
			u := d.randUpdate(false)
			e := d.build(condExpr(expression.NewBuilder().WithUpdate(u.ub)))
			items = append(items, ddbtypes.TransactWriteItem{Update: &ddbtypes.Update{
				TableName: aws.String(modelTable), Key: d.key(pk, sk), UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
				ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
			}})
			it := old.clone()
			if it == nil {
				it = &modelItem{PK: pk, SK: sk}
			}
			if ok && !u.apply(it) {
				d.t.Fatalf("transaction update %q is invalid", u.text)
			}
			next[mk] = it
			descs = append(descs, fmt.Sprintf("Update %s/%d %q if %s (item %s)", pk, sk, u.text, cdesc, d.canonModel(old)))
		case 2:
			del := &ddbtypes.Delete{TableName: aws.String(modelTable), Key: d.key(pk, sk)}
			if withCond {
				e := d.build(condExpr(expression.NewBuilder()))
				del.ConditionExpression, del.ExpressionAttributeNames, del.ExpressionAttributeValues = e.Condition(), e.Names(), e.Values()
			}
			items = append(items, ddbtypes.TransactWriteItem{Delete: del})
			next[mk] = nil
			descs = append(descs, fmt.Sprintf("Delete %s/%d if %s (item %s)", pk, sk, cdesc, d.canonModel(old)))
		default:
			e := d.build(expression.NewBuilder().WithCondition(c.cb))
			items = append(items, ddbtypes.TransactWriteItem{ConditionCheck: &ddbtypes.ConditionCheck{
				TableName: aws.String(modelTable), Key: d.key(pk, sk), ConditionExpression: e.Condition(),
				ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
			}})
			next[mk] = old
			descs = append(descs, fmt.Sprintf("ConditionCheck %s/%d %s (item %s)", pk, sk, c.text, d.canonModel(old)))
		}
		rv := withCond && d.r.IntN(2) == 0
		if rv {
			all := ddbtypes.ReturnValuesOnConditionCheckFailureAllOld
			switch x := items[len(items)-1]; {
			case x.Put != nil:
				x.Put.ReturnValuesOnConditionCheckFailure = all
			case x.Update != nil:
				x.Update.ReturnValuesOnConditionCheckFailure = all
			case x.Delete != nil:
				x.Delete.ReturnValuesOnConditionCheckFailure = all
			case x.ConditionCheck != nil:
				x.ConditionCheck.ReturnValuesOnConditionCheckFailure = all
			}
		}
		wantRV = append(wantRV, rv && !ok)
		olds = append(olds, old)
	}
	_, err := d.c.TransactWriteItems(d.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	op := "TransactWriteItems [" + strings.Join(descs, "; ") + "]"
	switch {
	case failed:
		var tce *ddbtypes.TransactionCanceledException
		if !errors.As(err, &tce) {
			d.t.Fatalf("%s: err %v, want TransactionCanceledException %v", op, err, wantCodes)
		}
		var codes []string
		for _, r := range tce.CancellationReasons {
			codes = append(codes, aws.ToString(r.Code))
		}
		if !slices.Equal(codes, wantCodes) {
			d.t.Fatalf("%s: cancellation reasons %v, want %v", op, codes, wantCodes)
		}
		for i, r := range tce.CancellationReasons {
			if wantRV[i] {
				d.expectItem(fmt.Sprintf("%s: cancellation reason %d item", op, i), r.Item, olds[i])
			} else if len(r.Item) != 0 {
				d.t.Fatalf("%s: cancellation reason %d carries item %s, want none", op, i, canonItem(r.Item))
			}
		}
		d.counts["TransactWriteItems cancelled"]++
	case err != nil:
		d.t.Fatalf("%s: %v", op, err)
	default:
		for k, it := range next {
			if it == nil {
				delete(d.items, k)
			} else {
				d.items[k] = it
			}
		}
	}
}

func createModelTable(t *testing.T, ctx context.Context, client *dynamodb.Client) {
	t.Helper()
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(modelTable),
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: ddbtypes.KeyTypeRange},
		},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeN},
			{AttributeName: aws.String("g"), AttributeType: ddbtypes.ScalarAttributeTypeS},
		},
		BillingMode: ddbtypes.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{{
			IndexName:  aws.String("by-g"),
			KeySchema:  []ddbtypes.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: ddbtypes.KeyTypeHash}},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := dynamodb.NewTableExistsWaiter(client).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(modelTable)}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}

// TestDynamoDBModel runs a seeded random sequence of operations against the
// server and an in-test reference model; every answer must agree with the
// model exactly. UNKAI_DDB_SEED=<n> replays a sequence, UNKAI_DDB_OPS=<n>
// changes its length.
func TestDynamoDBModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("UNKAI_DDB_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("UNKAI_DDB_SEED=%q: %v", s, err)
		}
		seed = v
	}
	ops := 2000
	if s := os.Getenv("UNKAI_DDB_OPS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("UNKAI_DDB_OPS=%q: %v", s, err)
		}
		ops = v
	}
	t.Logf("seed %d (replay with UNKAI_DDB_SEED=%d)", seed, seed)

	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createModelTable(t, ctx, client)
	d := &ddbModel{t: t, ctx: ctx, c: client, r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		items: map[string]*modelItem{}, counts: map[string]int{}}

	type weighted struct {
		name string
		w    int
		f    func()
	}
	table := []weighted{
		{"PutItem", 20, d.putItem}, {"UpdateItem", 20, d.updateItem}, {"DeleteItem", 10, d.deleteItem},
		{"GetItem", 15, d.getItem}, {"Query", 12, d.query}, {"QueryIndex", 4, d.queryIndex}, {"Scan", 2, func() { d.scan(false) }},
		{"BatchWriteItem", 5, d.batchWrite}, {"TransactWriteItems", 12, d.transactWrite},
	}
	totalW := 0
	for _, w := range table {
		totalW += w.w
	}
	for i := 0; i < ops; i++ {
		n := d.r.IntN(totalW)
		for _, w := range table {
			if n < w.w {
				d.counts[w.name]++
				w.f()
				break
			}
			n -= w.w
		}
	}
	d.scan(true)
	t.Logf("%d operations %v; %d items at the end", ops, d.counts, len(d.items))
}

// TestDynamoDBModelRejects checks requests on the model table that DynamoDB
// refuses as a whole, leaving the table unchanged.
func TestDynamoDBModelRejects(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createModelTable(t, ctx, client)
	key := func(pk, sk string) map[string]ddbtypes.AttributeValue {
		return map[string]ddbtypes.AttributeValue{"pk": sAttr(pk), "sk": nAttr(sk)}
	}
	if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(modelTable), Item: key("p", "1")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		msg  string
	}{
		{"BatchWriteItem duplicate keys", func() error {
			_, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{modelTable: {
				{PutRequest: &ddbtypes.PutRequest{Item: key("q", "1")}}, {DeleteRequest: &ddbtypes.DeleteRequest{Key: key("q", "1.0")}},
			}}})
			return err
		}, "Provided list of item keys contains duplicates"},
		{"TransactWriteItems two actions on one item", func() error {
			_, err := client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{
				{Put: &ddbtypes.Put{TableName: aws.String(modelTable), Item: key("q", "2")}},
				{Delete: &ddbtypes.Delete{TableName: aws.String(modelTable), Key: key("q", "2")}},
			}})
			return err
		}, "Transaction request cannot include multiple operations on one item"},
		{"UpdateItem of a key attribute", func() error {
			_, err := client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(modelTable), Key: key("p", "1"),
				UpdateExpression: aws.String("SET sk = :v"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":v": nAttr("2")}})
			return err
		}, "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"},
		{"PutItem with an index key of the wrong type", func() error {
			it := key("q", "3")
			it["g"] = nAttr("1")
			_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(modelTable), Item: it})
			return err
		}, "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: by-g"},
		{"Query without the partition key", func() error {
			_, err := client.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(modelTable), KeyConditionExpression: aws.String("sk = :v"),
				ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":v": nAttr("1")}})
			return err
		}, "Query condition missed key schema element: pk"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ae := apiError(t, tc.call(), "ValidationException", 400)
			if ae.ErrorMessage() != tc.msg {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
	out, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(modelTable)})
	if err != nil || out.Count != 1 {
		t.Fatalf("after rejected requests: scan = %v, %v; want the one item", out, err)
	}
}
