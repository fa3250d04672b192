package s3

import (
	"strings"
	"testing"
)

// evalKeys is a request's condition keys for tests, by lowercased name.
type evalKeys map[string][]string

func (k evalKeys) get(name string) ([]string, bool) {
	v, ok := k[name]
	return v, ok
}

func compileTestPolicy(t *testing.T, statements string) *compiledPolicy {
	t.Helper()
	doc, err := parsePolicy("bkt", `{"Version":"2012-10-17","Statement":[`+statements+`]}`)
	if err != nil {
		t.Fatalf("parse %s: %v", statements, err)
	}
	return compilePolicy(doc)
}

func TestPolicyEvaluate(t *testing.T) {
	owner := principal{Account: "111122223333"}
	other := principal{Account: "444455556666"}
	anon := principal{Anonymous: true}
	obj := "arn:aws:s3:::bkt/photos/cat.jpg"
	bucket := "arn:aws:s3:::bkt"
	const (
		publicRead = `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`
		denyPriv   = `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/private/*"}`
	)
	type req struct {
		who      principal
		action   string
		resource string
		keys     evalKeys
		want     decision
	}
	for _, tc := range []struct {
		name   string
		policy string
		reqs   []req
	}{
		{"public read", publicRead, []req{
			{anon, "s3:GetObject", obj, nil, allowed},
			{other, "s3:GetObject", obj, nil, allowed},
			{anon, "s3:PutObject", obj, nil, implicitDeny},
			{anon, "s3:ListBucket", bucket, nil, implicitDeny},
			{anon, "s3:GetObjectVersion", obj, nil, implicitDeny},
		}},
		{"AWS star is everyone", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, []req{
			{anon, "s3:GetObject", obj, nil, allowed},
		}},
		{"action wildcards and case", `{"Effect":"Allow","Principal":"*","Action":["S3:get*","s3:List?ucket"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`, []req{
			{anon, "s3:GetObject", obj, nil, allowed},
			{anon, "s3:GetObjectTagging", obj, nil, allowed},
			{anon, "s3:ListBucket", bucket, nil, allowed},
			{anon, "s3:ListBucketVersions", bucket, nil, implicitDeny},
			{anon, "s3:PutObject", obj, nil, implicitDeny},
		}},
		{"star action", `{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::*"}`, []req{
			{anon, "s3:DeleteBucket", bucket, nil, allowed},
		}},
		{"deny beats allow", publicRead + `,` + denyPriv, []req{
			{anon, "s3:GetObject", obj, nil, allowed},
			{anon, "s3:GetObject", "arn:aws:s3:::bkt/private/x", nil, explicitDeny},
			{owner, "s3:GetObject", "arn:aws:s3:::bkt/private/x", nil, explicitDeny},
			{owner, "s3:GetObject", "arn:aws:s3:::bkt/privatex", nil, allowed},
		}},
		{"resource question mark and prefix", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/photos/???.jpg"}`, []req{
			{anon, "s3:GetObject", obj, nil, allowed},
			{anon, "s3:GetObject", "arn:aws:s3:::bkt/photos/dog2.jpg", nil, implicitDeny},
			{anon, "s3:GetObject", "arn:aws:s3:::bkt/photos/ねこ.jpg", nil, implicitDeny},
			{anon, "s3:GetObject", "arn:aws:s3:::bkt/photos/ねこ猫.jpg", nil, allowed},
		}},
		{"not action", `{"Effect":"Deny","Principal":"*","NotAction":"s3:Get*","Resource":"arn:aws:s3:::bkt/*"}`, []req{
			{owner, "s3:PutObject", obj, nil, explicitDeny},
			{owner, "s3:GetObject", obj, nil, implicitDeny},
		}},
		{"not resource", `{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":["arn:aws:s3:::bkt/public/*"]}`, []req{
			{anon, "s3:GetObject", obj, nil, explicitDeny},
			{anon, "s3:GetObject", "arn:aws:s3:::bkt/public/a", nil, implicitDeny},
		}},
		{"principals by account and ARN", `{"Effect":"Allow","Principal":{"AWS":["444455556666"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"},` +
			`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777788889999:root"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"},` +
			`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bkt/*"}`, []req{
			{other, "s3:GetObject", obj, nil, allowed},
			{anon, "s3:GetObject", obj, nil, implicitDeny},
			{owner, "s3:GetObject", obj, nil, implicitDeny},
			{principal{Account: "777788889999"}, "s3:PutObject", obj, nil, allowed},
			{other, "s3:PutObject", obj, nil, implicitDeny},
			{owner, "s3:DeleteObject", obj, nil, implicitDeny},
		}},
		{"canonical user", `{"Effect":"Allow","Principal":{"CanonicalUser":"` + CanonicalUserID("444455556666") + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, []req{
			{other, "s3:GetObject", obj, nil, allowed},
			{owner, "s3:GetObject", obj, nil, implicitDeny},
		}},
		{"not principal", `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`, []req{
			{owner, "s3:GetObject", obj, nil, implicitDeny},
			{other, "s3:GetObject", obj, nil, explicitDeny},
			{anon, "s3:GetObject", obj, nil, explicitDeny},
		}},
		{"source ip", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"IpAddress":{"aws:SourceIp":["127.0.0.1/32","2001:db8::/32"]}}}`, []req{
			{anon, "s3:GetObject", obj, evalKeys{"aws:sourceip": {"127.0.0.1"}}, allowed},
			{anon, "s3:GetObject", obj, evalKeys{"aws:sourceip": {"10.1.2.3"}}, implicitDeny},
			{anon, "s3:GetObject", obj, evalKeys{"aws:sourceip": {"2001:db8::5"}}, allowed},
			{anon, "s3:GetObject", obj, nil, implicitDeny},
		}},
		{"not ip address deny", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`, []req{
			{owner, "s3:GetObject", obj, evalKeys{"aws:sourceip": {"192.0.2.7"}}, implicitDeny},
			{owner, "s3:GetObject", obj, evalKeys{"aws:sourceip": {"198.51.100.1"}}, explicitDeny},
			{owner, "s3:GetObject", obj, nil, explicitDeny}, // an absent key satisfies a negated operator
		}},
		{"secure transport", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"Bool":{"aws:SecureTransport":false}}}`, []req{
			{owner, "s3:GetObject", obj, evalKeys{"aws:securetransport": {"false"}}, explicitDeny},
			{owner, "s3:GetObject", obj, evalKeys{"aws:securetransport": {"true"}}, implicitDeny},
		}},
		{"string operators", `{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{` +
			`"StringLike":{"s3:prefix":["home/*","shared/"]},"StringNotEquals":{"s3:delimiter":"|"},"StringEqualsIgnoreCase":{"aws:UserAgent":"Tester"}}}`, []req{
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:prefix": {"home/a"}, "aws:useragent": {"TESTER"}}, allowed},
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:prefix": {"shared/"}, "s3:delimiter": {"/"}, "aws:useragent": {"tester"}}, allowed},
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:prefix": {"shared/"}, "s3:delimiter": {"|"}, "aws:useragent": {"tester"}}, implicitDeny},
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:prefix": {"other/"}, "aws:useragent": {"tester"}}, implicitDeny},
			{anon, "s3:ListBucket", bucket, evalKeys{"aws:useragent": {"tester"}}, implicitDeny},
		}},
		{"if exists", `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}},` +
			`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{"NumericLessThanEqualsIfExists":{"s3:max-keys":"10"}}}`, []req{
			{owner, "s3:PutObject", obj, nil, explicitDeny}, // IfExists holds for an absent key
			{owner, "s3:PutObject", obj, evalKeys{"s3:x-amz-server-side-encryption": {"AES256"}}, implicitDeny},
			{owner, "s3:PutObject", obj, evalKeys{"s3:x-amz-server-side-encryption": {"aws:kms"}}, explicitDeny},
			{anon, "s3:ListBucket", bucket, nil, allowed},
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:max-keys": {"10"}}, allowed},
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:max-keys": {"11"}}, implicitDeny},
		}},
		{"positive operator fails on an absent key", `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"s3:x-amz-acl":"public-read"}}}`, []req{
			{owner, "s3:PutObject", obj, nil, implicitDeny},
			{owner, "s3:PutObject", obj, evalKeys{"s3:x-amz-acl": {"public-read"}}, explicitDeny},
		}},
		{"null", `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}`, []req{
			{owner, "s3:PutObject", obj, nil, explicitDeny},
			{owner, "s3:PutObject", obj, evalKeys{"s3:x-amz-server-side-encryption": {"AES256"}}, implicitDeny},
		}},
		{"unknown key is absent", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:NoSuchKey":"x"}}}`, []req{
			{anon, "s3:GetObject", obj, nil, implicitDeny},
		}},
		{"numeric", `{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{"NumericGreaterThan":{"s3:max-keys":5},"NumericNotEquals":{"s3:max-keys":["7","8.0"]}}}`, []req{
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:max-keys": {"6"}}, allowed},
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:max-keys": {"8"}}, implicitDeny},
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:max-keys": {"5"}}, implicitDeny},
			{anon, "s3:ListBucket", bucket, evalKeys{"s3:max-keys": {"lots"}}, implicitDeny},
		}},
		{"dates", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},"DateLessThan":{"aws:EpochTime":"1800000000"}}}`, []req{
			{anon, "s3:GetObject", obj, evalKeys{"aws:currenttime": {"2026-03-01T00:00:00Z"}, "aws:epochtime": {"1772323200"}}, allowed},
			{anon, "s3:GetObject", obj, evalKeys{"aws:currenttime": {"2025-12-31T23:59:59Z"}, "aws:epochtime": {"1772323200"}}, implicitDeny},
			{anon, "s3:GetObject", obj, evalKeys{"aws:currenttime": {"2026-03-01T00:00:00Z"}, "aws:epochtime": {"1900000000"}}, implicitDeny},
		}},
		{"for any and all values", `{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["team","env"]}}},` +
			`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"ForAnyValue:StringLike":{"s3:RequestObjectTagKeys":"secret*"}}}`, []req{
			{anon, "s3:PutObject", obj, evalKeys{"s3:requestobjecttagkeys": {"team"}}, allowed},
			{anon, "s3:PutObject", obj, evalKeys{"s3:requestobjecttagkeys": {"team", "env"}}, allowed},
			{anon, "s3:PutObject", obj, evalKeys{"s3:requestobjecttagkeys": {"team", "owner"}}, implicitDeny},
			{anon, "s3:PutObject", obj, nil, allowed}, // ForAllValues holds for no values
			{anon, "s3:PutObject", obj, evalKeys{"s3:requestobjecttagkeys": {"team", "secretx"}}, explicitDeny},
		}},
		{"tag keys keep their case", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/Class":"public"}}}`, []req{
			{anon, "s3:GetObject", obj, evalKeys{"s3:existingobjecttag/Class": {"public"}}, allowed},
			{anon, "s3:GetObject", obj, evalKeys{"s3:existingobjecttag/class": {"public"}}, implicitDeny},
		}},
		{"arn like", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::4444*:root"}}}`, []req{
			{other, "s3:GetObject", obj, evalKeys{"aws:principalarn": {other.arn()}}, allowed},
			{owner, "s3:GetObject", obj, evalKeys{"aws:principalarn": {owner.arn()}}, implicitDeny},
		}},
		{"unknown operator never holds", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringSortOf":{"aws:UserAgent":"x"}}}`, []req{
			{owner, "s3:GetObject", obj, evalKeys{"aws:useragent": {"x"}}, implicitDeny},
		}},
		{"policy variables", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/home/${aws:userid}/*"},` +
			`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/literal${*}/*"}`, []req{
			{other, "s3:GetObject", "arn:aws:s3:::bkt/home/444455556666/a", evalKeys{"aws:userid": {"444455556666"}}, allowed},
			{other, "s3:GetObject", "arn:aws:s3:::bkt/home/111122223333/a", evalKeys{"aws:userid": {"444455556666"}}, implicitDeny},
			{other, "s3:GetObject", "arn:aws:s3:::bkt/home/x/a", nil, implicitDeny},
			{other, "s3:PutObject", "arn:aws:s3:::bkt/literal*/a", nil, allowed},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := compileTestPolicy(t, tc.policy)
			for i, r := range tc.reqs {
				got := cp.evaluate(&evalRequest{Principal: r.who, Action: r.action, Resource: r.resource, Key: r.keys.get})
				if got != r.want {
					t.Errorf("request %d (%+v %s %s %v) = %v, want %v", i, r.who, r.action, r.resource, r.keys, got, r.want)
				}
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*/*", "x/y/z", true},
		{"a**b", "ab", true},
		{"日?", "日本", true},
		{"", "", true},
		{"", "a", false},
		{"a*", "a*", true},
	} {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func FuzzPolicyEvaluate(f *testing.F) {
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}}`, "s3:GetObject", "photos/a", "127.0.0.1")
	f.Add(`{"Effect":"Deny","Principal":{"AWS":["1"]},"NotAction":"s3:*","Resource":"arn:aws:s3:::bkt/${aws:userid, 'x'}","Condition":{"ForAllValues:DateLessThanIfExists":{"aws:CurrentTime":[1,"2020-01-01"]}}}`, "s3:PutObject", "x", "::1")
	f.Fuzz(func(t *testing.T, statement, action, key, ip string) {
		doc, err := parsePolicy("bkt", `{"Statement":[`+statement+`]}`)
		if err != nil {
			return
		}
		cp := compilePolicy(doc)
		keys := evalKeys{"aws:sourceip": {ip}, "aws:currenttime": {"2026-01-01T00:00:00Z"}, "aws:userid": {"anonymous"}}
		for _, who := range []principal{{Anonymous: true}, {Account: "111122223333"}} {
			d := cp.evaluate(&evalRequest{Principal: who, Action: action, Resource: "arn:aws:s3:::bkt/" + key, Key: keys.get})
			if d != allowed && d != implicitDeny && d != explicitDeny {
				t.Fatalf("decision %v", d)
			}
			if strings.Contains(d.String(), " ") {
				t.Fatal(d.String())
			}
		}
	})
}
