package sts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Temporary credential formats. AWS's temporary access key ids are "ASIA"
// and 16 characters of the base32 alphabet; secrets are 40 characters of
// the base64 alphabet; session tokens are long opaque base64 text whose
// length AWS does not fix.
const (
	accessKeyPrefix   = "ASIA"
	accessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretAlphabet    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	secretLength      = 40
	tokenLength       = 356
)

// Sweeping. Expired credentials are kept a while before the sweep deletes
// them, so that for a day a client still sending them hears ExpiredToken
// (in open mode too) rather than being served as an unknown key; AWS's
// tokens carry their expiry and say so forever.
const (
	sweepInterval    = time.Minute
	expiredRetention = 24 * time.Hour
	sweepPage        = 500
	cacheSize        = 1024
)

// Credential kinds.
const (
	kindSession    = "session"
	kindFederation = "federation"
)

// credRecord is one issued credential as stored.
type credRecord struct {
	Secret  string `json:"secret"`
	Token   string `json:"token"`
	Account string `json:"account"`
	// ARN and UserID name the principal (see service.Credential).
	ARN    string `json:"arn"`
	UserID string `json:"userId"`
	Kind   string `json:"kind"`
	// Parent is the access key id that obtained the credential.
	Parent string `json:"parent"`
	// Name, Policy, PolicyARNs and Tags are GetFederationToken's inputs.
	// They are kept as given: without IAM nothing evaluates the session
	// policies, so federated users act with their account's full rights.
	Name       string            `json:"name,omitempty"`
	Policy     string            `json:"policy,omitempty"`
	PolicyARNs []string          `json:"policyArns,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
	Issued     time.Time         `json:"issued"`
	Expires    time.Time         `json:"expires"`
}

// credential returns the record as the gateway sees it.
func (r *credRecord) credential(akid string) service.Credential {
	return service.Credential{
		AccessKeyID:     akid,
		SecretAccessKey: r.Secret,
		SessionToken:    r.Token,
		Account:         r.Account,
		PrincipalARN:    r.ARN,
		UserID:          r.UserID,
		Expiration:      r.Expires,
	}
}

func credKey(akid string) []byte { return storage.Key(Name, "credential", akid) }

func expiryPrefix() []byte { return storage.Key(Name, "expiry") }

// expiryKey indexes akid by its expiry, so the sweep reads only what is due.
func expiryKey(at time.Time, akid string) []byte {
	return storage.AppendString(storage.AppendInt64(expiryPrefix(), at.UnixNano()), akid)
}

// isTemporary reports whether akid has the form of a temporary access key id.
func isTemporary(akid string) bool { return strings.HasPrefix(akid, accessKeyPrefix) }

// Credential implements service.CredentialSource.
func (p *Provider) Credential(ctx context.Context, akid string) (service.Credential, error) {
	rec, err := p.lookup(ctx, akid)
	if err != nil {
		return service.Credential{}, err
	}
	return rec.credential(akid), nil
}

// lookup returns the record of akid, from the cache or the store; an
// unknown key is an error wrapping service.ErrUnknownCredential.
func (p *Provider) lookup(ctx context.Context, akid string) (*credRecord, error) {
	if !isTemporary(akid) {
		return nil, fmt.Errorf("sts: %s: %w", akid, service.ErrUnknownCredential)
	}
	if rec, ok := p.cache.get(akid); ok {
		return rec, nil
	}
	raw, err := p.store.Get(ctx, credKey(akid))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("sts: %s: %w", akid, service.ErrUnknownCredential)
	}
	if err != nil {
		return nil, fmt.Errorf("sts: read credential: %w", err)
	}
	rec := &credRecord{}
	if err := json.Unmarshal(raw, rec); err != nil {
		return nil, fmt.Errorf("sts: decode credential %s: %w", akid, err)
	}
	p.cache.put(akid, rec)
	return rec, nil
}

// issue makes and stores a new credential from rec (whose secret and token
// it fills in) and returns its access key id.
func (p *Provider) issue(ctx context.Context, rec *credRecord) (string, error) {
	rec.Secret = p.ids.Alnum(secretLength, secretAlphabet)
	rec.Token = p.ids.Alnum(tokenLength, secretAlphabet)
	raw, err := json.Marshal(rec)
	if err != nil {
		return "", fmt.Errorf("sts: encode credential: %w", err)
	}
	var akid string
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		// A collision among 32^16 ids is all but impossible; a fresh
		// id per attempt keeps a retried transaction honest anyway.
		for {
			akid = accessKeyPrefix + p.ids.Alnum(16, accessKeyAlphabet)
			_, err := tx.Get(ctx, credKey(akid))
			if errors.Is(err, storage.ErrNotFound) {
				break
			}
			if err != nil {
				return err
			}
		}
		if err := tx.Put(credKey(akid), raw); err != nil {
			return err
		}
		return tx.Put(expiryKey(rec.Expires, akid), nil)
	})
	if err != nil {
		return "", fmt.Errorf("sts: store credential: %w", err)
	}
	return akid, nil
}

// sweepExpired deletes the credentials that expired more than
// expiredRetention ago, at p.clock's time, and returns how many.
func (p *Provider) sweepExpired(ctx context.Context) (int, error) {
	cutoff := p.clock.Now().Add(-expiredRetention)
	start := expiryPrefix()
	end := storage.AppendInt64(expiryPrefix(), cutoff.UnixNano())
	swept := 0
	for {
		var akids []string
		err := p.store.Update(ctx, func(tx storage.Txn) error {
			akids = akids[:0]
			kvs, err := storage.Collect(tx.Scan(ctx, start, end, storage.ScanOptions{Limit: sweepPage}))
			if err != nil {
				return err
			}
			for _, kv := range kvs {
				parts, err := storage.Decode(kv.Key)
				if err != nil || len(parts) != 4 {
					return fmt.Errorf("malformed expiry key %q: %w", kv.Key, storage.ErrBadKey)
				}
				akid, _ := parts[3].(string)
				if err := tx.Delete(kv.Key); err != nil {
					return err
				}
				if err := tx.Delete(credKey(akid)); err != nil {
					return err
				}
				akids = append(akids, akid)
			}
			return nil
		})
		if err != nil {
			return swept, fmt.Errorf("sts: sweep credentials: %w", err)
		}
		for _, akid := range akids {
			p.cache.remove(akid)
		}
		swept += len(akids)
		if len(akids) < sweepPage {
			return swept, nil
		}
	}
}

// credCache is a small bounded cache of credential records, so requests
// signed with temporary credentials do not read the store each time.
// Records never change; the sweep and Reset remove them. Like sigv4's key
// cache it keeps two generations of at most size entries each.
type credCache struct {
	mu   sync.Mutex
	size int
	cur  map[string]*credRecord
	prev map[string]*credRecord
}

func newCredCache(size int) *credCache {
	return &credCache{size: size, cur: make(map[string]*credRecord, size)}
}

func (c *credCache) get(akid string) (*credRecord, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.cur[akid]; ok {
		return r, true
	}
	r, ok := c.prev[akid]
	if ok {
		c.putLocked(akid, r)
	}
	return r, ok
}

func (c *credCache) put(akid string, r *credRecord) {
	c.mu.Lock()
	c.putLocked(akid, r)
	c.mu.Unlock()
}

func (c *credCache) putLocked(akid string, r *credRecord) {
	if _, ok := c.cur[akid]; !ok && len(c.cur) >= c.size {
		c.prev = c.cur
		c.cur = make(map[string]*credRecord, c.size)
	}
	c.cur[akid] = r
}

func (c *credCache) remove(akid string) {
	c.mu.Lock()
	delete(c.cur, akid)
	delete(c.prev, akid)
	c.mu.Unlock()
}

func (c *credCache) clear() {
	c.mu.Lock()
	c.cur = make(map[string]*credRecord, c.size)
	c.prev = nil
	c.mu.Unlock()
}
