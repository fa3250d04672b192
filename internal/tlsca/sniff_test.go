package tlsca

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startServer serves on a sniffing listener and returns its address.
func startServer(t *testing.T, ca *CA, timeout time.Duration) (addr string, l *sniffListener, served chan error) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l = newSniffListener(inner, ca.TLSConfig(), timeout)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "tls=%v proto=%s host=%s", r.TLS != nil, r.Proto, r.Host)
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	served = make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return inner.Addr().String(), l, served
}

func clientFor(ca *CA, h2 bool) *http.Client {
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca.CertPEM())
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		ForceAttemptHTTP2: h2,
		DisableKeepAlives: !h2,
	}
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func get(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSniffHTTPAndHTTPS(t *testing.T) {
	ca, err := New()
	if err != nil {
		t.Fatal(err)
	}
	addr, _, _ := startServer(t, ca, time.Second)
	port := addr[strings.LastIndex(addr, ":")+1:]
	tests := []struct {
		url  string
		h2   bool
		want string
	}{
		{"http://" + addr + "/", false, "tls=false proto=HTTP/1.1 host=" + addr},
		{"https://" + addr + "/", false, "tls=true proto=HTTP/1.1 host=" + addr},
		{"https://localhost:" + port + "/", true, "tls=true proto=HTTP/2.0 host=localhost:" + port},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if got := get(t, clientFor(ca, tt.h2), tt.url); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSniffUntrustedClientFails(t *testing.T) {
	ca, err := New()
	if err != nil {
		t.Fatal(err)
	}
	other, err := New()
	if err != nil {
		t.Fatal(err)
	}
	addr, _, _ := startServer(t, ca, time.Second)
	if _, err := clientFor(other, false).Get("https://" + addr + "/"); err == nil {
		t.Fatal("client trusting another CA connected")
	}
	if got := get(t, clientFor(ca, false), "https://"+addr+"/"); !strings.HasPrefix(got, "tls=true") {
		t.Fatalf("server broken after failed handshake: %q", got)
	}
}

func TestSniffSilentClientDoesNotBlock(t *testing.T) {
	ca, err := New()
	if err != nil {
		t.Fatal(err)
	}
	addr, _, _ := startServer(t, ca, 2*time.Second)
	var silent []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		silent = append(silent, c)
	}
	start := time.Now()
	for _, u := range []string{"http://" + addr + "/", "https://" + addr + "/"} {
		get(t, clientFor(ca, false), u)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("requests took %v behind silent clients", d)
	}
	// The silent connections are dropped once the timeout passes.
	for _, c := range silent {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Fatalf("silent connection: read err = %v, want EOF", err)
		}
	}
}

func TestSniffRawPlainRequest(t *testing.T) {
	ca, err := New()
	if err != nil {
		t.Fatal(err)
	}
	addr, _, _ := startServer(t, ca, time.Second)
	tests := []string{
		"GET / HTTP/1.0\r\nHost: x\r\n\r\n",
		"G", // split: first byte alone, then the rest
	}
	for _, first := range tests {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		full := "GET / HTTP/1.0\r\nHost: x\r\n\r\n"
		if _, err := io.WriteString(c, first); err != nil {
			t.Fatal(err)
		}
		if len(first) < len(full) {
			time.Sleep(50 * time.Millisecond)
			if _, err := io.WriteString(c, full[len(first):]); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = c.Close()
		if string(b) != "tls=false proto=HTTP/1.0 host=x" {
			t.Fatalf("got %q", b)
		}
	}
}

func TestSniffClose(t *testing.T) {
	ca, err := New()
	if err != nil {
		t.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := SniffListener(inner, ca.TLSConfig())
	if l.Addr().String() != inner.Addr().String() {
		t.Fatal("Addr differs from inner listener's")
	}
	silent, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	accepted := make(chan error, 1)
	go func() {
		_, err := l.Accept()
		accepted <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-accepted:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("blocked Accept returned %v, want net.ErrClosed", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Accept still blocked after Close")
	}
	if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close: %v", err)
	}
	if err := l.Close(); err == nil {
		t.Error("second Close returned nil")
	}
	// The connection being examined is dropped promptly, not after SniffTimeout.
	_ = silent.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := silent.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("pending connection: read err = %v, want EOF", err)
	}
	if _, err := net.DialTimeout("tcp", inner.Addr().String(), time.Second); err == nil {
		t.Error("dial succeeded after Close")
	}
}

func TestSniffServeReturnsOnShutdown(t *testing.T) {
	ca, err := New()
	if err != nil {
		t.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(SniffListener(inner, ca.TLSConfig())) }()
	get(t, clientFor(ca, false), "https://"+inner.Addr().String()+"/")
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Serve did not return")
	}
}

// failingListener fails Accept with a temporary error a few times, then a
// permanent one.
type failingListener struct {
	net.Listener
	temps int
}

type tempErr struct{}

func (tempErr) Error() string   { return "temporary" }
func (tempErr) Timeout() bool   { return false }
func (tempErr) Temporary() bool { return true }

func (f *failingListener) Accept() (net.Conn, error) {
	if f.temps > 0 {
		f.temps--
		return nil, tempErr{}
	}
	return nil, errors.New("boom")
}

func TestSniffAcceptErrors(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	l := SniffListener(&failingListener{Listener: inner, temps: 3}, nil)
	_, err = l.Accept()
	if err == nil || err.Error() != "boom" {
		t.Fatalf("Accept err = %v, want the permanent error after retrying temporary ones", err)
	}
	if _, err := l.Accept(); err == nil || err.Error() != "boom" {
		t.Fatalf("second Accept err = %v", err)
	}
}
