package tlsca

import (
	"bytes"
	"crypto/x509"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// bufConn is a net.Conn reading from a buffer.
type bufConn struct {
	net.Conn
	r io.Reader
}

func (c bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func FuzzPeekedConn(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"), uint8(3))
	f.Add([]byte{0x16, 0x03, 0x01, 0x00, 0x05}, uint8(1))
	f.Add([]byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		if len(data) == 0 {
			return
		}
		c := &peekedConn{Conn: bufConn{r: bytes.NewReader(data[1:])}, first: data[0], has: true}
		var got []byte
		buf := make([]byte, int(chunk)+1)
		for {
			n, err := c.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("read %q, want %q", got, data)
		}
	})
}

// FuzzParseStored feeds damaged file contents to the parsers Load uses:
// they must fail cleanly, and a server certificate they accept must verify.
func FuzzParseStored(f *testing.F) {
	seedDir := f.TempDir()
	ca, err := Load(seedDir)
	if err != nil {
		f.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(seedDir, name))
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(read(CAKeyFile), read(LeafFile))
	f.Add(read(LeafKeyFile), read(CAFile))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), []byte{})
	names := newConfig(nil).names
	f.Fuzz(func(t *testing.T, keyData, certData []byte) {
		if key, err := parseKey(keyData); err == nil && key == nil {
			t.Fatal("nil key without error")
		}
		der, err := decodePEM(certData, "CERTIFICATE")
		if err != nil {
			return
		}
		leaf, err := x509.ParseCertificate(der)
		if err != nil {
			return
		}
		if leafUsable(leaf, ca.Certificate(), names, time.Now()) {
			if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: ca.CertPool()}); err != nil {
				t.Fatalf("usable leaf does not verify: %v", err)
			}
		}
	})
}
