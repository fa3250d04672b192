package sigv4

import (
	"context"
)

// ParseForm reads the SigV4 fields of a browser-form POST upload (S3's POST
// Object): x-amz-algorithm, x-amz-credential and x-amz-date. The form's
// signature signs its base64 policy document; see VerifyPolicy.
func ParseForm(algorithm, credential, amzDate, signature string) (*Auth, error) {
	const s3Prefix = "Invalid according to Policy: "
	if algorithm != Algorithm {
		return nil, errorf(KindUnsupported, "Unsupported algorithm '%s'.", clip(algorithm)).
			withS3(s3Prefix + "the x-amz-algorithm field must be AWS4-HMAC-SHA256.")
	}
	a := &Auth{Signature: signature}
	if err := a.setCredential(credential, KindMalformed, "Invalid according to Policy: "); err != nil {
		return nil, err
	}
	if err := a.setTime(amzDate, KindMalformed); err != nil {
		return nil, err
	}
	if a.Date != a.AmzDate[:8] {
		return nil, errorf(KindCredentialDate, "Date in Credential scope does not match YYYYMMDD from x-amz-date: '%s' != '%s'.", a.Date, a.AmzDate[:8]).
			withS3("Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	return a, nil
}

// VerifyPolicy checks that a form's signature is the HMAC of its base64
// policy under the signing key of a's credential. The policy's own
// expiration and conditions are the caller's to check; the request time is
// not held to the clock-skew rule, as S3 does not for forms.
func (v *Verifier) VerifyPolicy(ctx context.Context, a *Auth, policy string) error {
	secret, err := v.lookupSecret(ctx, a)
	if err != nil {
		return err
	}
	key := v.keys.get(scopeKey{a.AccessKeyID, a.Date, a.Region, a.Service}, secret)
	if !equalSig(signHex(key[:], policy), a.Signature) {
		return &Error{Kind: KindSignatureMismatch, AccessKeyID: a.AccessKeyID, StringToSign: policy, SignatureProvided: a.Signature,
			Detail: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
	return nil
}

// verifierKey keys the Verifier in a context.
type verifierKey struct{}

// NewContext returns ctx carrying v, the verifier of strict mode, for
// handlers that must check signatures carried in a request's body (S3's
// browser-form uploads).
func NewContext(ctx context.Context, v *Verifier) context.Context {
	return context.WithValue(ctx, verifierKey{}, v)
}

// FromContext returns the verifier NewContext stored, or nil when the
// server does not verify signatures (open mode).
func FromContext(ctx context.Context) *Verifier {
	v, _ := ctx.Value(verifierKey{}).(*Verifier)
	return v
}

// VerifyPolicyV2 checks a form signed the legacy way (AWSAccessKeyId and
// signature fields): the signature is the base64 HMAC-SHA1 of the base64
// policy under the secret key. SDKs still send it by default for
// us-east-1 (boto3's generate_presigned_post does). securityToken is the form's x-amz-security-token field, which temporary
// credentials need ("" for long-term keys).
func (v *Verifier) VerifyPolicyV2(ctx context.Context, accessKeyID, securityToken, policy, signature string) error {
	a := &Auth{AccessKeyID: accessKeyID, SecurityToken: securityToken, Service: "s3", Signature: signature}
	secret, err := v.lookupSecret(ctx, a)
	if err != nil {
		return err
	}
	return checkV2(a, secret, policy)
}
