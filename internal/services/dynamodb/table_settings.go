package dynamodb

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// The settings UpdateTable changes synchronously and one at a time:
// deletion protection, encryption (SSE) and table class, with the rules
// AWS enforces on them.
//
//   - UpdateTable carries one concern per call: SSESpecification,
//     TableClass and DeletionProtectionEnabled must each be the only
//     member (the message names the first of them, in that order);
//     OnDemandThroughput combines only with BillingMode;
//     StreamSpecification does not combine with ProvisionedThroughput or
//     BillingMode PROVISIONED, nor ProvisionedThroughput with index
//     creation or deletion.
//   - Deletion protection: a change within 15 s of the previous change is
//     a ThrottlingException naming when to retry; re-sending the current
//     value is free. The response's TableStatus stays ACTIVE.
//   - Encryption: disabling (or {}) on a table with the AWS-owned key, and
//     re-sending the current key by its ARN, are refused no-ops; anything
//     else (an alias or key id of the current key included) is a change,
//     and a table may change encryption 4 times in the 24 hours from its
//     first change, then once every 6 hours (LimitExceededException). The
//     response says TableStatus ACTIVE and SSEDescription UPDATING with
//     the previous key, as AWS's does; later reads see the new setting
//     (AWS takes about 22 s).
//   - Table class: 2 changes per 30 days (LimitExceededException, which
//     then refuses re-sends of the current class too); re-sending the
//     current class, or STANDARD on a table that never set one, changes
//     nothing and leaves TableClassSummary as it was. The response echoes
//     the previous TableClassSummary, as AWS's does.
//
// unkai has no KMS: a key given by id, alias or ARN is taken as is (an id
// becomes a key ARN of the scope); none, alias/aws/dynamodb or its ARN is
// the account's AWS managed key, whose ARN is fixed per account and
// region. AWS resolves an alias to its key's ARN; unkai keeps the alias
// ARN (choice: there is no key to resolve it to).

// Limits of the settings changes.
const (
	dpCooldown        = 15 * time.Second
	sseWindow         = 24 * time.Hour
	sseFreeChanges    = 4
	sseSlowInterval   = 6 * time.Hour
	classWindow       = 30 * 24 * time.Hour
	classMaxChanges   = 2
	awsManagedSSEKey  = "alias/aws/dynamodb"
	sseTypeKMS        = "KMS"
	sseTypeAES        = "AES256"
	sseStatusEnabled  = "ENABLED"
	sseStatusUpdating = "UPDATING"
	classStandard     = "STANDARD"
	codeThrottling    = "ThrottlingException"
	isoMillis         = "2006-01-02T15:04:05.000Z"
)

// Messages of the settings rules, as DynamoDB words them.
const (
	msgSSEOnly            = msgInvalid + "Server-Side Encryption modification must be the only operation in the request"
	msgClassOnly          = msgInvalid + "TableClass modification must be the only operation in the request"
	msgDPOnly             = msgInvalid + "DeletionProtection modification must be the only operation in the request"
	msgODTOnlyBilling     = msgInvalid + "OnDemandThroughput can only be combined with BillingMode in an UpdateTable request"
	msgStreamWhileIOPS    = msgInvalid + "You cannot modify stream status while updating table IOPS"
	msgSSETypeDisabled    = msgInvalid + "SSEType can not be specified if Enabled is false"
	msgSSEKeyDisabled     = msgInvalid + "KMSMasterKeyId can not be specified if Enabled is false"
	msgSSEAES             = msgInvalid + "SSEType AES256 is not supported"
	msgSSEKeyNeedsKMS     = msgInvalid + "SSEType KMS is required if KMSMasterKeyId is specified"
	msgSSEDefaultAlready  = msgInvalid + "Table is already encrypted by default"
	msgSSESameKey         = msgInvalid + "Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key"
	msgSSEQuota           = "Subscriber limit exceeded: Encryption mode changes are limited in the 24h window ending at %s. After the first 4 change, each subsequent change in the same window can be performed at most once every 21600 seconds. Number of updates today: %d. Last change at %s"
	msgClassQuota         = "Subscriber limit exceeded: Updates to TableClass are limited to 2 times in 30 day(s)."
	msgDPCooldown         = "Deletion protection setting for table %s modified within the previous 15000 milliseconds. Please try again after %s"
	msgTableClassInvalid  = "Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."
	classInfrequentAccess = "STANDARD_INFREQUENT_ACCESS"
)

// settingsLog records a table's recent settings changes, for the limits
// above; it lives in the table's record and goes with the table.
type settingsLog struct {
	// SSE lists the encryption changes of the current 24-hour window.
	SSE []time.Time `json:"s,omitempty"`
	// Class lists the table class changes of the last 30 days.
	Class []time.Time `json:"c,omitempty"`
	// DP is when deletion protection last changed.
	DP *time.Time `json:"d,omitempty"`
}

// checkUpdateExclusive refuses the UpdateTable member combinations AWS
// refuses (DDB-TABLE-382, DDB-TABLE-433), before anything is looked up.
func checkUpdateExclusive(in *dynamodbapi.UpdateTableInput) error {
	sse, class, dp := in.SSESpecification != nil, in.TableClass != nil, in.DeletionProtectionEnabled != nil
	odt, stream, pt := in.OnDemandThroughput != nil, in.StreamSpecification != nil, in.ProvisionedThroughput != nil
	bm, gsi := in.BillingMode != nil, len(in.GlobalSecondaryIndexUpdates) > 0
	n := 0
	for _, set := range []bool{sse, class, dp, odt, stream, pt, bm, gsi} {
		if set {
			n++
		}
	}
	switch {
	case n > 1 && sse:
		return validation(msgSSEOnly)
	case n > 1 && class:
		return validation(msgClassOnly)
	case n > 1 && dp:
		return validation(msgDPOnly)
	case odt && (stream || pt || gsi):
		return validation(msgODTOnlyBilling)
	case stream && (pt || deref(in.BillingMode) == billProvisioned):
		return validation(msgStreamWhileIOPS)
	}
	// ProvisionedThroughput beside an index Create or Delete is refused by
	// checkIndexUpdates (index_rules.go), which runs first.
	return nil
}

// checkSSESpec validates an SSESpecification (of CreateTable, UpdateTable
// or a restore's override) and tells whether it asks for KMS encryption:
// Enabled true, or SSEType KMS without Enabled (DDB-TABLE-036, -044).
func checkSSESpec(s *dynamodbapi.SSESpecification) (bool, error) {
	if s == nil {
		return false, nil
	}
	switch {
	case s.Enabled != nil && !*s.Enabled && s.SSEType != nil:
		return false, validation(msgSSETypeDisabled)
	case s.Enabled != nil && !*s.Enabled && s.KMSMasterKeyId != nil:
		return false, validation(msgSSEKeyDisabled)
	case deref(s.SSEType) == sseTypeAES:
		return false, validation(msgSSEAES)
	case s.KMSMasterKeyId != nil && s.SSEType == nil:
		return false, validation(msgSSEKeyNeedsKMS)
	}
	if s.Enabled != nil {
		return *s.Enabled, nil
	}
	return deref(s.SSEType) == sseTypeKMS, nil
}

// awsManagedKeyARN is the ARN of the account's AWS managed key for
// DynamoDB (alias/aws/dynamodb) in the scope: the same for every table,
// as on AWS. Its key id is derived from the account and region.
func awsManagedKeyARN(sc scope.Scope) string {
	h := sha256.Sum256([]byte("aws/dynamodb\x00" + sc.Account + "\x00" + sc.Region))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	id := x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
	return arn.New("kms", sc.Region, sc.Account, "key/"+id).String()
}

// sseKeyARN is the KMSMasterKeyArn a requested key (id, alias or ARN;
// "" for none) encrypts with.
func sseKeyARN(sc scope.Scope, key string) string {
	if key == "" || key == awsManagedSSEKey || key == arn.New("kms", sc.Region, sc.Account, awsManagedSSEKey).String() {
		return awsManagedKeyARN(sc)
	}
	return kmsKeyARN(sc, key) // replica.go
}

// sseDescription is the settled SSEDescription of a KMS key ARN.
func sseDescription(keyARN string) *dynamodbapi.SSEDescription {
	return &dynamodbapi.SSEDescription{Status: ptr(sseStatusEnabled), SSEType: ptr(sseTypeKMS), KMSMasterKeyArn: ptr(keyARN)}
}

// settingsEcho is what an UpdateTable response shows of the settings
// changes, where it differs from the table as stored.
type settingsEcho struct {
	// active is set when the call changes only settings AWS changes
	// without leaving ACTIVE (deletion protection, encryption).
	active bool
	sse    *dynamodbapi.SSEDescription
	class  *dynamodbapi.TableClassSummary
	// sseSet and classSet tell whether sse and class replace the stored ones.
	sseSet, classSet bool
}

// apply patches a response's TableDescription.
func (e *settingsEcho) apply(out *dynamodbapi.TableDescription) {
	out.TableStatus = ptr(statusUpdating)
	if e.active {
		out.TableStatus = ptr(statusActive)
	}
	if e.sseSet {
		out.SSEDescription = e.sse
	}
	if e.classSet {
		out.TableClassSummary = e.class
	}
}

// applySettingsUpdate applies UpdateTable's deletion protection, table
// class and encryption members to rec at now, with their limits.
func applySettingsUpdate(sc scope.Scope, rec *tableRecord, in *dynamodbapi.UpdateTableInput, now time.Time) (*settingsEcho, error) {
	echo := &settingsEcho{}
	if rec.Settings == nil {
		rec.Settings = &settingsLog{}
	}
	log, d := rec.Settings, &rec.Desc
	if v := in.DeletionProtectionEnabled; v != nil {
		echo.active = true
		if cur := d.DeletionProtectionEnabled != nil && *d.DeletionProtectionEnabled; cur != *v {
			if log.DP != nil && now.Sub(*log.DP) < dpCooldown {
				return nil, awserr.New(codeThrottling, http.StatusBadRequest, msgDPCooldown,
					deref(d.TableName), log.DP.Add(dpCooldown).UTC().Format(isoMillis))
			}
			at := now
			log.DP = &at
		}
		d.DeletionProtectionEnabled = ptr(*v)
	}
	if c := in.TableClass; c != nil {
		if err := applyClassUpdate(log, d, *c, now, echo); err != nil {
			return nil, err
		}
	}
	if s := in.SSESpecification; s != nil {
		echo.active = true
		if err := applySSEUpdate(sc, log, d, s, now, echo); err != nil {
			return nil, err
		}
	}
	if len(log.SSE) == 0 && len(log.Class) == 0 && log.DP == nil {
		rec.Settings = nil
	}
	return echo, nil
}

// applyClassUpdate sets d's table class to class (DDB-TABLE-283, -365, -284).
func applyClassUpdate(log *settingsLog, d *dynamodbapi.TableDescription, class string, now time.Time, echo *settingsEcho) error {
	if class != classStandard && class != classInfrequentAccess {
		return validation(msgTableClassInvalid)
	}
	var recent []time.Time
	for _, t := range log.Class {
		if now.Sub(t) < classWindow {
			recent = append(recent, t)
		}
	}
	log.Class = recent
	if len(recent) >= classMaxChanges {
		return awsLimit(msgClassQuota)
	}
	echo.classSet, echo.class = true, d.TableClassSummary
	cur := classStandard
	if d.TableClassSummary != nil && d.TableClassSummary.TableClass != nil {
		cur = *d.TableClassSummary.TableClass
	}
	if cur == class {
		return nil
	}
	log.Class = append(log.Class, now)
	d.TableClassSummary = &dynamodbapi.TableClassSummary{TableClass: ptr(class), LastUpdateDateTime: ptr(now)}
	return nil
}

// applySSEUpdate changes d's encryption as s asks (DDB-TABLE-079, -081,
// -082, -140, -141).
func applySSEUpdate(sc scope.Scope, log *settingsLog, d *dynamodbapi.TableDescription, s *dynamodbapi.SSESpecification,
	now time.Time, echo *settingsEcho) error {
	want, err := checkSSESpec(s)
	if err != nil {
		return err
	}
	cur := d.SSEDescription
	var next *dynamodbapi.SSEDescription
	switch {
	case !want && cur == nil:
		return validation(msgSSEDefaultAlready)
	case want:
		key := deref(s.KMSMasterKeyId)
		if _, err := arn.Parse(key); err == nil && cur != nil && key == deref(cur.KMSMasterKeyArn) {
			return validation(msgSSESameKey)
		}
		next = sseDescription(sseKeyARN(sc, key))
	}
	var window []time.Time
	if len(log.SSE) > 0 && now.Sub(log.SSE[0]) < sseWindow {
		window = log.SSE
	}
	if n := len(window); n >= sseFreeChanges && now.Sub(window[n-1]) < sseSlowInterval {
		return awserr.New(codeLimitExceeded, http.StatusBadRequest, msgSSEQuota,
			window[0].Add(sseWindow).UTC().Format(isoMillis), n, window[n-1].UTC().Format(isoMillis))
	}
	log.SSE = append(window, now)
	echo.sseSet = true
	echo.sse = &dynamodbapi.SSEDescription{Status: ptr(sseStatusUpdating)}
	if cur != nil {
		echo.sse.SSEType, echo.sse.KMSMasterKeyArn = cur.SSEType, cur.KMSMasterKeyArn
	}
	d.SSEDescription = next
	return nil
}
