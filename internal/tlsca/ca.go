package tlsca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"slices"
	"strings"
	"time"
)

// Validity periods and the renewal margin of the certificates the CA makes.
const (
	// CAValidity is how long a new CA certificate is valid.
	CAValidity = 10 * 365 * 24 * time.Hour
	// LeafValidity is how long a server certificate is valid; it stays
	// below the 825 days some clients accept for any server certificate.
	LeafValidity = 365 * 24 * time.Hour
	// RenewBefore is how close to expiry a server certificate is replaced.
	RenewBefore = 30 * 24 * time.Hour
	// backdate absorbs clock skew between unkai and its clients.
	backdate = time.Hour
)

// DefaultNames returns the names every server certificate covers.
func DefaultNames() []string {
	return []string{"localhost", "*.localhost", "127.0.0.1", "::1"}
}

// CA is a local certificate authority and the server certificate it signed.
// It is immutable once made.
type CA struct {
	caCert   *x509.Certificate
	caPEM    []byte
	leaf     tls.Certificate
	leafCert *x509.Certificate
}

// Option configures Load and New.
type Option func(*config)

type config struct {
	names []string
	now   func() time.Time
}

// WithNames adds DNS names (wildcards allowed, e.g. "*.s3.localhost") or IP
// addresses to the server certificate. "*.localhost" covers one label only,
// so two-level names such as "bucket.s3.localhost" need "*.s3.localhost".
func WithNames(names ...string) Option {
	return func(c *config) { c.names = append(c.names, names...) }
}

// WithClock sets the clock used for validity periods and renewal.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

func newConfig(opts []Option) config {
	c := config{now: time.Now}
	for _, o := range opts {
		o(&c)
	}
	c.names = normalizeNames(append(DefaultNames(), c.names...))
	return c
}

// normalizeNames lowercases, de-duplicates and sorts names, so that a
// certificate's names can be compared with the wanted ones.
func normalizeNames(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if ip := net.ParseIP(n); ip != nil {
			out = append(out, ip.String())
			continue
		}
		out = append(out, strings.ToLower(n))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// New makes an in-memory CA and server certificate, for ephemeral runs: a
// new CA each time, nothing written to disk.
func New(opts ...Option) (*CA, error) {
	cfg := newConfig(opts)
	caCert, caKey, err := newCACert(cfg.now())
	if err != nil {
		return nil, err
	}
	leafDER, leafKey, err := newLeafCert(caCert, caKey, cfg.names, cfg.now())
	if err != nil {
		return nil, err
	}
	return assemble(caCert, leafDER, leafKey)
}

// assemble builds a CA from its parts.
func assemble(caCert *x509.Certificate, leafDER []byte, leafKey *ecdsa.PrivateKey) (*CA, error) {
	leafCert, err := x509.ParseCertificate(leafDER)
	if err != nil {
		return nil, fmt.Errorf("tlsca: parse server certificate: %w", err)
	}
	return &CA{
		caCert:   caCert,
		caPEM:    pemBlock("CERTIFICATE", caCert.Raw),
		leafCert: leafCert,
		leaf: tls.Certificate{
			Certificate: [][]byte{leafDER, caCert.Raw},
			PrivateKey:  leafKey,
			Leaf:        leafCert,
		},
	}, nil
}

// CertPEM returns the CA certificate in PEM form, for clients to trust
// (AWS_CA_BUNDLE, --ca-bundle, a system trust store).
func (c *CA) CertPEM() []byte { return bytes.Clone(c.caPEM) }

// Certificate returns the parsed CA certificate.
func (c *CA) Certificate() *x509.Certificate { return c.caCert }

// Leaf returns the parsed server certificate.
func (c *CA) Leaf() *x509.Certificate { return c.leafCert }

// CertPool returns a pool holding only the CA certificate, for Go clients.
func (c *CA) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.caCert)
	return p
}

// TLSConfig returns a new server configuration presenting the server
// certificate (with the CA certificate as its chain) and offering HTTP/2
// and HTTP/1.1.
func (c *CA) TLSConfig() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{c.leaf},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
	}
}

// newCACert makes a self-signed ECDSA P-256 CA certificate.
func newCACert(now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: generate CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Organization: []string{"unkai"},
			CommonName:   "unkai local CA " + serial.Text(16)[:8],
		},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(CAValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: parse CA certificate: %w", err)
	}
	return cert, key, nil
}

// newLeafCert makes a server certificate for names, signed by the CA.
func newLeafCert(ca *x509.Certificate, caKey *ecdsa.PrivateKey, names []string, now time.Time) ([]byte, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: generate server key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"unkai"}, CommonName: "localhost"},
		NotBefore:    now.Add(-backdate),
		NotAfter:     now.Add(LeafValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if tmpl.NotAfter.After(ca.NotAfter) {
		tmpl.NotAfter = ca.NotAfter
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: create server certificate: %w", err)
	}
	return der, key, nil
}

// leafUsable reports whether leaf was signed by ca, covers exactly names and
// is not near expiry at now.
func leafUsable(leaf, ca *x509.Certificate, names []string, now time.Time) bool {
	if leaf.CheckSignatureFrom(ca) != nil {
		return false
	}
	if now.Before(leaf.NotBefore) || now.Add(RenewBefore).After(leaf.NotAfter) {
		return false
	}
	have := make([]string, 0, len(leaf.DNSNames)+len(leaf.IPAddresses))
	have = append(have, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		have = append(have, ip.String())
	}
	return slices.Equal(normalizeNames(have), names)
}

func randomSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("tlsca: serial number: %w", err)
	}
	return serial, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// errNoPEM is returned when a file holds no PEM block of the wanted type.
var errNoPEM = errors.New("no PEM block")

// decodePEM returns the DER bytes of the first PEM block of type typ.
func decodePEM(data []byte, typ string) ([]byte, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, fmt.Errorf("%w of type %s", errNoPEM, typ)
		}
		if b.Type == typ {
			return b.Bytes, nil
		}
	}
}
