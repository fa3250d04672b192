package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"sort"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/region"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Global tables, version 2019.11.21.
//
// UpdateTable's ReplicaUpdates add (Create), change (Update) and remove
// (Delete) a table's replicas in other regions of the same account; one
// replica action per call, as on AWS. A replica is an ordinary table of
// the same name in its region: every member's record lists the others in
// Replicas, with GlobalTableVersion "2019.11.21", and its own record keeps
// how the others describe it (tableRecord.Replica: KMS key and throughput
// overrides). The lists are rewritten, in one transaction, whenever the
// group changes (saveGroup).
//
// Replication is synchronous. Since every region lives in the same store,
// writeItem makes the same change in every other replica (replicateWrite)
// inside the writer's storage transaction: table row, index entries,
// counters, that replica's stream record and expiry index. Replicas never
// diverge, "last writer wins" is the store's serializable commit order,
// and a conditional write sees the same state in every region; this is
// stronger than AWS's asynchronous replication (where a write shows in
// other regions within about a second and concurrent writes to one item
// in two regions are reconciled by timestamp). No aws:rep:* attribute is
// ever added. TTL deletes are ordinary deletes through writeItem, so an
// item expired in one replica is deleted from all, as AWS replicates them.
//
// A new replica is CREATING until it holds the table's items: finishReplica
// copies them in batches, each batch reading the source items and writing
// them to the replica in one transaction. Writes made meanwhile already go
// to the CREATING replica too (its record joins every member's list in the
// transaction that creates it, and each write reads the list), so a batch
// only ever copies the current source item: it cannot resurrect an item
// deleted since (the read would conflict) nor overwrite a newer one.
// Tables up to syncCopyBytes are copied within the request, larger ones in
// the background (restarted by Start after a crash). The copy adds no
// stream records to the new replica. Items in a CREATING replica are not
// readable in its region (ResourceNotFoundException, as for a restore).
//
// Choices where AWS differs or is silent:
//   - ReplicaUpdates must come alone: combined with other changes in one
//     UpdateTable it is a ValidationException.
//   - A provisioned table cannot get replicas: unkai has no auto scaling
//     the check could see, so it always answers AWS's "Table write capacity
//     should either be Pay-Per-Request or AutoScaled."
//   - Adding a replica enables a NEW_AND_OLD_IMAGES stream on members that
//     have none, as AWS does; a stream of another view type is kept
//     (DDB-TABLE-305), and the new replica streams with the table's.
//   - The new replica takes the table's TTL setting; later changes of TTL,
//     indexes, billing mode and provisioned throughput in any member reach
//     the others (replica_settings.go); tags, PITR, resource policies,
//     Contributor Insights and deletion protection stay per region
//     (DDB-TABLE-230, 251, 296).
//   - Deletion protection on a member refuses both its ReplicaUpdates
//     Delete and a DeleteTable in its region, with AWS's replica text
//     naming table and region (DDB-TABLE-329).
//   - Replica changes are refused (ResourceInUseException) while any member
//     is not ACTIVE; DeleteTable of a member removes just that replica and
//     leaves the others replicating, as on AWS.

// globalTableVersion is the version unkai's global tables report.
const globalTableVersion = "2019.11.21"

// jobReplica registers a replica being filled (background.go).
const jobReplica = "replica"

// Messages about replicas.
const (
	msgReplicaNoAction    = "There are no actions specified in the Replica Update Action of the request."
	msgReplicaActionTypes = "Update table operation with more than one type of replica actions not allowed."
	msgReplicaManyActions = "Update table operation with more than one create or delete replica actions not allowed"
	msgReplicaLocal       = "Cannot add or delete the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required."
	msgReplicaRegion      = "Region %s is not supported. The latest version of global tables are only supported in the following regions: [%s]."
	msgReplicaExists      = "Failed to create a the new replica of table with name: ‘%s’ because one or more replicas already existed as tables."
	msgReplicaNotMember   = "Update global table operation failed because one or more replicas were not part of the global table. Please retry the request without these replicas: [%s]."
	msgReplicaCapacity    = "Table write capacity should either be Pay-Per-Request or AutoScaled."
	msgReplicaAlone       = msgInvalid + "Replica modification must be the only operation in the request"
	msgReplicaProtected   = "Cannot delete table %s in region %s because it has deletion protection enabled. Disable deletion protection first."
	msgReplicaPPRCapacity = "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
	msgReplicaInUse       = "Attempt to change a resource which is still in use: Table is being updated: %s"
)

// replicaTarget is another region's replica of a global table, as a write
// in this region sees it.
type replicaTarget struct {
	sc  scope.Scope
	sch *schema
}

// replicaJob is the value of a replica copy's job key.
type replicaJob struct {
	Source string `json:"source"` // the region the items are copied from
}

// member is one replica of a global table and its record.
type member struct {
	sc  scope.Scope
	rec *tableRecord
}

// regionScope is sc moved to another region of the same account.
func regionScope(sc scope.Scope, region string) scope.Scope {
	return scope.Scope{Account: sc.Account, Region: region, AccessKey: sc.AccessKey}
}

// loadReplicaTargets returns the other replicas (CREATING ones included)
// that writes to the table of rec must also change.
func loadReplicaTargets(ctx context.Context, r storage.Reader, sc scope.Scope, rec *tableRecord) ([]replicaTarget, error) {
	if len(rec.Desc.Replicas) == 0 {
		return nil, nil
	}
	out := make([]replicaTarget, 0, len(rec.Desc.Replicas))
	for _, rd := range rec.Desc.Replicas {
		rsc := regionScope(sc, deref(rd.RegionName))
		rrec, err := loadTable(ctx, r, rsc, deref(rec.Desc.TableName))
		if err != nil {
			return nil, internalf("replica %s: %w", rsc.Region, err)
		}
		rsch := recordSchema(rrec)
		out = append(out, replicaTarget{sc: rsc, sch: rsch})
	}
	return out, nil
}

// replicaShard picks the counter shard a replicated write adds to: from
// the item's key, so that concurrent writes to different items seldom
// share one.
func replicaShard(key []byte) uint64 {
	h := fnv.New64a()
	h.Write(key)
	return h.Sum64() % statsShards
}

// replicateWrite makes the change old → nw (old as stored in the writer's
// region) in every other replica of sch's table, inside tx.
func replicateWrite(ctx context.Context, tx storage.Txn, sch *schema, old, nw attr.Item, chg change) error {
	src := nw
	if src == nil {
		src = old
	}
	if len(sch.replicas) == 0 || src == nil {
		return nil
	}
	key := keyAttrs(sch.Key, src)
	for _, t := range sch.replicas {
		rold, err := loadItem(ctx, tx, t.sc, t.sch, key)
		if err != nil {
			return err
		}
		if rold == nil && nw == nil {
			continue
		}
		shard := replicaShard(itemKey(t.sc, t.sch, key))
		st, err := loadStatsShard(ctx, tx, t.sc, t.sch.Name, shard)
		if err != nil {
			return err
		}
		tsch := t.sch
		if nw != nil {
			tsch = indexableBy(t.sch, nw)
		}
		if _, err := writeItem(ctx, tx, t.sc, tsch, st, rold, nw, chg); err != nil {
			return err
		}
		if err := saveStatsShard(tx, t.sc, t.sch.Name, shard, st); err != nil {
			return err
		}
	}
	return nil
}

// loadGroup returns the replicas of the global table of rec (in region
// sc), rec's first; a table without replicas is a group of one.
func loadGroup(ctx context.Context, r storage.Reader, sc scope.Scope, rec *tableRecord) ([]member, error) {
	out := []member{{sc: sc, rec: rec}}
	for _, rd := range rec.Desc.Replicas {
		rsc := regionScope(sc, deref(rd.RegionName))
		rrec, err := loadTable(ctx, r, rsc, deref(rec.Desc.TableName))
		if err != nil {
			return nil, internalf("replica %s: %w", rsc.Region, err)
		}
		out = append(out, member{sc: rsc, rec: rrec})
	}
	return out, nil
}

// replicaDescOf is how the other replicas describe m.
func replicaDescOf(m member) dynamodbapi.ReplicaDescription {
	var d dynamodbapi.ReplicaDescription
	if m.rec.Replica != nil {
		d = *m.rec.Replica
	}
	d.RegionName = ptr(m.sc.Region)
	d.ReplicaStatus = ptr(statusActive)
	if deref(m.rec.Desc.TableStatus) == statusCreating {
		d.ReplicaStatus = ptr(statusCreating)
	}
	overrides := map[string]dynamodbapi.ReplicaGlobalSecondaryIndexDescription{}
	for _, g := range d.GlobalSecondaryIndexes {
		overrides[deref(g.IndexName)] = g
	}
	d.GlobalSecondaryIndexes = nil
	for _, g := range m.rec.Desc.GlobalSecondaryIndexes {
		gd, ok := overrides[deref(g.IndexName)]
		if !ok {
			gd = dynamodbapi.ReplicaGlobalSecondaryIndexDescription{IndexName: g.IndexName}
		}
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, gd)
	}
	class := "STANDARD"
	if c := m.rec.Desc.TableClassSummary; c != nil && c.TableClass != nil {
		class = *c.TableClass
	}
	d.ReplicaTableClassSummary = &dynamodbapi.TableClassSummary{TableClass: ptr(class)}
	return d
}

// saveGroup rewrites every member's list of the others (sorted by region)
// and saves its record. A member left alone is an ordinary table again.
func saveGroup(tx storage.Txn, members []member) error {
	for i, m := range members {
		var others []dynamodbapi.ReplicaDescription
		for j, o := range members {
			if j != i {
				others = append(others, replicaDescOf(o))
			}
		}
		sort.Slice(others, func(a, b int) bool { return deref(others[a].RegionName) < deref(others[b].RegionName) })
		m.rec.Desc.Replicas, m.rec.Desc.GlobalTableVersion = nil, nil
		if len(others) > 0 {
			m.rec.Desc.Replicas, m.rec.Desc.GlobalTableVersion = others, ptr(globalTableVersion)
		}
		if err := saveTable(tx, m.sc, m.rec); err != nil {
			return err
		}
	}
	return nil
}

// checkGroupIdle refuses a change to a group while a member is not ACTIVE.
func checkGroupIdle(members []member) error {
	for _, m := range members {
		if deref(m.rec.Desc.TableStatus) != statusActive {
			return tableInUse(msgReplicaInUse, deref(m.rec.Desc.TableName))
		}
	}
	return nil
}

// leaveGroup removes the table of rec (in region sc), about to be deleted,
// from its global table: the other replicas stop listing it.
func leaveGroup(ctx context.Context, tx storage.Txn, sc scope.Scope, rec *tableRecord) error {
	if len(rec.Desc.Replicas) == 0 {
		return nil
	}
	members, err := loadGroup(ctx, tx, sc, rec)
	if err != nil {
		return err
	}
	if err := checkGroupIdle(members); err != nil {
		return err
	}
	return saveGroup(tx, members[1:])
}

// replicaAction is the one replica change an UpdateTable asks for.
type replicaAction struct {
	region string
	create *dynamodbapi.CreateReplicationGroupMemberAction
	update *dynamodbapi.UpdateReplicationGroupMemberAction
	delete bool
}

// kind names the action, to tell actions apart.
func (a replicaAction) kind() string {
	switch {
	case a.create != nil:
		return "create"
	case a.update != nil:
		return "update"
	}
	return "delete"
}

// parseReplicaUpdates checks ReplicaUpdates as DynamoDB does and returns
// its one action; local is the request's region.
func parseReplicaUpdates(local string, ups []dynamodbapi.ReplicationGroupUpdate) (replicaAction, error) {
	var acts []replicaAction
	for _, u := range ups {
		n := 0
		var a replicaAction
		if u.Create != nil {
			n++
			a = replicaAction{region: deref(u.Create.RegionName), create: u.Create}
		}
		if u.Update != nil {
			n++
			a = replicaAction{region: deref(u.Update.RegionName), update: u.Update}
			if u.Update.KMSMasterKeyId == nil && u.Update.ProvisionedThroughputOverride == nil &&
				u.Update.OnDemandThroughputOverride == nil && len(u.Update.GlobalSecondaryIndexes) == 0 &&
				u.Update.TableClassOverride == nil {
				return a, validation(msgReplicaNoAction)
			}
		}
		if u.Delete != nil {
			n++
			a = replicaAction{region: deref(u.Delete.RegionName), delete: true}
		}
		switch {
		case n == 0:
			return a, validation(msgReplicaNoAction)
		case n > 1:
			return a, validation(msgReplicaActionTypes)
		}
		if a.region == local {
			return a, validation(msgReplicaLocal)
		}
		if _, ok := region.Lookup(a.region); !ok {
			var names []string
			for _, r := range region.All() {
				names = append(names, r.Name)
			}
			return a, validation(msgReplicaRegion, a.region, joinComma(names))
		}
		dup := false
		for _, b := range acts {
			dup = dup || (b.kind() == a.kind() && b.region == a.region)
		}
		if !dup {
			acts = append(acts, a)
		}
	}
	if len(acts) > 1 {
		return acts[0], validation(msgReplicaManyActions)
	}
	return acts[0], nil
}

// otherTableUpdates reports whether in asks for more than replica updates.
func otherTableUpdates(in *dynamodbapi.UpdateTableInput) bool {
	return in.ProvisionedThroughput != nil || in.BillingMode != nil || len(in.GlobalSecondaryIndexUpdates) > 0 ||
		in.StreamSpecification != nil || in.SSESpecification != nil || in.DeletionProtectionEnabled != nil ||
		in.TableClass != nil || in.OnDemandThroughput != nil
}

// billingOf is the billing mode of a table.
func billingOf(d *dynamodbapi.TableDescription) string {
	if d.BillingModeSummary != nil && d.BillingModeSummary.BillingMode != nil {
		return *d.BillingModeSummary.BillingMode
	}
	return billProvisioned
}

// updateReplicas serves an UpdateTable with ReplicaUpdates.
func (p *Provider) updateReplicas(ctx context.Context, in *dynamodbapi.UpdateTableInput) (*dynamodbapi.UpdateTableOutput, error) {
	if otherTableUpdates(in) {
		return nil, validation(msgReplicaAlone)
	}
	sc := scope.From(ctx)
	act, err := parseReplicaUpdates(sc.Region, in.ReplicaUpdates)
	if err != nil {
		return nil, err
	}
	name := deref(in.TableName)
	now := p.clock.Now().UTC().Truncate(time.Millisecond)
	var out *dynamodbapi.TableDescription
	var size int64
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadTable(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		if deref(rec.Desc.TableStatus) == statusCreating {
			return tableInUse(msgTableBeingCreated, name)
		}
		members, err := loadGroup(ctx, tx, sc, rec)
		if err != nil {
			return err
		}
		if err := checkGroupIdle(members); err != nil {
			return err
		}
		at := -1
		for i, m := range members {
			if m.sc.Region == act.region {
				at = i
			}
		}
		st, err := loadStats(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		switch {
		case act.create != nil:
			m, err := p.addReplica(ctx, tx, members, at, act.create, now)
			if err != nil {
				return err
			}
			members = append(members, m)
			size = st.Table.Bytes
		case at < 0:
			return validation(msgReplicaNotMember, act.region)
		case act.update != nil:
			if act.update.ProvisionedThroughputOverride != nil && billingOf(&members[at].rec.Desc) == billPerRequest {
				return validation(msgReplicaPPRCapacity) // without the usual prefix, as AWS sends it (DDB-TABLE-223)
			}
			p.changeReplica(members[at], act.update, now)
		default:
			m := members[at]
			if m.rec.Desc.DeletionProtectionEnabled != nil && *m.rec.Desc.DeletionProtectionEnabled {
				return validation(msgReplicaProtected, name, m.sc.Region)
			}
			if err := p.dropTable(ctx, tx, m.sc, m.rec); err != nil {
				return err
			}
			members = append(members[:at:at], members[at+1:]...)
		}
		if err := saveGroup(tx, members); err != nil {
			return err
		}
		out = describe(rec, st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if act.create != nil {
		tsc := regionScope(sc, act.region)
		if size > syncCopyBytes {
			p.bg.run(func(bctx context.Context) {
				if err := p.finishReplica(bctx, tsc, name); err != nil && bctx.Err() == nil {
					p.bg.log.Error("replica copy", "table", name, "region", tsc.Region, "error", err)
				}
			})
		} else if err := p.finishReplica(context.WithoutCancel(ctx), tsc, name); err != nil {
			return nil, err
		}
	}
	out.TableStatus = ptr(statusUpdating)
	return &dynamodbapi.UpdateTableOutput{TableDescription: out}, nil
}

// addReplica creates the table of a new replica (CREATING, empty) and
// registers its copy, inside tx. members[0] is the table the request
// names; at is the position of a member already in the region, or -1.
func (p *Provider) addReplica(ctx context.Context, tx storage.Txn, members []member, at int,
	c *dynamodbapi.CreateReplicationGroupMemberAction, now time.Time) (member, error) {
	src := members[0]
	name := deref(src.rec.Desc.TableName)
	tsc := regionScope(src.sc, deref(c.RegionName))
	if at >= 0 {
		return member{}, validation(msgReplicaExists, name)
	}
	_, err := tx.Get(ctx, TableKey(tsc, name))
	switch {
	case err == nil:
		return member{}, validation(msgReplicaExists, name)
	case !errors.Is(err, storage.ErrNotFound):
		return member{}, awserr.Internal(err)
	}
	if billingOf(&src.rec.Desc) != billPerRequest {
		return member{}, validation(msgReplicaCapacity)
	}
	// No stream prerequisite (DDB-TABLE-305): a member without a stream
	// gets NEW_AND_OLD_IMAGES, one with another view type keeps it, and
	// the new replica streams as the table does.
	view := viewNewAndOld
	if t := streamTargetOf(&src.rec.Desc); t != nil {
		view = t.view
	}
	for _, m := range members {
		if streamTargetOf(&m.rec.Desc) == nil {
			if err := p.enableStream(ctx, tx, m.sc, &m.rec.Desc, viewNewAndOld, now); err != nil {
				return member{}, err
			}
		}
	}
	d := p.replicaTableDesc(tsc, &src.rec.Desc, c, now)
	if err := p.enableStream(ctx, tx, tsc, d, view, now); err != nil {
		return member{}, err
	}
	rec := &tableRecord{Desc: *d, Replica: &dynamodbapi.ReplicaDescription{
		KMSMasterKeyId: c.KMSMasterKeyId, ProvisionedThroughputOverride: c.ProvisionedThroughputOverride,
		OnDemandThroughputOverride: c.OnDemandThroughputOverride, GlobalSecondaryIndexes: gsiOverrides(c.GlobalSecondaryIndexes),
	}}
	if t := src.rec.TTL; t != nil && t.Enabled {
		// The copy writes every item's expiry entry, so the index is
		// complete when the replica turns ACTIVE.
		rec.TTL = &ttlState{Attr: t.Attr, Enabled: true, Gen: 1, Backfilled: true, Changed: now}
		if err := tx.Put(jobKey(jobTTL, tsc, name), []byte{}); err != nil {
			return member{}, awserr.Internal(err)
		}
	}
	if err := saveStats(ctx, tx, tsc, name, &tableStats{}); err != nil {
		return member{}, err
	}
	raw, err := json.Marshal(replicaJob{Source: src.sc.Region})
	if err != nil {
		return member{}, internalf("encode replica job: %w", err)
	}
	if err := tx.Put(jobKey(jobReplica, tsc, name), raw); err != nil {
		return member{}, awserr.Internal(err)
	}
	return member{sc: tsc, rec: rec}, nil
}

// replicaTableDesc is the description of a new replica in region tsc of
// the table src.
func (p *Provider) replicaTableDesc(tsc scope.Scope, src *dynamodbapi.TableDescription,
	c *dynamodbapi.CreateReplicationGroupMemberAction, now time.Time) *dynamodbapi.TableDescription {
	name := deref(src.TableName)
	tArn := tableARN(tsc, name)
	d := &dynamodbapi.TableDescription{
		AttributeDefinitions: src.AttributeDefinitions, TableName: ptr(name), KeySchema: src.KeySchema,
		TableStatus: ptr(statusCreating), CreationDateTime: &now, TableArn: ptr(tArn), TableId: ptr(p.ids.UUID()),
		ProvisionedThroughput: throughputDesc(nil), BillingModeSummary: src.BillingModeSummary,
		DeletionProtectionEnabled: ptr(false), OnDemandThroughput: src.OnDemandThroughput,
		TableClassSummary: src.TableClassSummary, SSEDescription: src.SSEDescription,
	}
	if c.OnDemandThroughputOverride != nil {
		d.OnDemandThroughput = &dynamodbapi.OnDemandThroughput{MaxReadRequestUnits: c.OnDemandThroughputOverride.MaxReadRequestUnits}
		if src.OnDemandThroughput != nil {
			d.OnDemandThroughput.MaxWriteRequestUnits = src.OnDemandThroughput.MaxWriteRequestUnits
		}
	}
	for _, l := range src.LocalSecondaryIndexes {
		l.IndexArn = ptr(tArn + "/index/" + deref(l.IndexName))
		l.ItemCount, l.IndexSizeBytes = nil, nil
		d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, l)
	}
	for _, g := range src.GlobalSecondaryIndexes {
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes,
			gsiDesc(tArn, deref(g.IndexName), g.KeySchema, g.Projection, nil, g.OnDemandThroughput))
	}
	if c.TableClassOverride != nil {
		d.TableClassSummary = &dynamodbapi.TableClassSummary{TableClass: c.TableClassOverride, LastUpdateDateTime: &now}
	}
	if c.KMSMasterKeyId != nil {
		d.SSEDescription = &dynamodbapi.SSEDescription{Status: ptr("ENABLED"), SSEType: ptr("KMS"),
			KMSMasterKeyArn: ptr(kmsKeyARN(tsc, *c.KMSMasterKeyId))}
	}
	return d
}

// kmsKeyARN is the ARN of a KMS key named by id, ARN or alias in sc.
func kmsKeyARN(sc scope.Scope, key string) string {
	if _, err := arn.Parse(key); err == nil {
		return key
	}
	if strings.HasPrefix(key, "alias/") {
		return arn.New("kms", sc.Region, sc.Account, key).String()
	}
	return arn.New("kms", sc.Region, sc.Account, "key/"+key).String()
}

// gsiOverrides converts a replica's index overrides to their description.
func gsiOverrides(gs []dynamodbapi.ReplicaGlobalSecondaryIndex) []dynamodbapi.ReplicaGlobalSecondaryIndexDescription {
	var out []dynamodbapi.ReplicaGlobalSecondaryIndexDescription
	for _, g := range gs {
		out = append(out, dynamodbapi.ReplicaGlobalSecondaryIndexDescription{IndexName: g.IndexName,
			ProvisionedThroughputOverride: g.ProvisionedThroughputOverride, OnDemandThroughputOverride: g.OnDemandThroughputOverride})
	}
	return out
}

// changeReplica applies an Update action to the replica m.
func (p *Provider) changeReplica(m member, u *dynamodbapi.UpdateReplicationGroupMemberAction, now time.Time) {
	if m.rec.Replica == nil {
		m.rec.Replica = &dynamodbapi.ReplicaDescription{}
	}
	r := m.rec.Replica
	if u.KMSMasterKeyId != nil {
		r.KMSMasterKeyId = u.KMSMasterKeyId
		m.rec.Desc.SSEDescription = &dynamodbapi.SSEDescription{Status: ptr("ENABLED"), SSEType: ptr("KMS"),
			KMSMasterKeyArn: ptr(kmsKeyARN(m.sc, *u.KMSMasterKeyId))}
	}
	if u.ProvisionedThroughputOverride != nil {
		r.ProvisionedThroughputOverride = u.ProvisionedThroughputOverride
	}
	if u.OnDemandThroughputOverride != nil {
		r.OnDemandThroughputOverride = u.OnDemandThroughputOverride
	}
	if len(u.GlobalSecondaryIndexes) > 0 {
		r.GlobalSecondaryIndexes = gsiOverrides(u.GlobalSecondaryIndexes)
	}
	if u.TableClassOverride != nil {
		m.rec.Desc.TableClassSummary = &dynamodbapi.TableClassSummary{TableClass: u.TableClassOverride, LastUpdateDateTime: &now}
	}
}

// finishReplica copies the source region's items into the CREATING
// replica of table name in region sc, in batches, then makes it ACTIVE.
// It is idempotent: Start calls it again for a copy a crash interrupted.
func (p *Provider) finishReplica(ctx context.Context, sc scope.Scope, name string) error {
	raw, err := p.store.Get(ctx, jobKey(jobReplica, sc, name))
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return awserr.Internal(err)
	}
	var job replicaJob
	if err := json.Unmarshal(raw, &job); err != nil {
		return internalf("decode replica job: %w", err)
	}
	ssc := regionScope(sc, job.Source)
	start, end := storage.PrefixRange(itemsPrefix(ssc, name))
	err = p.copyItems(ctx, sc, name, start, end, true, func(rec *tableRecord) *schema {
		sch := recordSchema(rec)
		sch.stream = nil // the copy adds no stream records
		return sch
	})
	if err != nil {
		return err
	}
	return p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadTable(ctx, tx, sc, name)
		if err == nil && deref(rec.Desc.TableStatus) == statusCreating {
			rec.Desc.TableStatus = ptr(statusActive)
			members, err := loadGroup(ctx, tx, sc, rec)
			if err != nil {
				return err
			}
			if err := saveGroup(tx, members); err != nil {
				return err
			}
		}
		return wrapInternal(tx.Delete(jobKey(jobReplica, sc, name)))
	})
}

// resumeReplicas restarts the replica copies a crash interrupted.
func (p *Provider) resumeReplicas(ctx context.Context) error {
	jobs, err := p.listJobs(ctx, jobReplica)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if len(j.names) == 1 {
			sc, name := j.sc, j.names[0]
			p.bg.run(func(ctx context.Context) {
				if err := p.finishReplica(ctx, sc, name); err != nil && ctx.Err() == nil {
					p.bg.log.Error("resume replica copy", "table", name, "region", sc.Region, "error", err)
				}
			})
		}
	}
	return nil
}
