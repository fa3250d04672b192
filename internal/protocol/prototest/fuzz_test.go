package prototest

import (
	"testing"
)

func FuzzCompareXML(f *testing.F) {
	for _, proto := range []string{"rest-xml", "query", "ec2"} {
		for _, b := range ResponseBodies(f, proto) {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, body string) {
		_ = compareXML(body, body, true)
		if n, err := parseXML(body); err == nil {
			if err := compareXML(body, body, false); err != nil {
				t.Fatalf("body differs from itself: %v (root %q)", err, n.name)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(tagSuite))
	f.Add([]byte(`[{"description":"d","metadata":{"protocol":"json"},"shapes":{"S":{"type":"structure","members":{"A":{"shape":"T"}}},"T":{"type":"string"}},"cases":[{"given":{"name":"Op","input":{"shape":"S"}},"params":{"A":"x"}}]}]`))
	f.Add([]byte(`[{"shapes":{"S":{"type":"structure","members":{"A":{"shape":"S"}}}},"cases":[{"given":{"input":{"shape":"S"}}}]}]`))
	f.Add([]byte(`[{"shapes":{"S":{"type":"structure","members":{"A":{"shape":"L"}}},"L":{"type":"list","member":{"shape":"L"}}},"cases":[{"given":{"input":{"shape":"S"}}}]}]`))
	f.Add([]byte(recursiveSuite("Node", `"NoRecurse": {"shape": "Str"}, "RecursiveStruct": {"shape": "Node"}, "RecursiveList": {"shape": "Nodes"}, "RecursiveMap": {"shape": "NodeMap"}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		suites, err := Parse(data)
		if err != nil {
			return
		}
		for _, c := range cases(suites) {
			b, err := Build(c)
			if err != nil {
				continue
			}
			b.Operation.NewInput()
			b.Operation.NewOutput()
		}
	})
}
