package s3

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

// matchRule returns the first routing rule that applies to key: with
// status 0 (before the object is read) the rules without an error-code
// condition, with an error's status the rules naming that code. Both
// conditions of a rule must hold; a rule without a condition applies to
// every key. Nil when none applies.
func (s *siteRequest) matchRule(key string, status int) *s3api.RoutingRule {
	for i := range s.cfg.RoutingRules {
		rule := &s.cfg.RoutingRules[i]
		if rule.Redirect == nil {
			continue
		}
		var code, prefix string
		if c := rule.Condition; c != nil {
			code, prefix = deref(c.HttpErrorCodeReturnedEquals), deref(c.KeyPrefixEquals)
		}
		if code == "" && status != 0 || code != "" && code != strconv.Itoa(status) {
			continue
		}
		if strings.HasPrefix(key, prefix) {
			return rule
		}
	}
	return nil
}

// ruleRedirect answers a routing rule's redirect for key: the rule's
// protocol and host (the request's when unset), the key replaced whole
// (ReplaceKeyWith) or its KeyPrefixEquals prefix replaced
// (ReplaceKeyPrefixWith), with the rule's code (301 when unset).
func (s *siteRequest) ruleRedirect(rule *s3api.RoutingRule, key string) {
	rd := rule.Redirect
	newKey := key
	switch {
	case rd.ReplaceKeyWith != nil:
		newKey = *rd.ReplaceKeyWith
	case rd.ReplaceKeyPrefixWith != nil:
		prefix := ""
		if rule.Condition != nil {
			prefix = deref(rule.Condition.KeyPrefixEquals)
		}
		newKey = *rd.ReplaceKeyPrefixWith + strings.TrimPrefix(key, prefix)
	}
	host := deref(rd.HostName)
	if host == "" {
		host = s.r.Host
	}
	code := http.StatusMovedPermanently
	if n, err := strconv.Atoi(deref(rd.HttpRedirectCode)); err == nil && n >= 300 && n <= 399 {
		code = n
	}
	s.redirect(code, s.scheme(rd.Protocol)+"://"+host+(&url.URL{Path: "/" + newKey}).EscapedPath())
}
