package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// testSigner is a small client-side SigV4 signer, written independently of
// the verifier (it uses net/url's encoders and sorts differently), for
// known-answer and round-trip tests.
type testSigner struct {
	akid, secret, region, service string
	token                         string
}

func (s testSigner) s3() bool { return s.service == "s3" }

func tHMAC(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func tHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// strictEscape encodes all but A-Z a-z 0-9 - _ . ~ with url.QueryEscape,
// which differs only in writing spaces as '+'.
func strictEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func (s testSigner) canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if s.s3() {
			d, err := url.PathUnescape(seg)
			if err != nil {
				d = seg
			}
			segs[i] = strictEscape(d)
		} else {
			segs[i] = strictEscape(seg) // encodes the already-encoded path again
		}
	}
	return strings.Join(segs, "/")
}

func (s testSigner) canonicalQuery(u *url.URL, skipSig bool) string {
	vals, _ := url.ParseQuery(u.RawQuery)
	if skipSig {
		vals.Del(ParamSignature)
	}
	var parts []string
	for k, vs := range vals {
		for _, v := range vs {
			parts = append(parts, strictEscape(k)+"="+strictEscape(v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "&")
}

func (s testSigner) canonical(r *http.Request, signed []string, payload string, presigned bool) string {
	sort.Strings(signed)
	var hdrs strings.Builder
	for _, h := range signed {
		var v string
		if h == "host" {
			v = r.Host
		} else {
			vs := r.Header.Values(h)
			for i := range vs {
				vs[i] = strings.Join(strings.Fields(vs[i]), " ")
			}
			v = strings.Join(vs, ",")
		}
		fmt.Fprintf(&hdrs, "%s:%s\n", h, v)
	}
	return strings.Join([]string{
		r.Method,
		s.canonicalURI(r.URL),
		s.canonicalQuery(r.URL, presigned),
		hdrs.String(),
		strings.Join(signed, ";"),
		payload,
	}, "\n")
}

func (s testSigner) key(date string) []byte {
	k := tHMAC([]byte("AWS4"+s.secret), date)
	k = tHMAC(k, s.region)
	k = tHMAC(k, s.service)
	return tHMAC(k, "aws4_request")
}

func (s testSigner) scope(t time.Time) string {
	return t.Format("20060102") + "/" + s.region + "/" + s.service + "/aws4_request"
}

func (s testSigner) signature(t time.Time, canonical string) string {
	sts := "AWS4-HMAC-SHA256\n" + t.Format(TimeFormat) + "\n" + s.scope(t) + "\n" + tHash([]byte(canonical))
	return hex.EncodeToString(tHMAC(s.key(t.Format("20060102")), sts))
}

// sign adds X-Amz-Date (and the session token) and an Authorization header
// covering host, the named headers and every x-amz-* header. payload is the
// hash to sign; the body is not read.
func (s testSigner) sign(r *http.Request, t time.Time, payload string, extra ...string) string {
	r.Header.Set("X-Amz-Date", t.Format(TimeFormat))
	if s.token != "" {
		r.Header.Set("X-Amz-Security-Token", s.token)
	}
	signed := []string{"host"}
	for k := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") {
			signed = append(signed, lk)
		}
	}
	signed = append(signed, extra...)
	sig := s.signature(t, s.canonical(r, signed, payload, false))
	r.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		s.akid, s.scope(t), strings.Join(signed, ";"), sig))
	return sig
}

// presign adds the presigned query parameters, signing only host.
func (s testSigner) presign(r *http.Request, t time.Time, expires time.Duration) string {
	q := r.URL.Query()
	q.Set(ParamAlgorithm, Algorithm)
	q.Set(ParamCredential, s.akid+"/"+s.scope(t))
	q.Set(ParamDate, t.Format(TimeFormat))
	q.Set(ParamExpires, strconv.Itoa(int(expires/time.Second)))
	q.Set(ParamSignedHeaders, "host")
	if s.token != "" {
		q.Set(ParamSecurityToken, s.token)
	}
	r.URL.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	payload := tHash(nil)
	if s.s3() {
		payload = UnsignedPayload
	}
	sig := s.signature(t, s.canonical(r, []string{"host"}, payload, true))
	r.URL.RawQuery += "&" + ParamSignature + "=" + sig
	r.RequestURI = r.URL.RequestURI()
	return sig
}

// chunk frames data as one signed aws-chunked chunk and returns the frame
// and the chunk's signature.
func (s testSigner) chunk(t time.Time, prev string, data []byte) (string, string) {
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + t.Format(TimeFormat) + "\n" + s.scope(t) + "\n" + prev + "\n" +
		tHash(nil) + "\n" + tHash(data)
	sig := hex.EncodeToString(tHMAC(s.key(t.Format("20060102")), sts))
	return fmt.Sprintf("%x;chunk-signature=%s\r\n%s\r\n", len(data), sig, data), sig
}

// trailerSig signs trailing headers ("name:value\n" each) after prev.
func (s testSigner) trailerSig(t time.Time, prev, canon string) string {
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + t.Format(TimeFormat) + "\n" + s.scope(t) + "\n" + prev + "\n" + tHash([]byte(canon))
	return hex.EncodeToString(tHMAC(s.key(t.Format("20060102")), sts))
}
