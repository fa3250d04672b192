// Package tlsca gives unkai HTTPS on the same port as HTTP: a local
// certificate authority that is created once and reused (so a user trusts it
// once), a server certificate it signs for localhost-style names, and a
// listener that tells TLS connections from plain ones by their first byte.
package tlsca
