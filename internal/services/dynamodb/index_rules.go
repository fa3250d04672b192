package dynamodb

import (
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// Rules of UpdateTable's GlobalSecondaryIndexUpdates, with the texts AWS
// was observed to send (ack-api-quirks DDB-TABLE-015, -152, -159, -160,
// -162, -164, -169, -174, -357, -359, -375).

// Messages about index updates.
const (
	msgGSIUpdatesEmpty    = msgInvalid + "List of GlobalSecondaryIndexUpdates is empty"
	msgGSIManyActions     = msgInvalid + "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object"
	msgGSISameIndex       = msgInvalid + "Only one global secondary index update per index is allowed simultaneously. Index: %s"
	msgOneOnlineIndex     = "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"
	msgGSILimitUpdate     = "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20"
	msgIndexWithIOPS      = msgInvalid + "You cannot create or delete index while updating table IOPS"
	msgIndexWithStream    = msgInvalid + "You cannot create or delete index while changing stream status"
	msgIndexNoDefinitions = msgInvalid + "AttributeDefinitions is not specified for index: %s"
	msgIndexBothUnits     = msgInvalid + "Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: %s"
	msgIndexNoUnitsOnPPR  = msgInvalid + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: %s when BillingMode is PAY_PER_REQUEST"
	msgIndexOnlyOnDemand  = msgInvalid + "The only Updates for index: %s when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput"
	msgIndexMissing       = "Requested resource not found: Index %s for table %s"
	msgNotAGSI            = "Cannot %s an index that is not a GlobalSecondaryIndex: %s"
	msgSwitchNeedsTablePT = msgInvalid + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED"
	msgIndexNoUpdate      = "The provisioned throughput for the index %s will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for index %s: %d. Requested ReadCapacityUnits: %d. Current WriteCapacityUnits provisioned for index %s: %d. Requested WriteCapacityUnits: %d. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
	msgAttrNameDuplicated = "Attribute Name is duplicated: %s"
	msgAttrDefsNotUsed    = msgInvalid + "Some AttributeDefinitions are not used. AttributeDefinitions: [%s], keys used: [%s]"
)

// checkIndexUpdates checks the shape of GlobalSecondaryIndexUpdates before
// the table is read: each entry holds one action, each index is named
// once, at most one index is created or deleted, and that one not beside
// a throughput or stream change. An empty list is refused once another
// member made the request valid (alone it counts as absent).
func checkIndexUpdates(in *dynamodbapi.UpdateTableInput) error {
	ups := in.GlobalSecondaryIndexUpdates
	if ups != nil && len(ups) == 0 {
		return validation(msgGSIUpdatesEmpty)
	}
	seen := map[string]bool{}
	online := 0
	for _, u := range ups {
		n := 0
		var name string
		if u.Create != nil {
			n, name = n+1, deref(u.Create.IndexName)
		}
		if u.Update != nil {
			n, name = n+1, deref(u.Update.IndexName)
		}
		if u.Delete != nil {
			n, name = n+1, deref(u.Delete.IndexName)
		}
		switch {
		case n == 0:
			return validation(msgOneGSIAction)
		case n > 1:
			return validation(msgGSIManyActions)
		case seen[name]:
			return validation(msgGSISameIndex, name)
		}
		seen[name] = true
		if u.Update == nil {
			online++
		}
	}
	switch {
	case online > 1:
		return awsLimit(msgOneOnlineIndex)
	case online == 1 && in.ProvisionedThroughput != nil:
		return validation(msgIndexWithIOPS)
	case online == 1 && in.StreamSpecification != nil:
		return validation(msgIndexWithStream)
	}
	return nil
}

// findGSI returns the position of the global secondary index name in d
// for an Update or Delete (verb "update" or "delete"); naming a local
// index or none is refused as AWS refuses it.
func findGSI(d *dynamodbapi.TableDescription, name, verb string) (int, error) {
	if i := gsiIndex(d, name); i >= 0 {
		return i, nil
	}
	for _, l := range d.LocalSecondaryIndexes {
		if deref(l.IndexName) == name {
			return -1, validation(msgNotAGSI, verb, name)
		}
	}
	return -1, awsNotFound(msgIndexMissing, name, deref(d.TableName))
}

// checkNewIndexThroughput checks the throughput of a GSI that UpdateTable
// creates against the table's billing mode.
func checkNewIndexThroughput(billing, name string, pt *dynamodbapi.ProvisionedThroughput) error {
	if billing == billProvisioned && (pt == nil || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil) {
		return validation(msgIndexBothUnits, name)
	}
	if billing == billPerRequest && pt != nil {
		return validation(msgIndexNoUnitsOnPPR, name)
	}
	return nil
}

// checkIndexThroughputChange refuses a GSI throughput Update that changes
// nothing, as AWS does for the table's own throughput.
func checkIndexThroughputChange(g dynamodbapi.GlobalSecondaryIndexDescription, pt *dynamodbapi.ProvisionedThroughput) error {
	cur := g.ProvisionedThroughput
	if cur == nil {
		return nil
	}
	name := deref(g.IndexName)
	r, w := derefInt(pt.ReadCapacityUnits), derefInt(pt.WriteCapacityUnits)
	cr, cw := derefInt(cur.ReadCapacityUnits), derefInt(cur.WriteCapacityUnits)
	if r == cr && w == cw {
		return validation(msgIndexNoUpdate, name, name, cr, r, name, cw, w)
	}
	return nil
}

// checkBillingSwitchIndexes requires, when UpdateTable turns an on-demand
// table PROVISIONED, a throughput Update for every existing GSI in the
// same request: nothing is assigned to them by default (DDB-TABLE-152).
func checkBillingSwitchIndexes(d *dynamodbapi.TableDescription, in *dynamodbapi.UpdateTableInput, billing string) error {
	if in.BillingMode == nil || billing != billProvisioned {
		return nil
	}
	given := map[string]bool{}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		if u.Update != nil && u.Update.ProvisionedThroughput != nil {
			given[deref(u.Update.IndexName)] = true
		}
	}
	for _, g := range d.GlobalSecondaryIndexes {
		name := deref(g.IndexName)
		if g.ProvisionedThroughput != nil && derefInt(g.ProvisionedThroughput.ReadCapacityUnits) == 0 && !given[name] {
			return validation(msgIndexThroughputNeeded, name)
		}
	}
	return nil
}

// sortDefinitions sorts attribute definitions by name, the order in which
// DynamoDB reports them.
func sortDefinitions(defs []dynamodbapi.AttributeDefinition) {
	slices.SortStableFunc(defs, func(a, b dynamodbapi.AttributeDefinition) int {
		return strings.Compare(deref(a.AttributeName), deref(b.AttributeName))
	})
}

// sortedDefinitions is a sorted copy of defs (nil for none).
func sortedDefinitions(defs []dynamodbapi.AttributeDefinition) []dynamodbapi.AttributeDefinition {
	if defs == nil {
		return nil
	}
	out := slices.Clone(defs)
	sortDefinitions(out)
	return out
}
