package memory_test

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
	"github.com/unkai-cloud/unkai/internal/storage/storagetest"
)

func open(testing.TB) storage.Store { return memory.New() }

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return open(t) })
}

func BenchmarkStore(b *testing.B) {
	storagetest.Bench(b, func(b *testing.B) storage.Store { return open(b) })
}
