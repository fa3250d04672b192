package expr

import "testing"

func BenchmarkConditionParseEval(b *testing.B) {
	names := Names{"#st": "status"}
	values := Values{":s": sv("active"), ":n": nv("5"), ":p": sv("he")}
	item := map[string]av{"id": sv("k"), "status": sv("active"), "n": nv("10"), "s": sv("hello")}
	b.ReportAllocs()
	for b.Loop() {
		c, err := ParseCondition("#st = :s AND n > :n AND begins_with(s, :p)", names, values, nil)
		if err != nil {
			b.Fatal(err)
		}
		if ok, _ := c.Eval(item); !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkConditionEval(b *testing.B) {
	values := Values{":s": sv("active"), ":n": nv("5"), ":p": sv("he")}
	item := map[string]av{"id": sv("k"), "st": sv("active"), "n": nv("10"), "s": sv("hello")}
	c, err := ParseCondition("st = :s AND n > :n AND begins_with(s, :p)", nil, values, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := c.Eval(item); !ok {
			b.Fatal("no match")
		}
	}
}
