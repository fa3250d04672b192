package dynamodb

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

const ttlTable = `{"TableName":"tbl","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],
	"GlobalSecondaryIndexes":[{"IndexName":"byg","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],
	"BillingMode":"PAY_PER_REQUEST"}`

// countKeys counts the stored keys under prefix.
func (f *fixture) countKeys(tb testing.TB, prefix []byte) int {
	tb.Helper()
	start, end := storage.PrefixRange(prefix)
	it := f.p.store.Scan(f.ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	n := 0
	for it.Next() {
		n++
	}
	if err := it.Err(); err != nil {
		tb.Fatal(err)
	}
	return n
}

// sweep runs one synchronous TTL pass.
func (f *fixture) sweep(tb testing.TB) {
	tb.Helper()
	if err := f.p.sweepTTL(f.ctx); err != nil {
		tb.Fatal(err)
	}
}

func TestTimeToLiveSettings(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	upd := func(enabled bool, name string) string {
		return fmt.Sprintf(`{"TableName":"tbl","TimeToLiveSpecification":{"Enabled":%v,"AttributeName":%q}}`, enabled, name)
	}
	f.run(t, []wireCase{
		{"DescribeTimeToLive", `{"TableName":"tbl"}`, 200, []string{`{"TimeToLiveDescription":{"TimeToLiveStatus":"DISABLED"}}`}, nil},
		{"DescribeTimeToLive", `{"TableName":"nope"}`, 400, []string{"ResourceNotFoundException", "Requested resource not found: Table: nope not found"}, nil},
		{"UpdateTimeToLive", `{"TableName":"nope","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"UpdateTimeToLive", `{"TableName":"tbl"}`, 400, []string{"ValidationException", "timeToLiveSpecification"}, nil},
		{"UpdateTimeToLive", upd(false, "exp"), 400, []string{"ValidationException", msgTTLAlreadyDisabled}, nil},
		{"UpdateTimeToLive", upd(true, "exp"), 200, []string{`{"TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`}, nil},
		{"DescribeTimeToLive", `{"TableName":"tbl"}`, 200, []string{`"TimeToLiveStatus":"ENABLED"`, `"AttributeName":"exp"`}, nil},
		{"UpdateTimeToLive", upd(true, "exp"), 400, []string{"ValidationException", msgTTLAlreadyEnabled}, nil},
		// Another attribute while enabled names the current one (DDB-TABLE-147).
		{"UpdateTimeToLive", upd(true, "other"), 400, []string{"ValidationException", "TimeToLive is active on a different AttributeName: current AttributeName is exp"}, nil},
		{"UpdateTimeToLive", upd(false, "other"), 400, []string{"TimeToLive is active on a different AttributeName: current AttributeName is exp"}, nil},
		{"UpdateTimeToLive", upd(false, "exp"), 200, []string{`"Enabled":false`}, nil},
		{"DescribeTimeToLive", `{"TableName":"tbl"}`, 200, []string{`"TimeToLiveStatus":"DISABLED"`}, []string{"exp"}},
		{"UpdateTimeToLive", upd(true, "exp2"), 200, nil, nil},
		{"DescribeTimeToLive", `{"TableName":"tbl"}`, 200, []string{`"AttributeName":"exp2"`}, nil},
	})
}

func TestTimeToLiveExpiry(t *testing.T) {
	now := epoch.Unix()
	tests := []struct {
		name    string
		value   string // the TTL attribute as JSON, "" for none
		expired bool
	}{
		{"past", fmt.Sprintf(`{"N":"%d"}`, now-10), true},
		{"just-past", fmt.Sprintf(`{"N":"%d"}`, now-1), true},
		{"now", fmt.Sprintf(`{"N":"%d"}`, now), false},
		{"fraction-past", fmt.Sprintf(`{"N":"%d.75"}`, now-1), true},
		{"exponent-past", `{"N":"1.7e9"}`, true},
		{"future", fmt.Sprintf(`{"N":"%d"}`, now+3600), false},
		{"four-years-ago", fmt.Sprintf(`{"N":"%d"}`, now-4*365*86400), true},
		{"six-years-ago", fmt.Sprintf(`{"N":"%d"}`, now-6*365*86400), false},
		{"negative", `{"N":"-5"}`, false},
		{"huge", `{"N":"1e40"}`, false},
		{"string", fmt.Sprintf(`{"S":"%d"}`, now-10), false},
		{"set", fmt.Sprintf(`{"NS":["%d"]}`, now-10), false},
		{"missing", "", false},
	}
	put := func(f *fixture, prefix string) {
		for _, tt := range tests {
			item := fmt.Sprintf(`"pk":{"S":"%s-%s"},"g":{"S":"all"}`, prefix, tt.name)
			if tt.value != "" {
				item += `,"exp":` + tt.value
			}
			f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{`+item+`}}`)
		}
	}
	check := func(f *fixture, prefix string, enabled bool) {
		t.Helper()
		for _, tt := range tests {
			body := f.mustCall(t, "GetItem", fmt.Sprintf(`{"TableName":"tbl","Key":{"pk":{"S":"%s-%s"}}}`, prefix, tt.name))
			gone := enabled && tt.expired
			if got := !strings.Contains(body, `"Item"`); got != gone {
				t.Errorf("%s-%s: gone = %v, want %v", prefix, tt.name, got, gone)
			}
		}
	}
	f := newFixture(t)
	f.mustCall(t, "CreateTable", ttlTable)
	put(f, "before") // present when TTL is enabled: backfilled
	f.sweep(t)
	check(f, "before", false)
	f.mustCall(t, "UpdateTimeToLive", `{"TableName":"tbl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`)
	put(f, "after") // written with TTL enabled: indexed by the write
	// Until the sweeper runs, expired items are still returned.
	f.run(t, []wireCase{{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"after-past"}}}`, 200, []string{`"Item"`}, nil}})
	f.sweep(t)
	check(f, "before", true)
	check(f, "after", true)

	expired := 0
	for _, tt := range tests {
		if tt.expired {
			expired++
		}
	}
	left := 2 * (len(tests) - expired)
	f.run(t, []wireCase{
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{fmt.Sprintf(`"ItemCount":%d`, left)}, nil},
		{"Query", `{"TableName":"tbl","IndexName":"byg","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"all"}},"Select":"COUNT"}`,
			200, []string{fmt.Sprintf(`"Count":%d`, left)}, nil},
	})

	// Extending an item's TTL before it is due keeps it; the rest expire
	// as the clock passes them.
	f.mustCall(t, "UpdateItem", fmt.Sprintf(`{"TableName":"tbl","Key":{"pk":{"S":"after-future"}},"UpdateExpression":"SET exp = :e","ExpressionAttributeValues":{":e":{"N":"%d"}}}`, now+86400))
	f.clk.Advance(2 * time.Hour)
	f.sweep(t)
	f.run(t, []wireCase{
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"before-future"}}}`, 200, nil, []string{`"Item"`}},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"before-now"}}}`, 200, nil, []string{`"Item"`}},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"after-future"}}}`, 200, []string{`"Item"`}, nil},
	})

	// Disabling drops the index; expired items then stay.
	f.mustCall(t, "UpdateTimeToLive", `{"TableName":"tbl","TimeToLiveSpecification":{"Enabled":false,"AttributeName":"exp"}}`)
	f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"tbl","Item":{"pk":{"S":"late"},"exp":{"N":"%d"}}}`, now))
	f.sweep(t)
	sc := scope.From(f.ctx)
	if n := f.countKeys(t, ttlPrefix(sc, "tbl")); n != 0 {
		t.Errorf("%d expiry entries after disabling TTL", n)
	}
	if n := f.countKeys(t, storage.Key(Name, "jobs", jobTTL)); n != 0 {
		t.Errorf("%d ttl jobs after disabling TTL", n)
	}
	f.run(t, []wireCase{{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"late"}}}`, 200, []string{`"Item"`}, nil}})

	// Enabling again backfills; deleting the table drops everything.
	f.mustCall(t, "UpdateTimeToLive", `{"TableName":"tbl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`)
	f.sweep(t)
	f.run(t, []wireCase{{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"late"}}}`, 200, nil, []string{`"Item"`}}})
	// after-future, and the two six-years-ago items that never expire.
	if n := f.countKeys(t, ttlPrefix(sc, "tbl")); n != 3 {
		t.Errorf("%d expiry entries, want 3", n)
	}
	f.mustCall(t, "DeleteTable", `{"TableName":"tbl"}`)
	if n := f.countKeys(t, ttlPrefix(sc, "tbl")) + f.countKeys(t, storage.Key(Name, "jobs")); n != 0 {
		t.Errorf("%d ttl keys after DeleteTable", n)
	}
}

// TestTimeToLiveBackfillBatches checks a backfill larger than one batch,
// with writes landing between the enable and the sweep.
func TestTimeToLiveBackfillBatches(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	past := epoch.Unix() - 60
	n := ttlBatch*2 + 7
	for i := 0; i < n; i++ {
		exp := past
		if i%2 == 1 {
			exp = past + 7200
		}
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"tbl","Item":{"pk":{"S":"k%04d"},"exp":{"N":"%d"}}}`, i, exp))
	}
	f.mustCall(t, "UpdateTimeToLive", `{"TableName":"tbl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`)
	f.mustCall(t, "DeleteItem", `{"TableName":"tbl","Key":{"pk":{"S":"k0000"}}}`)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"k0002"}}}`) // TTL removed
	f.sweep(t)
	want := n/2 + 1
	f.run(t, []wireCase{{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{fmt.Sprintf(`"ItemCount":%d`, want)}, nil}})
	f.clk.Advance(3 * time.Hour)
	f.sweep(t)
	f.run(t, []wireCase{{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"ItemCount":1,`}, nil}})
}

func FuzzTTLEpoch(f *testing.F) {
	for _, s := range []string{"0", "1767323045", "1767323045.999", "-1", "1e40", "1.7e9", "18446744073709551615", "18446744073709551616", "1e-130"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := attr.ParseNumber(s)
		if err != nil {
			return // only valid numbers are ever stored
		}
		canon := n.String()
		e, ok := ttlEpoch(attr.Item{"exp": {N: &canon}}, "exp")
		fl, _ := strconv.ParseFloat(canon, 64)
		switch {
		case fl < 0 && ok:
			t.Fatalf("%s: negative value expires at %d", s, e)
		case ok && math.Abs(float64(e)-math.Floor(fl)) > 1+fl*1e-12:
			t.Fatalf("%s: epoch %d, want about %v", s, e, math.Floor(fl))
		case !ok && fl >= 1 && fl < 1e18:
			t.Fatalf("%s: a usable value was refused", s)
		}
	})
}
