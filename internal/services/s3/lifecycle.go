package s3

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/unkai-cloud/unkai/internal/service"
)

// Start implements service.Starter: it removes the temporary files of
// uploads a previous run left unfinished and the files no record names
// (sweepOrphans), and starts the lifecycle sweeper.
func (p *Provider) Start(ctx context.Context) error {
	if err := p.removeFiles(func(name string) bool { return strings.HasPrefix(name, ".upload-") }); err != nil {
		return err
	}
	if err := p.sweepOrphans(ctx); err != nil {
		return err
	}
	p.lc.bg.Start()
	return nil
}

// Reset implements service.Resetter: once the stored state is wiped no
// record names a body, so every file of the blob directory goes.
func (p *Provider) Reset(context.Context) error {
	return p.removeFiles(func(string) bool { return true })
}

// removeFiles deletes the blob directory's files whose names match.
func (p *Provider) removeFiles(match func(string) bool) error {
	if p.blobDir == "" {
		return nil
	}
	entries, err := os.ReadDir(p.blobDir)
	if err != nil {
		return fmt.Errorf("s3: read blob directory: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() && match(e.Name()) {
			if err := os.Remove(filepath.Join(p.blobDir, e.Name())); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("s3: remove blob: %w", err)
			}
		}
	}
	return nil
}

var (
	_ service.Starter  = (*Provider)(nil)
	_ service.Resetter = (*Provider)(nil)
)
