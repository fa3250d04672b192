package s3

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/sigv4"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Limits on the form fields before the file. S3 refuses forms whose
// fields take more than about 20 KB; the policy alone may take most of it.
const (
	maxFormField  = 20 << 10
	maxFormFields = 64 << 10
)

// postObject serves browser-form uploads (POST Object): a multipart form
// whose fields name the key and object headers, carry a signed policy,
// and end with the file. The upload itself goes through putObject, so it
// is checked and stored like any PUT.
//
// In strict mode a signed form (x-amz-signature over the policy) acts as
// its access key's account and an unsigned one is anonymous; either way
// the bucket's policy and ACL decide (authorizePost). In open mode an
// unsigned form acts as the default account, and a signed one as its
// access key's account.
func (p *Provider) postObject(ctx context.Context, in *s3api.PostObjectRequest) (*s3api.PostObjectOutput, error) {
	bucket := deref(in.Bucket)
	// The bucket's name is global; its owner is known only once the
	// form's credential is read, but a missing bucket is answered first.
	if _, err := p.store.Get(ctx, NameKey(bucket)); errors.Is(err, storage.ErrNotFound) {
		return nil, errNoSuchBucket()
	} else if err != nil {
		return nil, awserr.Internal(err)
	}
	mt, params, err := mime.ParseMediaType(deref(in.ContentType))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, awserr.New("PreconditionFailed", http.StatusPreconditionFailed,
			"At least one of the pre-conditions you specified did not hold")
	}
	mr := multipart.NewReader(in.Body, params["boundary"])
	fields, file, err := readFormFields(mr)
	if err != nil {
		return nil, err
	}
	key, ok := fields["key"]
	if !ok || key == "" {
		return nil, errInvalidArgument("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
	}
	key = strings.ReplaceAll(key, "${filename}", file.FileName())
	fields["key"], fields["bucket"] = key, bucket

	sc := scope.From(ctx)
	pol, err := p.authorizeForm(ctx, fields, &sc)
	if err != nil {
		return nil, err
	}
	if sc, err = p.authorizePost(ctx, sc, bucket, key, fields); err != nil {
		return nil, err
	}
	put := formPutRequest(bucket, key, fields)
	put.Body = io.Reader(file)
	if pol != nil && pol.hasRange {
		put.Body = &rangeReader{r: file, min: pol.minSize, max: pol.maxSize}
	}
	res, err := p.putObject(scope.With(ctx, sc), put)
	if err != nil {
		return nil, err
	}
	return formResponse(fields, bucket, key, res)
}

// readFormFields reads the form up to its file part: the fields by
// lowercase name, and the file part, positioned at its content.
func readFormFields(mr *multipart.Reader) (map[string]string, *multipart.Part, error) {
	fields := map[string]string{}
	total := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, nil, errInvalidArgument("POST requires exactly one file upload per request.")
		}
		if err != nil {
			return nil, nil, awserr.New("MalformedPOSTRequest", http.StatusBadRequest,
				"The body of your POST request is not well-formed multipart/form-data.").WithCause(err)
		}
		name := strings.ToLower(part.FormName())
		if name == "file" {
			return fields, part, nil
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		total += len(v)
		if err != nil {
			return nil, nil, awserr.New("MalformedPOSTRequest", http.StatusBadRequest,
				"The body of your POST request is not well-formed multipart/form-data.").WithCause(err)
		}
		if len(v) > maxFormField || total > maxFormFields {
			return nil, nil, awserr.New("MaxPostPreDataLengthExceededError", http.StatusBadRequest,
				"Your POST request fields preceeding the upload file was too large.")
		}
		if name != "" {
			fields[name] = string(v)
		}
	}
}

// authorizeForm checks a form's signature and policy and sets the account
// it acts as in sc. It returns the policy, nil for an unsigned form.
func (p *Provider) authorizeForm(ctx context.Context, fields map[string]string, sc *scope.Scope) (*postPolicy, error) {
	verifier := sigv4.FromContext(ctx)
	policyText, signed := fields["policy"]
	if !signed {
		return nil, nil
	}
	var accessKey, region string
	if v2Key, ok := fields["awsaccesskeyid"]; ok && fields["x-amz-signature"] == "" {
		// The legacy signature (HMAC-SHA1), which SDKs still send for
		// us-east-1.
		if verifier != nil {
			if err := verifier.VerifyPolicyV2(ctx, v2Key, fields["x-amz-security-token"], policyText, fields["signature"]); err != nil {
				return nil, sigv4.ToAWS(err, sigv4.DialectS3)
			}
		}
		accessKey = v2Key
	} else {
		a, err := sigv4.ParseForm(fields["x-amz-algorithm"], fields["x-amz-credential"], fields["x-amz-date"], fields["x-amz-signature"])
		if err != nil {
			return nil, sigv4.ToAWS(err, sigv4.DialectS3)
		}
		a.SecurityToken = fields["x-amz-security-token"]
		if verifier != nil {
			if err := verifier.VerifyPolicy(ctx, a, policyText); err != nil {
				return nil, sigv4.ToAWS(err, sigv4.DialectS3)
			}
		}
		accessKey, region = a.AccessKeyID, a.Region
	}
	pol, err := parsePostPolicy(policyText)
	if err != nil {
		return nil, err
	}
	if err := pol.check(fields, p.clock.Now()); err != nil {
		return nil, err
	}
	account, err := p.accountOf(ctx, accessKey)
	if err != nil {
		return nil, err
	}
	sc.Account, sc.AccessKey, sc.Anonymous = account, accessKey, false
	if region != "" {
		sc.Region = region
	}
	return pol, nil
}

// accountOf is the account an access key acts as: for temporary
// credentials (ASIA keys), the one that obtained them, as STS tells
// in-process; for other keys, the usual rule (scope.AccountForAccessKey).
func (p *Provider) accountOf(ctx context.Context, accessKey string) (string, error) {
	if sts, _ := p.peers.Handlers(stsapi.Descriptor).(*stsapi.Handlers); sts != nil && sts.GetAccessKeyInfo != nil &&
		strings.HasPrefix(accessKey, "ASIA") && len(accessKey) >= 16 {
		out, err := sts.GetAccessKeyInfo(ctx, &stsapi.GetAccessKeyInfoRequest{AccessKeyId: &accessKey})
		if err != nil {
			return "", awserr.Internal(err)
		}
		return deref(out.Account), nil
	}
	return scope.AccountForAccessKey(accessKey), nil
}

// formPutRequest makes the PUT a form's fields describe.
func formPutRequest(bucket, key string, f map[string]string) *s3api.PutObjectRequest {
	opt := func(name string) *string {
		if v, ok := f[name]; ok {
			return &v
		}
		return nil
	}
	put := &s3api.PutObjectRequest{
		Bucket:             &bucket,
		Key:                &key,
		ContentType:        opt("content-type"),
		CacheControl:       opt("cache-control"),
		ContentDisposition: opt("content-disposition"),
		ContentEncoding:    opt("content-encoding"),
		ContentLanguage:    opt("content-language"),
		StorageClass:       opt("x-amz-storage-class"),
		Tagging:            opt("tagging"),
	}
	for name, v := range f {
		if m, ok := strings.CutPrefix(name, "x-amz-meta-"); ok {
			if put.Metadata == nil {
				put.Metadata = map[string]string{}
			}
			put.Metadata[m] = v
		}
	}
	return put
}

// formResponse answers as the form asks: a 303 redirect to
// success_action_redirect, or success_action_status 200, 201 (with a
// PostResponse document) or, by default, 204.
func formResponse(f map[string]string, bucket, key string, res *s3api.PutObjectOutput) (*s3api.PostObjectOutput, error) {
	location := "/" + url.PathEscape(bucket) + "/" + escapeKey(key)
	out := &s3api.PostObjectOutput{ETag: res.ETag, VersionId: res.VersionId, ServerSideEncryption: res.ServerSideEncryption}
	redirect := f["success_action_redirect"]
	if redirect == "" {
		redirect = f["redirect"]
	}
	if u, err := url.Parse(redirect); redirect != "" && err == nil && u.Scheme != "" {
		q := u.Query()
		q.Set("bucket", bucket)
		q.Set("key", key)
		q.Set("etag", deref(res.ETag))
		u.RawQuery = q.Encode()
		out.Status, out.Location = ptr(int64(http.StatusSeeOther)), ptr(u.String())
		return out, nil
	}
	out.Location = &location
	switch f["success_action_status"] {
	case "200":
		out.Status = ptr(int64(http.StatusOK))
	case "201":
		doc, err := xml.Marshal(struct {
			XMLName  xml.Name `xml:"PostResponse"`
			Location string
			Bucket   string
			Key      string
			ETag     string
		}{Location: location, Bucket: bucket, Key: key, ETag: deref(res.ETag)})
		if err != nil {
			return nil, awserr.Internal(err)
		}
		out.Status, out.ContentType = ptr(int64(http.StatusCreated)), ptr("application/xml")
		out.Body = strings.NewReader(xml.Header + string(doc))
	default:
		out.Status = ptr(int64(http.StatusNoContent))
	}
	return out, nil
}

// escapeKey escapes an object key for a URL path, keeping its slashes.
func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// rangeReader passes a file through while holding it to a policy's
// content-length-range: more than max bytes fail the read at once, fewer
// than min fail it at the end, before anything is committed.
type rangeReader struct {
	r        io.Reader
	n        int64
	min, max int64
}

// Read implements io.Reader.
func (r *rangeReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.n += int64(n)
	if r.n > r.max {
		return n, awserr.New("EntityTooLarge", http.StatusBadRequest, "Your proposed upload exceeds the maximum allowed size")
	}
	if errors.Is(err, io.EOF) && r.n < r.min {
		return n, awserr.New("EntityTooSmall", http.StatusBadRequest, "Your proposed upload is smaller than the minimum allowed size")
	}
	return n, err
}
