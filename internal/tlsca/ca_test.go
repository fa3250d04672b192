package tlsca

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func verify(t *testing.T, ca *CA, name string) error {
	t.Helper()
	_, err := ca.Leaf().Verify(x509.VerifyOptions{
		DNSName:     name,
		Roots:       ca.CertPool(),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		CurrentTime: time.Now(),
	})
	return err
}

func TestNewCoversNames(t *testing.T) {
	ca, err := New(WithNames("*.s3.localhost", "*.execute-api.localhost", "10.1.2.3"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ok   bool
	}{
		{"localhost", true},
		{"bucket.localhost", true},
		{"127.0.0.1", true},
		{"::1", true},
		{"10.1.2.3", true},
		{"my-bucket.s3.localhost", true},
		{"abc123.execute-api.localhost", true},
		{"a.b.sqs.localhost", false},
		{"example.com", false},
		{"10.1.2.4", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verify(t, ca, tt.name)
			if (err == nil) != tt.ok {
				t.Fatalf("verify %s: err=%v, want ok=%v", tt.name, err, tt.ok)
			}
		})
	}
	if !ca.Certificate().IsCA || ca.Certificate().MaxPathLen != 0 || !ca.Certificate().MaxPathLenZero {
		t.Error("CA certificate constraints wrong")
	}
	if got := ca.Certificate().NotAfter.Sub(ca.Certificate().NotBefore); got < 9*365*24*time.Hour {
		t.Errorf("CA validity %v, want about 10 years", got)
	}
}

func TestNewWithoutExtraNames(t *testing.T) {
	ca, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(t, ca, "bucket.s3.localhost"); err == nil {
		t.Error("*.localhost must not cover two-level names")
	}
	if !bytes.Contains(ca.CertPEM(), []byte("BEGIN CERTIFICATE")) {
		t.Error("CertPEM is not PEM")
	}
	cfg := ca.TLSConfig()
	if len(cfg.Certificates) != 1 || len(cfg.Certificates[0].Certificate) != 2 {
		t.Error("TLSConfig must present the server certificate and its CA")
	}
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadCreatesAndReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	ca1, err := Load(dir, WithNames("*.s3.localhost"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]os.FileMode{CAFile: 0o644, CAKeyFile: 0o600, LeafFile: 0o644, LeafKeyFile: 0o600} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", name, fi.Mode().Perm(), want)
		}
	}
	if !bytes.Equal(readFile(t, dir, CAFile), ca1.CertPEM()) {
		t.Error("ca.pem differs from CertPEM")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("dir holds %d entries, want 4 (no temp files left)", len(entries))
	}

	ca2, err := Load(dir, WithNames("*.S3.localhost")) // same names, other case
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ca1.CertPEM(), ca2.CertPEM()) {
		t.Error("second Load made a new CA")
	}
	if !ca1.Leaf().Equal(ca2.Leaf()) {
		t.Error("second Load reissued an unchanged server certificate")
	}

	ca3, err := Load(dir, WithNames("*.s3.localhost", "*.execute-api.localhost"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ca1.CertPEM(), ca3.CertPEM()) {
		t.Error("changed names made a new CA")
	}
	if ca1.Leaf().Equal(ca3.Leaf()) {
		t.Error("changed names did not reissue the server certificate")
	}
	if err := verify(t, ca3, "x.execute-api.localhost"); err != nil {
		t.Error(err)
	}

	later := time.Now().Add(LeafValidity - RenewBefore/2)
	ca4, err := Load(dir, WithNames("*.s3.localhost", "*.execute-api.localhost"), WithClock(func() time.Time { return later }))
	if err != nil {
		t.Fatal(err)
	}
	if ca3.Leaf().Equal(ca4.Leaf()) {
		t.Error("near-expiry server certificate not renewed")
	}
	if !ca4.Leaf().NotAfter.After(ca3.Leaf().NotAfter) {
		t.Error("renewed certificate does not last longer")
	}
}

func TestLoadDamaged(t *testing.T) {
	base, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		damage  func(t *testing.T, dir string)
		wantErr bool
		sameCA  bool
	}{
		{"leaf missing", func(t *testing.T, dir string) { _ = os.Remove(filepath.Join(dir, LeafFile)) }, false, true},
		{"leaf garbage", func(t *testing.T, dir string) { write(t, dir, LeafFile, []byte("junk")) }, false, true},
		{"leaf key swapped", func(t *testing.T, dir string) { write(t, dir, LeafKeyFile, readFile(t, dir, CAKeyFile)) }, false, true},
		{"leaf from other CA", func(t *testing.T, dir string) {
			write(t, dir, LeafFile, pemBlock("CERTIFICATE", base.Leaf().Raw))
		}, false, true},
		{"CA cert missing", func(t *testing.T, dir string) { _ = os.Remove(filepath.Join(dir, CAFile)) }, false, false},
		{"CA key missing", func(t *testing.T, dir string) { _ = os.Remove(filepath.Join(dir, CAKeyFile)) }, true, false},
		{"CA key mismatched", func(t *testing.T, dir string) { write(t, dir, CAKeyFile, readFile(t, dir, LeafKeyFile)) }, true, false},
		{"CA cert garbage", func(t *testing.T, dir string) {
			write(t, dir, CAFile, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
		}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			first, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			tt.damage(t, dir)
			got, err := Load(dir)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Load err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if same := bytes.Equal(first.CertPEM(), got.CertPEM()); same != tt.sameCA {
				t.Errorf("same CA = %v, want %v", same, tt.sameCA)
			}
			if err := verify(t, got, "localhost"); err != nil {
				t.Errorf("server certificate does not verify: %v", err)
			}
			again, err := Load(dir)
			if err != nil || !again.Leaf().Equal(got.Leaf()) {
				t.Errorf("repaired state not reused: %v", err)
			}
		})
	}
}

func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := writeFileAtomic(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}
