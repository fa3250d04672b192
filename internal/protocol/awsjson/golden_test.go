package awsjson

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

func TestGoldenInput(t *testing.T)  { prototest.RunInput(t, "json", New) }
func TestGoldenOutput(t *testing.T) { prototest.RunOutput(t, "json", New) }
