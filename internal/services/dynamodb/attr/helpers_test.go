package attr

import "github.com/unkai-cloud/unkai/internal/api/dynamodbapi"

type av = dynamodbapi.AttributeValue

func sv(s string) av        { return av{S: &s} }
func nv(s string) av        { return av{N: &s} }
func bv(b string) av        { return av{B: []byte(b)} }
func boolv(b bool) av       { return av{BOOL: &b} }
func nullv(b bool) av       { return av{NULL: &b} }
func ssv(s ...string) av    { return av{SS: append([]string{}, s...)} }
func nsv(s ...string) av    { return av{NS: append([]string{}, s...)} }
func mv(m map[string]av) av { return av{M: m} }
func lv(l ...av) av         { return av{L: append([]av{}, l...)} }

func bsv(b ...string) av {
	out := [][]byte{}
	for _, s := range b {
		out = append(out, []byte(s))
	}
	return av{BS: out}
}

// nest wraps v in n maps.
func nest(v av, n int) av {
	for range n {
		v = mv(map[string]av{"a": v})
	}
	return v
}
