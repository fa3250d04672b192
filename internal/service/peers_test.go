package service

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

type fakeHandlers struct{ name string }

func (fakeHandlers) Lookup(string) protocol.HandlerFunc { return nil }

// checked stands for a registry with request checks in front of the typed
// handlers it unwraps to.
type checked struct{ inner fakeHandlers }

func (checked) Lookup(string) protocol.HandlerFunc { return nil }
func (c checked) Unwrap() protocol.Handlers        { return c.inner }

func TestPeers(t *testing.T) {
	a, b, c, d := &protocol.Service{Name: "a"}, &protocol.Service{Name: "b"}, &protocol.Service{Name: "c"}, &protocol.Service{Name: "d"}
	p := NewPeers()
	p.Register(API{Descriptor: a, Handlers: fakeHandlers{"a"}})
	p.Register(API{Descriptor: d, Handlers: checked{fakeHandlers{"typed d"}}})
	p.Register(API{Descriptor: b}) // described but not served
	tests := []struct {
		name  string
		peers *Peers
		api   *protocol.Service
		want  string // "" means nil
	}{
		{"served", p, a, "a"},
		{"unwrapped", p, d, "typed d"},
		{"no handlers", p, b, ""},
		{"unknown", p, c, ""},
		{"nil registry", nil, a, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.peers.Handlers(tt.api)
			got := ""
			if h != nil {
				got = h.(fakeHandlers).name
			}
			if got != tt.want {
				t.Errorf("Handlers(%s) = %q, want %q", tt.api.Name, got, tt.want)
			}
		})
	}
}
