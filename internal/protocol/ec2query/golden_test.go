package ec2query

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

func TestGoldenInput(t *testing.T) {
	prototest.RunInput(t, "ec2", New)
}

func TestGoldenOutput(t *testing.T) {
	prototest.RunOutput(t, "ec2", New)
}
