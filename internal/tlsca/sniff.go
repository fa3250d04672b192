package tlsca

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// SniffTimeout is how long a new connection may stay silent before the
// listener drops it without ever handing it to Accept.
const SniffTimeout = 10 * time.Second

// recordTypeHandshake is the first byte of every TLS ClientHello record.
const recordTypeHandshake = 0x16

// SniffListener returns a listener that serves TLS (with cfg) and plain
// connections on the same port. Connections are accepted by a background
// loop; each is examined in its own goroutine, which waits at most
// SniffTimeout for the first byte: 0x16 (a TLS handshake record) makes it a
// *tls.Conn, so that http.Server sets Request.TLS, anything else a plain
// connection that replays the byte. A silent client therefore never delays
// other connections.
//
// Close closes inner, drops connections still being examined, and makes
// Accept return an error matching net.ErrClosed.
func SniffListener(inner net.Listener, cfg *tls.Config) net.Listener {
	return newSniffListener(inner, cfg, SniffTimeout)
}

func newSniffListener(inner net.Listener, cfg *tls.Config, timeout time.Duration) *sniffListener {
	l := &sniffListener{
		inner:   inner,
		cfg:     cfg,
		timeout: timeout,
		conns:   make(chan net.Conn),
		done:    make(chan struct{}),
		pending: map[net.Conn]struct{}{},
	}
	go l.acceptLoop()
	return l
}

type sniffListener struct {
	inner   net.Listener
	cfg     *tls.Config
	timeout time.Duration
	conns   chan net.Conn
	done    chan struct{}

	mu      sync.Mutex
	err     error // why done was closed
	pending map[net.Conn]struct{}
}

// Accept returns the next examined connection.
func (l *sniffListener) Accept() (net.Conn, error) {
	select {
	case <-l.done:
		return nil, l.closeErr()
	default:
	}
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, l.closeErr()
	}
}

// Close closes the inner listener and drops connections being examined.
func (l *sniffListener) Close() error {
	err := l.inner.Close()
	l.finish(net.ErrClosed)
	return err
}

// Addr returns the inner listener's address.
func (l *sniffListener) Addr() net.Addr { return l.inner.Addr() }

func (l *sniffListener) closeErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// finish records why the listener stopped, closes done and interrupts the
// examinations in progress; only the first call has an effect.
func (l *sniffListener) finish(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	l.err = err
	close(l.done)
	for c := range l.pending {
		_ = c.SetReadDeadline(time.Unix(1, 0))
	}
}

// acceptLoop accepts from inner until it fails permanently, backing off on
// temporary errors (such as running out of file descriptors) as
// http.Server does.
func (l *sniffListener) acceptLoop() {
	var delay time.Duration
	for {
		c, err := l.inner.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				select {
				case <-time.After(delay):
					continue
				case <-l.done:
					return
				}
			}
			l.finish(err)
			return
		}
		delay = 0
		if !l.track(c) {
			_ = c.Close()
			return
		}
		go l.examine(c)
	}
}

// isTemporary reports whether err says it is temporary. The method is
// deprecated but still how listeners flag conditions such as EMFILE.
func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// track registers c as being examined; false when the listener is closed.
func (l *sniffListener) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return false
	}
	l.pending[c] = struct{}{}
	return true
}

func (l *sniffListener) untrack(c net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.pending, c)
}

// examine reads c's first byte within the timeout and delivers c, wrapped
// for TLS or plain use, to Accept; silent or failed connections are closed.
func (l *sniffListener) examine(c net.Conn) {
	var b [1]byte
	err := c.SetReadDeadline(time.Now().Add(l.timeout))
	if err == nil {
		_, err = io.ReadFull(c, b[:])
	}
	l.untrack(c)
	if err == nil {
		err = c.SetReadDeadline(time.Time{})
	}
	if err != nil {
		_ = c.Close()
		return
	}
	var out net.Conn = &peekedConn{Conn: c, first: b[0], has: true}
	if b[0] == recordTypeHandshake {
		out = tls.Server(out, l.cfg)
	}
	select {
	case l.conns <- out:
	case <-l.done:
		_ = c.Close()
	}
}

// peekedConn is a connection whose first byte was read already; Read
// returns it before reading on.
type peekedConn struct {
	net.Conn
	first byte
	has   bool
}

// Read implements io.Reader.
func (c *peekedConn) Read(p []byte) (int, error) {
	if c.has && len(p) > 0 {
		p[0] = c.first
		c.has = false
		return 1, nil
	}
	return c.Conn.Read(p)
}

// CloseWrite shuts down the writing side when the inner connection can, as
// http.Server does after a response on a connection it is closing.
func (c *peekedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom lets plain responses use the inner connection's fast path
// (sendfile for files on TCP).
func (c *peekedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(c.Conn, r)
}

// Unwrap returns the inner connection.
func (c *peekedConn) Unwrap() net.Conn { return c.Conn }
