package s3

import (
	"net/http"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// The errors S3 answers, with the messages S3 sends.

func errNoSuchBucket() *awserr.Error {
	return awserr.New("NoSuchBucket", http.StatusNotFound, "The specified bucket does not exist")
}

func errNoSuchKey() *awserr.Error {
	return awserr.New("NoSuchKey", http.StatusNotFound, "The specified key does not exist.")
}

func errAccessDenied() *awserr.Error {
	return awserr.New("AccessDenied", http.StatusForbidden, "Access Denied")
}

func errInvalidBucketName() *awserr.Error {
	return awserr.New("InvalidBucketName", http.StatusBadRequest, "The specified bucket is not valid.")
}

func errBucketOwnedByYou() *awserr.Error {
	return awserr.New("BucketAlreadyOwnedByYou", http.StatusConflict,
		"Your previous request to create the named bucket succeeded and you already own it.")
}

func errBucketExists() *awserr.Error {
	return awserr.New("BucketAlreadyExists", http.StatusConflict,
		"The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
}

func errBucketNotEmpty() *awserr.Error {
	return awserr.New("BucketNotEmpty", http.StatusConflict, "The bucket you tried to delete is not empty")
}

func errInvalidRange() *awserr.Error {
	return awserr.New("InvalidRange", http.StatusRequestedRangeNotSatisfiable, "The requested range is not satisfiable")
}

func errBadDigest() *awserr.Error {
	return awserr.New("BadDigest", http.StatusBadRequest, "The Content-MD5 you specified did not match what we received.")
}

func errInvalidDigest() *awserr.Error {
	return awserr.New("InvalidDigest", http.StatusBadRequest, "The Content-MD5 you specified is not valid.")
}

func errInvalidArgument(msg string) *awserr.Error {
	return awserr.New("InvalidArgument", http.StatusBadRequest, "%s", msg)
}
