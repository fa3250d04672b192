package restxml

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

func TestGoldenInput(t *testing.T) {
	prototest.RunInput(t, "rest-xml", New,
		prototest.Skip("Enum#1", "the server validates enums and the case sends 'baz' outside the set"))
}

func TestGoldenOutput(t *testing.T) {
	prototest.RunOutput(t, "rest-xml", New)
}
