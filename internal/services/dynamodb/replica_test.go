package dynamodb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/region"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// in returns a fixture on the same provider that sends its requests to
// another region of the same account.
func (f *fixture) in(region string) *fixture {
	g := *f
	g.ctx = scope.With(f.ctx, scope.Scope{Account: testAccount, Region: region})
	return &g
}

// dump returns every stored key and value under the table's items and
// index prefixes in region, with the region part of the keys dropped, so
// replicas can be compared byte for byte.
func (f *fixture) dump(tb testing.TB, region, table string) map[string]string {
	tb.Helper()
	sc := scope.Scope{Account: testAccount, Region: region}
	out := map[string]string{}
	for _, prefix := range [][]byte{itemsPrefix(sc, table), indexesPrefix(sc, table)} {
		start, end := storage.PrefixRange(prefix)
		it := f.p.store.Scan(f.ctx, start, end, storage.ScanOptions{})
		for it.Next() {
			k := bytes.Replace(it.Key(), []byte(region), []byte("R"), 1)
			out[string(k)] = string(it.Value())
		}
		if err := it.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

// sameReplicas fails unless every region holds exactly the items, index
// entries and counters of the first.
func (f *fixture) sameReplicas(tb testing.TB, table string, regions ...string) {
	tb.Helper()
	want := f.dump(tb, regions[0], table)
	wantStats, err := loadStats(f.ctx, f.p.store, scope.Scope{Account: testAccount, Region: regions[0]}, table)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range regions[1:] {
		got := f.dump(tb, r, table)
		if len(got) != len(want) {
			tb.Fatalf("%s holds %d keys, %s %d", r, len(got), regions[0], len(want))
		}
		for k, v := range want {
			if got[k] != v {
				tb.Fatalf("%s differs from %s at %q", r, regions[0], k)
			}
		}
		st, err := loadStats(f.ctx, f.p.store, scope.Scope{Account: testAccount, Region: r}, table)
		if err != nil {
			tb.Fatal(err)
		}
		if st.Table != wantStats.Table || fmt.Sprint(st.Indexes) != fmt.Sprint(wantStats.Indexes) {
			tb.Fatalf("%s counters %+v, %s %+v", r, st, regions[0], wantStats)
		}
	}
}

const globalTable = `{"TableName":"gtb","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"color","AttributeType":"S"}],
	"GlobalSecondaryIndexes":[{"IndexName":"by-color","KeySchema":[{"AttributeName":"color","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],
	"BillingMode":"PAY_PER_REQUEST"}`

// replicaUpdate is an UpdateTable body with one replica action.
func replicaUpdate(table, action, region string) string {
	return fmt.Sprintf(`{"TableName":%q,"ReplicaUpdates":[{%q:{"RegionName":%q}}]}`, table, action, region)
}

func TestReplicaUpdatesValidation(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", globalTable)
	f.mustCall(t, "CreateTable", `{"TableName":"prov","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}`)
	f.in("ap-northeast-1").mustCall(t, "CreateTable", `{"TableName":"taken","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`)
	f.mustCall(t, "CreateTable", `{"TableName":"taken","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST",
		"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}}`)
	bad := http.StatusBadRequest
	f.run(t, []wireCase{
		{"UpdateTable", replicaUpdate("gtb", "Create", testRegion), bad, []string{"ValidationException", msgReplicaLocal}, nil},
		{"UpdateTable", replicaUpdate("gtb", "Delete", testRegion), bad, []string{msgReplicaLocal}, nil},
		{"UpdateTable", replicaUpdate("gtb", "Create", "us-fake-1"), bad,
			[]string{"Region us-fake-1 is not supported. The latest version of global tables are only supported in the following regions: [", "us-east-1"}, nil},
		{"UpdateTable", replicaUpdate("gtb", "Create", "EU-WEST-2"), bad, []string{"Region EU-WEST-2 is not supported"}, nil},
		{"UpdateTable", `{"TableName":"gtb","ReplicaUpdates":[{}]}`, bad, []string{msgReplicaNoAction}, nil},
		{"UpdateTable", replicaUpdate("gtb", "Update", "us-east-1"), bad, []string{msgReplicaNoAction}, nil},
		{"UpdateTable", `{"TableName":"gtb","ReplicaUpdates":[{"Create":{"RegionName":"us-east-1"},"Delete":{"RegionName":"us-east-1"}}]}`,
			bad, []string{msgReplicaActionTypes}, nil},
		{"UpdateTable", `{"TableName":"gtb","ReplicaUpdates":[{"Create":{"RegionName":"us-east-1"}},{"Create":{"RegionName":"us-west-2"}}]}`,
			bad, []string{msgReplicaManyActions}, nil},
		{"UpdateTable", `{"TableName":"gtb","ReplicaUpdates":[{"Create":{"RegionName":"us-east-1"}}],"DeletionProtectionEnabled":true}`,
			bad, []string{msgReplicaAlone}, nil},
		{"UpdateTable", replicaUpdate("gtb", "Delete", "us-east-1"), bad,
			[]string{"Please retry the request without these replicas: [us-east-1]."}, nil},
		{"UpdateTable", replicaUpdate("prov", "Create", "us-east-1"), bad, []string{msgReplicaCapacity}, nil},
		{"UpdateTable", replicaUpdate("nope", "Create", "us-east-1"), bad, []string{"ResourceNotFoundException"}, nil},
		{"UpdateTable", replicaUpdate("taken", "Create", "ap-northeast-1"), bad,
			[]string{"Failed to create a the new replica of table with name: ‘taken’ because one or more replicas already existed as tables."}, nil},
		// No stream prerequisite: another view type is kept (DDB-TABLE-305).
		{"UpdateTable", replicaUpdate("taken", "Create", "us-east-1"), http.StatusOK,
			[]string{`"RegionName":"us-east-1","ReplicaStatus":"CREATING"`, `"StreamViewType":"KEYS_ONLY"`}, []string{"NEW_AND_OLD_IMAGES"}},
		// A duplicate of the same action is one action, as on AWS.
		{"UpdateTable", `{"TableName":"gtb","ReplicaUpdates":[{"Create":{"RegionName":"us-east-1"}},{"Create":{"RegionName":"us-east-1"}}]}`,
			http.StatusOK, []string{`"TableStatus":"UPDATING"`, `"GlobalTableVersion":"2019.11.21"`,
				`"RegionName":"us-east-1","ReplicaStatus":"CREATING"`, `"StreamViewType":"NEW_AND_OLD_IMAGES"`}, nil},
		{"UpdateTable", replicaUpdate("gtb", "Create", "us-east-1"), bad, []string{"because one or more replicas already existed"}, nil},
		{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK,
			[]string{`"RegionName":"us-east-1","ReplicaStatus":"ACTIVE","GlobalSecondaryIndexes":[{"IndexName":"by-color"}],"ReplicaTableClassSummary":{"TableClass":"STANDARD"}`}, []string{`"RegionName":"eu-west-1"`}},
	})
	// The replica's own description lists the source, not itself.
	east := f.in("us-east-1")
	east.run(t, []wireCase{
		{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK, []string{`"TableStatus":"ACTIVE"`, `"GlobalTableVersion":"2019.11.21"`,
			`"RegionName":"eu-west-1","ReplicaStatus":"ACTIVE"`, `"TableArn":"arn:aws:dynamodb:us-east-1:111122223333:table/gtb"`,
			`"IndexArn":"arn:aws:dynamodb:us-east-1:111122223333:table/gtb/index/by-color"`, `"LatestStreamArn":"arn:aws:dynamodb:us-east-1:`},
			[]string{`"RegionName":"us-east-1"`}},
		{"UpdateTable", `{"TableName":"gtb","ReplicaUpdates":[{"Update":{"RegionName":"eu-west-1","TableClassOverride":"STANDARD_INFREQUENT_ACCESS","KMSMasterKeyId":"alias/mine"}}]}`,
			http.StatusOK, []string{`"TableStatus":"UPDATING"`}, nil},
		{"UpdateTable", `{"TableName":"gtb","ReplicaUpdates":[{"Update":{"RegionName":"eu-west-1","ProvisionedThroughputOverride":{"ReadCapacityUnits":5}}}]}`,
			http.StatusBadRequest, []string{msgReplicaPPRCapacity}, []string{"parameter values"}},
		{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK,
			[]string{`"RegionName":"eu-west-1","ReplicaStatus":"ACTIVE","KMSMasterKeyId":"alias/mine"`, `"ReplicaTableClassSummary":{"TableClass":"STANDARD_INFREQUENT_ACCESS"}`}, nil},
	})
	f.run(t, []wireCase{
		{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK,
			[]string{`"TableClass":"STANDARD_INFREQUENT_ACCESS"`, `"KMSMasterKeyArn":"arn:aws:kms:eu-west-1:111122223333:alias/mine"`}, nil},
	})
}

func TestReplicaReplication(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", globalTable)
	f.mustCall(t, "UpdateTimeToLive", `{"TableName":"gtb","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`)
	// More items than one copy batch, some in the index.
	for i := range 600 {
		item := fmt.Sprintf(`{"pk":{"S":"p%d"},"sk":{"N":"%d"},"n":{"N":"%d"}`, i%37, i, i)
		if i%3 == 0 {
			item += `,"color":{"S":"red"}`
		}
		f.mustCall(t, "PutItem", `{"TableName":"gtb","Item":`+item+`}}`)
	}
	f.sweep(t) // backfills the TTL index
	east, tokyo := f.in("us-east-1"), f.in("ap-northeast-1")
	f.mustCall(t, "UpdateTable", replicaUpdate("gtb", "Create", "us-east-1"))
	east.mustCall(t, "UpdateTable", replicaUpdate("gtb", "Create", "ap-northeast-1"))
	f.sameReplicas(t, "gtb", testRegion, "us-east-1", "ap-northeast-1")

	// Writes in any region show in all, indexes and conditions included.
	east.mustCall(t, "PutItem", `{"TableName":"gtb","Item":{"pk":{"S":"new"},"sk":{"N":"1"},"color":{"S":"blue"}}}`)
	tokyo.mustCall(t, "DeleteItem", `{"TableName":"gtb","Key":{"pk":{"S":"p0"},"sk":{"N":"0"}}}`)
	f.mustCall(t, "UpdateItem", `{"TableName":"gtb","Key":{"pk":{"S":"p1"},"sk":{"N":"1"}},"UpdateExpression":"SET color = :c","ExpressionAttributeValues":{":c":{"S":"blue"}}}`)
	f.mustCall(t, "BatchWriteItem", `{"RequestItems":{"gtb":[{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"N":"1"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"p2"},"sk":{"N":"2"}}}}]}}`)
	tokyo.mustCall(t, "TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"gtb","Item":{"pk":{"S":"tx"},"sk":{"N":"1"}}}}]}`)
	east.mustCall(t, "ExecuteStatement", `{"Statement":"INSERT INTO gtb VALUE {'pk':'sql','sk':1}"}`)
	f.sameReplicas(t, "gtb", testRegion, "us-east-1", "ap-northeast-1")
	tokyo.run(t, []wireCase{
		{"Query", `{"TableName":"gtb","IndexName":"by-color","KeyConditionExpression":"color = :c","ExpressionAttributeValues":{":c":{"S":"blue"}}}`,
			http.StatusOK, []string{`"Count":2`}, nil},
		{"PutItem", `{"TableName":"gtb","Item":{"pk":{"S":"new"},"sk":{"N":"1"}},"ConditionExpression":"attribute_not_exists(pk)"}`,
			http.StatusBadRequest, []string{"ConditionalCheckFailedException"}, nil},
		{"GetItem", `{"TableName":"gtb","Key":{"pk":{"S":"new"},"sk":{"N":"1"}}}`, http.StatusOK, []string{`"color":{"S":"blue"}`}, []string{"aws:rep"}},
	})

	// Every replica's stream has the replicated write.
	for _, g := range []*fixture{f, east, tokyo} {
		out := g.mustCall(t, "DescribeTable", `{"TableName":"gtb"}`)
		if !strings.Contains(out, `"StreamViewType":"NEW_AND_OLD_IMAGES"`) {
			t.Fatalf("no stream: %s", out)
		}
	}
	sc := scope.Scope{Account: testAccount, Region: "ap-northeast-1"}
	rec, err := loadTable(f.ctx, f.p.store, sc, "gtb")
	if err != nil {
		t.Fatal(err)
	}
	if n := f.countKeys(t, logPrefix(sc, "gtb", deref(rec.Desc.LatestStreamLabel))); n != 7 {
		t.Fatalf("tokyo stream holds %d records, want the 7 writes since it was created", n)
	}

	// A TTL delete in one region deletes in all.
	past := fmt.Sprint(epoch.Add(-time.Hour).Unix())
	east.mustCall(t, "PutItem", `{"TableName":"gtb","Item":{"pk":{"S":"old"},"sk":{"N":"1"},"exp":{"N":"`+past+`"}}}`)
	f.sweep(t)
	for _, g := range []*fixture{f, east, tokyo} {
		if out := g.mustCall(t, "GetItem", `{"TableName":"gtb","Key":{"pk":{"S":"old"},"sk":{"N":"1"}}}`); strings.Contains(out, "Item") {
			t.Fatalf("expired item still in %s: %s", scope.From(g.ctx).Region, out)
		}
	}
	f.sameReplicas(t, "gtb", testRegion, "us-east-1", "ap-northeast-1")

	// Removing a replica deletes its table; the others stop listing it.
	east.mustCall(t, "UpdateTable", replicaUpdate("gtb", "Delete", "ap-northeast-1"))
	tokyo.run(t, []wireCase{{"DescribeTable", `{"TableName":"gtb"}`, http.StatusBadRequest, []string{"ResourceNotFoundException"}, nil}})
	f.run(t, []wireCase{{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK,
		[]string{`"Replicas":[{"RegionName":"us-east-1","ReplicaStatus":"ACTIVE"`}, []string{"ap-northeast-1"}}})
	if n := f.countKeys(t, itemsPrefix(sc, "gtb")); n != 0 {
		t.Fatalf("removed replica keeps %d items", n)
	}
	f.mustCall(t, "PutItem", `{"TableName":"gtb","Item":{"pk":{"S":"after"},"sk":{"N":"1"}}}`)
	f.sameReplicas(t, "gtb", testRegion, "us-east-1")

	// DeleteTable of a member removes just that replica.
	east.mustCall(t, "DeleteTable", `{"TableName":"gtb"}`)
	f.run(t, []wireCase{{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK, []string{`"ItemCount":`}, []string{"Replicas", "GlobalTableVersion"}}})
	f.mustCall(t, "PutItem", `{"TableName":"gtb","Item":{"pk":{"S":"alone"},"sk":{"N":"1"}}}`)
	if n := f.countKeys(t, itemsPrefix(scope.Scope{Account: testAccount, Region: "us-east-1"}, "g")); n != 0 {
		t.Fatalf("deleted replica keeps %d items", n)
	}
}

// TestReplicaCreateConcurrentWrites adds a replica while writers put,
// update and delete items: the new replica ends up exactly equal.
func TestReplicaCreateConcurrentWrites(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", globalTable)
	for i := range 1000 {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"gtb","Item":{"pk":{"S":"p%d"},"sk":{"N":"%d"},"color":{"S":"c%d"}}}`, i%50, i, i%7))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				i := rnd.IntN(1200)
				key := fmt.Sprintf(`{"pk":{"S":"p%d"},"sk":{"N":"%d"}}`, i%50, i)
				var op, body string
				switch rnd.IntN(3) {
				case 0:
					op, body = "PutItem", fmt.Sprintf(`{"TableName":"gtb","Item":{"pk":{"S":"p%d"},"sk":{"N":"%d"},"color":{"S":"w%d"}}}`, i%50, i, w)
				case 1:
					op, body = "DeleteItem", `{"TableName":"gtb","Key":`+key+`}`
				default:
					op, body = "UpdateItem", `{"TableName":"gtb","Key":`+key+`,"UpdateExpression":"ADD n :one","ExpressionAttributeValues":{":one":{"N":"1"}}}`
				}
				if status, out := f.call(t, op, body); status != http.StatusOK {
					t.Errorf("%s: %d %s", op, status, out)
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	f.mustCall(t, "UpdateTable", replicaUpdate("gtb", "Create", "us-east-1"))
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()
	f.sameReplicas(t, "gtb", testRegion, "us-east-1")
}

// TestReplicaResume finishes a copy a crash interrupted, as Start does.
func TestReplicaResume(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", globalTable)
	for i := range 10 {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"gtb","Item":{"pk":{"S":"p"},"sk":{"N":"%d"}}}`, i))
	}
	sc := scope.Scope{Account: testAccount, Region: testRegion}
	// Register the replica as UpdateTable does, without copying.
	err := f.p.store.Update(f.ctx, func(tx storage.Txn) error {
		rec, err := loadTable(f.ctx, tx, sc, "gtb")
		if err != nil {
			return err
		}
		members := []member{{sc: sc, rec: rec}}
		m, err := f.p.addReplica(f.ctx, tx, members, -1, &dynamodbapi.CreateReplicationGroupMemberAction{RegionName: ptr("us-west-2")}, epoch)
		if err != nil {
			return err
		}
		return saveGroup(tx, append(members, m))
	})
	if err != nil {
		t.Fatal(err)
	}
	west := f.in("us-west-2")
	west.run(t, []wireCase{
		{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK, []string{`"TableStatus":"CREATING"`}, nil},
		{"GetItem", `{"TableName":"gtb","Key":{"pk":{"S":"p"},"sk":{"N":"1"}}}`, http.StatusBadRequest, []string{"ResourceNotFoundException"}, nil},
		{"DeleteTable", `{"TableName":"gtb"}`, http.StatusBadRequest, []string{"ResourceInUseException"}, nil},
	})
	f.run(t, []wireCase{
		{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK, []string{`"RegionName":"us-west-2","ReplicaStatus":"CREATING"`}, nil},
		{"UpdateTable", replicaUpdate("gtb", "Create", "us-east-1"), http.StatusBadRequest, []string{"ResourceInUseException"}, nil},
		{"DeleteTable", `{"TableName":"gtb"}`, http.StatusBadRequest, []string{"ResourceInUseException"}, nil},
	})
	// A write now reaches the CREATING replica too.
	f.mustCall(t, "PutItem", `{"TableName":"gtb","Item":{"pk":{"S":"p"},"sk":{"N":"99"}}}`)
	if err := f.p.Start(f.ctx); err != nil {
		t.Fatal(err)
	}
	defer f.p.Stop(f.ctx)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(west.mustCall(t, "DescribeTable", `{"TableName":"gtb"}`), `"TableStatus":"ACTIVE"`) {
		if time.Now().After(deadline) {
			t.Fatal("replica never turned ACTIVE")
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.sameReplicas(t, "gtb", testRegion, "us-west-2")
	f.run(t, []wireCase{{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK, []string{`"RegionName":"us-west-2","ReplicaStatus":"ACTIVE"`}, nil}})
}

// BenchmarkPutItemReplicas measures PutItem on a table with 0 and with 2
// replicas (each write then changes three tables in one transaction).
func BenchmarkPutItemReplicas(b *testing.B) {
	for _, regions := range [][]string{nil, {"us-east-1", "ap-northeast-1"}} {
		b.Run(fmt.Sprintf("Replicas%d", len(regions)), func(b *testing.B) {
			f := newFixture(b)
			f.mustCall(b, "CreateTable", `{"TableName":"bench","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
				"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST",
				"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}`)
			for _, r := range regions {
				f.mustCall(b, "UpdateTable", replicaUpdate("bench", "Create", r))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := f.p.putItem(f.ctx, &dynamodbapi.PutItemInput{TableName: ptr("bench"), Item: benchItem(i)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzParseReplicaUpdates checks that any ReplicaUpdates list yields
// either a ValidationException or one action on a valid foreign region.
func FuzzParseReplicaUpdates(f *testing.F) {
	f.Add(`[{"Create":{"RegionName":"us-east-1"}}]`)
	f.Add(`[{"Create":{"RegionName":"us-east-1"}},{"Delete":{"RegionName":"us-east-1"}}]`)
	f.Add(`[{"Update":{"RegionName":"eu-west-1","TableClassOverride":"STANDARD"}}]`)
	f.Add(`[{}]`)
	f.Fuzz(func(t *testing.T, body string) {
		var ups []dynamodbapi.ReplicationGroupUpdate
		if json.Unmarshal([]byte(body), &ups) != nil || len(ups) == 0 {
			return
		}
		a, err := parseReplicaUpdates(testRegion, ups)
		if err != nil {
			if !strings.Contains(err.Error(), codeValidation) {
				t.Fatalf("%s: %v", body, err)
			}
			return
		}
		if _, ok := region.Lookup(a.region); !ok || a.region == testRegion {
			t.Fatalf("%s: accepted region %q", body, a.region)
		}
	})
}

// TestReplicaSettings: index, TTL and billing changes made in one replica
// reach the others; per-replica settings stay put.
func TestReplicaSettings(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", globalTable)
	east := f.in("us-east-1")
	f.mustCall(t, "UpdateTable", replicaUpdate("gtb", "Create", "us-east-1"))
	east.mustCall(t, "PutItem", `{"TableName":"gtb","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"size":{"S":"L"}}}`)
	east.mustCall(t, "UpdateTable", `{"TableName":"gtb","AttributeDefinitions":[{"AttributeName":"size","AttributeType":"S"}],
		"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-size","KeySchema":[{"AttributeName":"size","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}}]}`)
	f.mustCall(t, "UpdateTimeToLive", `{"TableName":"gtb","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`)
	f.mustCall(t, "UpdateTable", `{"TableName":"gtb","DeletionProtectionEnabled":true}`)
	east.run(t, []wireCase{
		{"DescribeTimeToLive", `{"TableName":"gtb"}`, 200, []string{`"TimeToLiveStatus":"ENABLED"`, `"AttributeName":"exp"`}, nil},
		{"DescribeTable", `{"TableName":"gtb"}`, 200, []string{`"IndexName":"by-size"`}, []string{`"DeletionProtectionEnabled":true`}},
	})
	f.run(t, []wireCase{
		{"Query", `{"TableName":"gtb","IndexName":"by-size","KeyConditionExpression":"#s = :s","ExpressionAttributeNames":{"#s":"size"},"ExpressionAttributeValues":{":s":{"S":"L"}}}`,
			200, []string{`"Count":1`}, nil},
		{"DescribeTable", `{"TableName":"gtb"}`, 200, []string{`"DeletionProtectionEnabled":true`}, nil},
	})
	f.clk.Advance(dpCooldown) // deletion protection changes are 15 s apart (DDB-TABLE-003)
	f.mustCall(t, "UpdateTable", `{"TableName":"gtb","DeletionProtectionEnabled":false}`)
}

// TestMultiRegionStrongConsistency checks that a STRONG group or a witness
// is refused by name (501), never built as an eventual group, and that the
// two members alone change nothing, as on AWS (DDB-TABLE-202).
func TestMultiRegionStrongConsistency(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", globalTable)
	strong := `{"TableName":"gtb","MultiRegionConsistency":"STRONG","ReplicaUpdates":[{"Create":{"RegionName":"us-east-1"}},{"Create":{"RegionName":"us-east-2"}}]}`
	witness := `{"TableName":"gtb","ReplicaUpdates":[{"Create":{"RegionName":"us-east-1"}}],"GlobalTableWitnessUpdates":[{"Create":{"RegionName":"us-east-2"}}]}`
	f.run(t, []wireCase{
		{"UpdateTable", strong, http.StatusNotImplemented, []string{"NotImplemented", "MultiRegionConsistency STRONG"}, nil},
		{"UpdateTable", witness, http.StatusNotImplemented, []string{"NotImplemented"}, nil},
		{"UpdateTable", `{"TableName":"gtb","MultiRegionConsistency":"STRONG"}`, http.StatusBadRequest, []string{"ValidationException", "At least one of"}, nil},
		{"UpdateTable", `{"TableName":"gtb","MultiRegionConsistency":"SOMETIMES","BillingMode":"PAY_PER_REQUEST"}`, http.StatusBadRequest, []string{"Member must satisfy enum value set: [EVENTUAL, STRONG]"}, nil},
		// Nothing was replicated.
		{"DescribeTable", `{"TableName":"gtb"}`, http.StatusOK, nil, []string{"Replicas", "GlobalTableVersion"}},
	})
}
