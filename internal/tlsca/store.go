package tlsca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File names inside the directory Load is given.
const (
	CAFile      = "ca.pem"
	CAKeyFile   = "ca-key.pem"
	LeafFile    = "server.pem"
	LeafKeyFile = "server-key.pem"
)

// Load returns the CA kept in dir, creating dir and the CA on first use. The
// server certificate is reissued when it is near expiry, was signed by
// another CA, or does not cover exactly the wanted names. Keys are written
// with mode 0600, every file atomically (temp file, fsync, rename).
//
// A CA certificate without its key (or with a key that does not match) is an
// error rather than a reason to make a new CA: clients may already trust it.
func Load(dir string, opts ...Option) (*CA, error) {
	cfg := newConfig(opts)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("tlsca: create %s: %w", dir, err)
	}
	caCert, caKey, err := loadOrCreateCA(dir, cfg)
	if err != nil {
		return nil, err
	}
	if leafDER, leafKey, err := loadLeaf(dir); err == nil {
		if leaf, err := x509.ParseCertificate(leafDER); err == nil && leafUsable(leaf, caCert, cfg.names, cfg.now()) {
			return assemble(caCert, leafDER, leafKey)
		}
	}
	leafDER, leafKey, err := newLeafCert(caCert, caKey, cfg.names, cfg.now())
	if err != nil {
		return nil, err
	}
	keyPEM, err := keyPEM(leafKey)
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(dir, LeafKeyFile), keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(dir, LeafFile), pemBlock("CERTIFICATE", leafDER), 0o644); err != nil {
		return nil, err
	}
	return assemble(caCert, leafDER, leafKey)
}

// loadOrCreateCA reads the CA pair from dir, or makes and stores a new one
// when there is no CA certificate yet.
func loadOrCreateCA(dir string, cfg config) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPath, keyPath := filepath.Join(dir, CAFile), filepath.Join(dir, CAKeyFile)
	certPEM, err := os.ReadFile(certPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return createCA(certPath, keyPath, cfg)
	case err != nil:
		return nil, nil, fmt.Errorf("tlsca: read CA certificate: %w", err)
	}
	der, err := decodePEM(certPEM, "CERTIFICATE")
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: %s: %w", certPath, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: %s: %w", certPath, err)
	}
	keyData, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: read CA key (delete %s to make a new CA): %w", dir, err)
	}
	key, err := parseKey(keyData)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: %s: %w", keyPath, err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, fmt.Errorf("tlsca: %s does not match %s (delete %s to make a new CA)", keyPath, certPath, dir)
	}
	return cert, key, nil
}

// createCA makes a CA and writes it, key first: a crash between the two
// writes leaves a key without a certificate, which the next start replaces.
func createCA(certPath, keyPath string, cfg config) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	cert, key, err := newCACert(cfg.now())
	if err != nil {
		return nil, nil, err
	}
	kp, err := keyPEM(key)
	if err != nil {
		return nil, nil, err
	}
	if err := writeFileAtomic(keyPath, kp, 0o600); err != nil {
		return nil, nil, err
	}
	if err := writeFileAtomic(certPath, pemBlock("CERTIFICATE", cert.Raw), 0o644); err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

// loadLeaf reads the stored server certificate and key.
func loadLeaf(dir string) ([]byte, *ecdsa.PrivateKey, error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, LeafFile))
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: read server certificate: %w", err)
	}
	der, err := decodePEM(certPEM, "CERTIFICATE")
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: server certificate: %w", err)
	}
	keyData, err := os.ReadFile(filepath.Join(dir, LeafKeyFile))
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: read server key: %w", err)
	}
	key, err := parseKey(keyData)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: server certificate: %w", err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, errors.New("tlsca: server key does not match its certificate")
	}
	return der, key, nil
}

func keyPEM(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("tlsca: encode key: %w", err)
	}
	return pemBlock("PRIVATE KEY", der), nil
}

func parseKey(data []byte) (*ecdsa.PrivateKey, error) {
	der, err := decodePEM(data, "PRIVATE KEY")
	if err != nil {
		return nil, fmt.Errorf("tlsca: key: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("tlsca: key: %w", err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("tlsca: key is %T, want ECDSA", k)
	}
	return key, nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory that is synced and renamed over path; the directory is synced
// afterwards so the rename survives a crash.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("tlsca: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("tlsca: write %s: %w", path, err)
	}
	if _, err := bytes.NewReader(data).WriteTo(f); err != nil {
		return fmt.Errorf("tlsca: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("tlsca: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("tlsca: close %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("tlsca: rename %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
