package query

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

func TestGoldenInput(t *testing.T) {
	prototest.RunInput(t, "query", New)
}

func TestGoldenOutput(t *testing.T) {
	prototest.RunOutput(t, "query", New)
}
