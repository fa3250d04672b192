package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"

	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// internalHandler serves /_unkai/*: health, reset and the local CA.
func (s *Server) internalHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_unkai/health", s.serveHealth)
	mux.HandleFunc("POST /_unkai/reset", s.serveReset)
	mux.HandleFunc("GET /_unkai/ca.pem", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Write(s.ca.CertPEM())
	})
	return mux
}

// Health is the body of GET /_unkai/health.
type Health struct {
	Version  string                   `json:"version"`
	Uptime   float64                  `json:"uptime_seconds"`
	Storage  string                   `json:"storage"`
	Services map[string]ServiceHealth `json:"services"`
	// Background lists, per provider, its background loops (sweepers) and
	// how their passes went.
	Background map[string][]service.LoopStatus `json:"background"`
}

// ServiceHealth describes one API in Health.
type ServiceHealth struct {
	// State is "running" for APIs a provider serves, "available" for APIs
	// whose every operation answers 501.
	State       string `json:"state"`
	Implemented int    `json:"implemented"`
	Operations  int    `json:"operations"`
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	h := Health{
		Version:    Version,
		Uptime:     s.clock.Now().Sub(s.started).Seconds(),
		Storage:    s.backend,
		Services:   map[string]ServiceHealth{},
		Background: map[string][]service.LoopStatus{},
	}
	for _, p := range s.providers {
		if lr, ok := p.(service.LoopReporter); ok {
			h.Background[p.Name()] = lr.Loops()
		}
	}
	for _, c := range Coverage(s.apis) {
		state := "available"
		if c.Implemented > 0 {
			state = "running"
		}
		h.Services[c.Service] = ServiceHealth{State: state, Implemented: c.Implemented, Operations: c.Operations}
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(h)
}

// serveReset wipes all state, or one provider's with ?service=NAME, where
// NAME is the provider's name or that of an API it serves
// ("streamsdynamodb" resets DynamoDB, whose tables the streams belong to).
func (s *Server) serveReset(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("service")
	var targets []service.Provider
	for _, p := range s.providers {
		if name == "" || servesName(p, name) {
			targets = append(targets, p)
		}
	}
	if name != "" && len(targets) == 0 {
		http.Error(w, fmt.Sprintf("unknown service %q", name), http.StatusNotFound)
		return
	}
	var start, end []byte
	if name != "" {
		start = storage.Key(targets[0].Name())
		end = storage.PrefixEnd(start)
	}
	if err := wipe(r.Context(), s.store, start, end); err != nil {
		s.log.Error("reset failed", "error", err)
		http.Error(w, "reset failed", http.StatusInternalServerError)
		return
	}
	var names []string
	for _, p := range targets {
		if err := clearDir(filepath.Join(s.blobRoot, p.Name())); err != nil {
			s.log.Error("reset failed", "error", err)
			http.Error(w, "reset failed", http.StatusInternalServerError)
			return
		}
		if rs, ok := p.(service.Resetter); ok {
			if err := rs.Reset(r.Context()); err != nil {
				s.log.Error("reset failed", "error", err)
				http.Error(w, "reset failed", http.StatusInternalServerError)
				return
			}
		}
		names = append(names, p.Name())
	}
	sort.Strings(names)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"reset": names})
}

// servesName reports whether name is p's name or the name of one of its APIs.
func servesName(p service.Provider, name string) bool {
	if p.Name() == name {
		return true
	}
	for _, api := range p.APIs() {
		if api.Descriptor.Name == name {
			return true
		}
	}
	return false
}

// wipe deletes every key in [start, end) in transactions of bounded size.
func wipe(ctx context.Context, st storage.Store, start, end []byte) error {
	if err := storage.Purge(ctx, st, start, end, 1000); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	return nil
}

// clearDir removes a directory's contents, keeping the directory.
func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
