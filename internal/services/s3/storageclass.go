package s3

import (
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// S3's storage classes as unkai serves them. An object stores its class in
// Object.StorageClass, "" for STANDARD (which S3 never names in an
// x-amz-storage-class header). GLACIER and DEEP_ARCHIVE objects are
// archived: their bodies cannot be read until a restore makes a temporary
// copy available (restore.go). The archive access tiers of
// INTELLIGENT_TIERING are not modelled: such objects always read.
const (
	classStandard           = "STANDARD"
	classReducedRedundancy  = "REDUCED_REDUNDANCY"
	classStandardIA         = "STANDARD_IA"
	classOneZoneIA          = "ONEZONE_IA"
	classIntelligentTiering = "INTELLIGENT_TIERING"
	classGlacierIR          = "GLACIER_IR"
	classGlacier            = "GLACIER"
	classDeepArchive        = "DEEP_ARCHIVE"
)

// classRank places each storage class on S3's lifecycle waterfall, from
// the warmest (0) to the coldest: a lifecycle transition only moves an
// object to a colder class (see transitionAllowed). REDUCED_REDUNDANCY,
// which S3 gives no waterfall place, transitions as STANDARD does.
var classRank = map[string]int{
	"":                      0,
	classStandard:           0,
	classReducedRedundancy:  0,
	classStandardIA:         1,
	classIntelligentTiering: 2,
	classOneZoneIA:          3,
	classGlacierIR:          4,
	classGlacier:            5,
	classDeepArchive:        6,
}

func errInvalidStorageClass() *awserr.Error {
	return awserr.New("InvalidStorageClass", http.StatusBadRequest, "The storage class you specified is not valid")
}

// storageClassParam checks the x-amz-storage-class of a PUT, copy, POST or
// multipart upload and returns the class to store: "" for STANDARD or none.
// Classes of other S3 products (OUTPOSTS, SNOW, EXPRESS_ONEZONE) are
// refused as a general purpose bucket refuses them.
func storageClassParam(h *string) (string, error) {
	c := deref(h)
	if c == "" || c == classStandard {
		return "", nil
	}
	if _, ok := classRank[c]; !ok {
		return "", errInvalidStorageClass()
	}
	return c, nil
}

// archived reports whether objects of class c need a restore to be read.
func archived(c string) bool { return c == classGlacier || c == classDeepArchive }

// transitionAllowed reports whether a lifecycle rule may move an object of
// class from to class to, as S3's waterfall allows: only to a colder
// class, and never from ONEZONE_IA to GLACIER_IR.
func transitionAllowed(from, to string) bool {
	rf, okf := classRank[from]
	rt, okt := classRank[to]
	if !okf || !okt || rt <= rf || to == classReducedRedundancy {
		return false
	}
	return from != classOneZoneIA || to != classGlacierIR
}

// errInvalidObjectState is S3's refusal to read an archived object's body
// with no restored copy available; source says the object is a copy's
// source. It names the object's storage class, as S3's error does.
func errInvalidObjectState(class string, source bool) *awserr.Error {
	msg := "The operation is not valid for the object's storage class"
	if source {
		msg = "Operation is not valid for the source object's storage class"
	}
	return awserr.New("InvalidObjectState", http.StatusForbidden, "%s", msg).
		WithFields(&s3api.InvalidObjectState{StorageClass: ptr(class)})
}

// checkReadable refuses to read the body of an archived object that has no
// restored copy available at the time now says.
func checkReadable(o *Object, now time.Time) error {
	if !archived(o.StorageClass) || o.Restore.available(now) {
		return nil
	}
	return errInvalidObjectState(o.StorageClass, false)
}
