package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// RestoreObject makes a temporary copy of an archived (GLACIER or
// DEEP_ARCHIVE) version readable. The request records a Restore in the
// version's record and an entry in the restore index,
//
//	storage.Key("s3", "restores") + uint64(due ns) + bucket + key + uint64(seq) → ""
//
// which the restore loop (restore_loop.go) reads by range up to the
// present: at Ready it completes the job (the copy becomes readable until
// Expiry, and a new entry is due then), at Expiry it drops the copy. Both
// the record and the index entry commit with the request, so a restore in
// progress survives a restart and completes. An entry whose version is
// gone or whose state moved on (an extended expiry) is simply removed.

// The time a restore job takes per retrieval tier, by default. AWS takes
// minutes (Expedited) to hours (Standard, Bulk); unkai keeps the order but
// uses seconds, so tests and local tools see a restore finish. Tests
// override Provider.restoreDelays.
const (
	defaultExpeditedDelay = 1 * time.Second
	defaultStandardDelay  = 2 * time.Second
	defaultBulkDelay      = 5 * time.Second
)

// The retrieval tiers of a restore.
const (
	tierExpedited = "Expedited"
	tierStandard  = "Standard"
	tierBulk      = "Bulk"
)

// restoreDelays is how long a restore job takes for each retrieval tier.
type restoreDelays struct {
	Expedited, Standard, Bulk time.Duration
}

func defaultRestoreDelays() restoreDelays {
	return restoreDelays{Expedited: defaultExpeditedDelay, Standard: defaultStandardDelay, Bulk: defaultBulkDelay}
}

// of is the delay of tier.
func (d restoreDelays) of(tier string) time.Duration {
	switch tier {
	case tierExpedited:
		return d.Expedited
	case tierBulk:
		return d.Bulk
	}
	return d.Standard
}

// Restore is the state of an archived version's restore.
type Restore struct {
	Tier      string    `json:"tier"`
	Days      int64     `json:"days"`
	Requested time.Time `json:"requested"`
	// Ready is when the restore job completes: Requested plus the tier's
	// delay.
	Ready time.Time `json:"ready"`
	// Ongoing holds until the restore loop completes the job.
	Ongoing bool `json:"ongoing,omitempty"`
	// Expiry is when the restored copy goes; set when the job completes.
	Expiry time.Time `json:"expiry,omitzero"`
}

// available reports whether r's restored copy can be read at now.
func (r *Restore) available(now time.Time) bool {
	return r != nil && !r.Ongoing && now.Before(r.Expiry)
}

// header is the x-amz-restore value S3 sends for r at now: nil when no
// restore was requested or its copy has expired.
func (r *Restore) header(now time.Time) *string {
	switch {
	case r == nil:
		return nil
	case r.Ongoing:
		return ptr(`ongoing-request="true"`)
	case now.Before(r.Expiry):
		return ptr(`ongoing-request="false", expiry-date="` + r.Expiry.UTC().Format(http.TimeFormat) + `"`)
	}
	return nil
}

// status is the RestoreStatus a listing shows for r at now (asked for with
// x-amz-optional-object-attributes: RestoreStatus): nil when none.
func (r *Restore) status(now time.Time) *s3api.RestoreStatus {
	switch {
	case r == nil:
		return nil
	case r.Ongoing:
		return &s3api.RestoreStatus{IsRestoreInProgress: ptr(true)}
	case now.Before(r.Expiry):
		return &s3api.RestoreStatus{IsRestoreInProgress: ptr(false), RestoreExpiryDate: ptr(r.Expiry.UTC())}
	}
	return nil
}

// restoreIndexPrefix is the key prefix of the restore index.
func restoreIndexPrefix() []byte { return storage.Key(Name, "restores") }

// restoreIndexKey is the index entry of version seq of bucket/key, due at due.
func restoreIndexKey(due time.Time, bucket, key string, seq uint64) []byte {
	k := storage.AppendUint64(restoreIndexPrefix(), uint64(due.UnixNano()))
	k = storage.AppendString(storage.AppendString(k, bucket), key)
	return storage.AppendUint64(k, seq)
}

// parseRestoreIndexKey recovers the version an index entry names.
func parseRestoreIndexKey(k []byte) (bucket, key string, seq uint64, err error) {
	parts, err := storage.Decode(k)
	if err != nil {
		return "", "", 0, fmt.Errorf("s3: restore index key: %w", err)
	}
	if len(parts) != 6 {
		return "", "", 0, fmt.Errorf("s3: restore index key has %d elements", len(parts))
	}
	bucket, ok1 := parts[3].(string)
	key, ok2 := parts[4].(string)
	seq, ok3 := parts[5].(uint64)
	if !ok1 || !ok2 || !ok3 {
		return "", "", 0, errors.New("s3: restore index key elements have the wrong types")
	}
	return bucket, key, seq, nil
}

func errRestoreInProgress() *awserr.Error {
	return awserr.New("RestoreAlreadyInProgress", http.StatusConflict, "Object restore is already in progress")
}

// restoreTier reads the retrieval tier of a request: GlacierJobParameters'
// Tier, else the request's own Tier, else Standard (S3's default).
func restoreTier(req *s3api.RestoreRequest) (string, error) {
	tier := tierStandard
	if j := req.GlacierJobParameters; j != nil {
		tier = deref(j.Tier)
	} else if req.Tier != nil {
		tier = *req.Tier
	}
	switch tier {
	case tierExpedited, tierStandard, tierBulk:
		return tier, nil
	}
	return "", errMalformedXML()
}

// restoreObject serves RestoreObject: 202 for a restore started, 200 when a
// restored copy already exists (its expiry is moved to Days from now, as S3
// does), 409 while one is in progress. Where AWS documents no error, unkai
// chose: a restore of an archived object without Days, or with Days below
// 1, is InvalidArgument; Expedited for DEEP_ARCHIVE (which S3 does not
// offer) is InvalidArgument. Select restores are not implemented.
func (p *Provider) restoreObject(ctx context.Context, in *s3api.RestoreObjectRequest) (*s3api.RestoreObjectOutput, error) {
	req := in.RestoreRequest
	if req == nil {
		req = &s3api.RestoreRequest{}
	}
	if req.Type != nil || req.SelectParameters != nil || req.OutputLocation != nil {
		return nil, awserr.New("NotImplemented", http.StatusNotImplemented,
			"RestoreObject with a SELECT restore request (S3 Select on archived objects) is not implemented by unkai.")
	}
	tier, err := restoreTier(req)
	if err != nil {
		return nil, err
	}
	account, bucket, key := scope.From(ctx).Account, deref(in.Bucket), deref(in.Key)
	now := p.clock.Now().UTC()
	status := http.StatusAccepted
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		status = http.StatusAccepted
		if _, err := bucketOf(ctx, tx, account, bucket); err != nil {
			return err
		}
		o, err := resolve(ctx, tx, bucket, key, in.VersionId)
		if err != nil {
			return err
		}
		if !archived(o.StorageClass) {
			return awserr.New("InvalidObjectState", http.StatusForbidden, "Restore is not allowed for the object's current storage class").
				WithFields(&s3api.InvalidObjectState{StorageClass: ptr(storageClassOf(*o))})
		}
		switch {
		case req.Days == nil:
			return errInvalidArgument("The Days element is required to restore an object in the " + o.StorageClass + " storage class")
		case *req.Days < 1:
			return errInvalidArgument("The Days element of a restore must be a positive integer")
		case tier == tierExpedited && o.StorageClass == classDeepArchive:
			return errInvalidArgument("The Expedited retrieval tier is not available for the DEEP_ARCHIVE storage class")
		}
		r := o.Restore
		var due time.Time
		switch {
		case r != nil && r.Ongoing:
			return errRestoreInProgress()
		case r.available(now):
			// A restored copy exists: its expiry moves to Days from now.
			status = http.StatusOK
			r.Days, r.Expiry = *req.Days, daysAfter(now, *req.Days)
			due = r.Expiry
		default:
			o.Restore = &Restore{Tier: tier, Days: *req.Days, Requested: now, Ready: now.Add(p.restoreDelays.of(tier)), Ongoing: true}
			due = o.Restore.Ready
		}
		if err := tx.Put(restoreIndexKey(due, bucket, key, o.Seq), nil); err != nil {
			return err
		}
		return rewriteVersion(ctx, tx, bucket, key, o)
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return &s3api.RestoreObjectOutput{Status: ptr(int64(status))}, nil
}
