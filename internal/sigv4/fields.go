package sigv4

import (
	"strconv"
	"time"
)

// The extra elements S3 writes into its <Error> body beside Code and Message.
// They follow the struct-tag contract of generated shapes (package protocol),
// so codecs serialize them like any generated exception's members.

// SignatureMismatchFields are the elements of S3's SignatureDoesNotMatch.
type SignatureMismatchFields struct {
	_ struct{} `type:"structure"`

	AWSAccessKeyID    *string `type:"string" locationName:"AWSAccessKeyId"`
	StringToSign      *string `type:"string"`
	SignatureProvided *string `type:"string"`
	CanonicalRequest  *string `type:"string"`
}

// AccessKeyFields are the elements of S3's InvalidAccessKeyId.
type AccessKeyFields struct {
	_ struct{} `type:"structure"`

	AWSAccessKeyID *string `type:"string" locationName:"AWSAccessKeyId"`
}

// SkewFields are the elements of S3's RequestTimeTooSkewed.
type SkewFields struct {
	_ struct{} `type:"structure"`

	RequestTime                *string `type:"string"`
	ServerTime                 *string `type:"string"`
	MaxAllowedSkewMilliseconds *int64  `type:"long"`
}

// ExpiredFields are the elements of S3's AccessDenied for an expired
// presigned request.
type ExpiredFields struct {
	_ struct{} `type:"structure"`

	XAmzExpires *string `type:"string" locationName:"X-Amz-Expires"`
	Expires     *string `type:"string"`
	ServerTime  *string `type:"string"`
}

// ContentSHA256Fields are the elements of S3's XAmzContentSHA256Mismatch.
type ContentSHA256Fields struct {
	_ struct{} `type:"structure"`

	ClientComputedContentSHA256 *string `type:"string"`
	S3ComputedContentSHA256     *string `type:"string"`
}

// s3Fields returns the extra elements S3 sends for e, or nil.
func (e *Error) s3Fields() any {
	switch e.Kind {
	case KindSignatureMismatch, KindChunkSignature:
		if e.StringToSign == "" {
			return nil
		}
		f := &SignatureMismatchFields{
			StringToSign:      ptr(e.StringToSign),
			SignatureProvided: ptr(e.SignatureProvided),
			CanonicalRequest:  ptr(e.CanonicalRequest),
		}
		if e.AccessKeyID != "" {
			f.AWSAccessKeyID = ptr(e.AccessKeyID)
		}
		return f
	case KindContentSHA256Mismatch:
		if e.ComputedContentSHA256 == "" {
			return nil
		}
		return &ContentSHA256Fields{
			ClientComputedContentSHA256: ptr(e.ClientContentSHA256),
			S3ComputedContentSHA256:     ptr(e.ComputedContentSHA256),
		}
	case KindUnknownKey:
		return &AccessKeyFields{AWSAccessKeyID: ptr(e.AccessKeyID)}
	case KindSkewed:
		ms := int64(e.MaxSkew / time.Millisecond)
		return &SkewFields{
			RequestTime:                ptr(e.RequestTime.UTC().Format(TimeFormat)),
			ServerTime:                 ptr(e.ServerTime.UTC().Format(time.RFC3339)),
			MaxAllowedSkewMilliseconds: &ms,
		}
	case KindExpired:
		return &ExpiredFields{
			XAmzExpires: ptr(strconv.FormatInt(int64(e.Expires/time.Second), 10)),
			Expires:     ptr(e.RequestTime.Add(e.Expires).UTC().Format(time.RFC3339)),
			ServerTime:  ptr(e.ServerTime.UTC().Format(time.RFC3339)),
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
