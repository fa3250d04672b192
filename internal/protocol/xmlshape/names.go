package xmlshape

import (
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// ElementName is the XML element name of member m. A flattened list has no
// wrapper, so its items are named by the member's locationName, else by the
// list member's locationName, else by the member name; everything else is
// named by the member's wire name.
func ElementName(m *protocol.Member) string {
	if m.Flattened && m.Kind == "list" && m.LocationName == "" && m.LocationNameList != "" {
		return m.LocationNameList
	}
	return m.WireName()
}

// localName strips a namespace prefix: "xsi:type" → "type".
func localName(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[i+1:]
	}
	return s
}
