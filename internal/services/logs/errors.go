package logs

import (
	"net/http"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// AWS error codes the provider answers.
const (
	codeAlreadyExists    = "ResourceAlreadyExistsException"
	codeNotFound         = "ResourceNotFoundException"
	codeInvalidParameter = "InvalidParameterException"
	codeTooManyTags      = "TooManyTagsException"
)

func errGroupExists() *awserr.Error {
	return awserr.New(codeAlreadyExists, http.StatusBadRequest, "The specified log group already exists")
}

func errStreamExists() *awserr.Error {
	return awserr.New(codeAlreadyExists, http.StatusBadRequest, "The specified log stream already exists")
}

func errGroupNotFound() *awserr.Error {
	return awserr.New(codeNotFound, http.StatusBadRequest, "The specified log group does not exist.")
}

func errStreamNotFound() *awserr.Error {
	return awserr.New(codeNotFound, http.StatusBadRequest, "The specified log stream does not exist.")
}

func errResourceNotFound() *awserr.Error {
	return awserr.New(codeNotFound, http.StatusBadRequest, "The specified resource does not exist.")
}

func errInvalid(format string, args ...any) *awserr.Error {
	return awserr.New(codeInvalidParameter, http.StatusBadRequest, format, args...)
}

func errBadToken() *awserr.Error {
	return errInvalid("The specified nextToken is invalid.")
}
