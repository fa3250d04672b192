package expr

import "testing"

// fuzzNames and fuzzValues give fuzzed expressions references to resolve.
var (
	fuzzNames  = Names{"#a": "a", "#n": "name", "#s": "status"}
	fuzzValues = Values{":v": sv("x"), ":n": nv("1"), ":l": lv(nv("1")), ":ss": ssv("a"), ":t": sv("S"), ":b": bv("b")}
)

var fuzzSeeds = []string{
	"a = :v", "a < <", "#a.b[2].c <> :n AND NOT begins_with(s, :v)", "size(l) > :n OR attribute_type(a, :t)",
	"a BETWEEN :n AND :n", "a IN (:v, :n)", "((a = :v))", "(a) = :v", "contains(ss, :v)",
	"SET a = :v, b = b + :n REMOVE c[1] ADD d :n DELETE e :ss", "SET l = list_append(if_not_exists(l, :l), :l)",
	"a, b.c, d[0]", "pk = :v AND begins_with(sk, :v)", "status = :v", "# = :v", "a = : v", "my-attr",
	"NOT NOT (a = :v OR b = :v) AND c = :v", "SET a[99999999999999999999] = :v", "a\u00e9 = :v",
}

func FuzzParseCondition(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	item := sampleItem()
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCondition(s, fuzzNames, fuzzValues, &Tracker{})
		if err == nil {
			_, _ = c.Eval(item)
			_, _ = c.Eval(nil)
		} else {
			errMsg(t, err)
		}
		if kc, err := ParseKeyCondition(s, fuzzNames, fuzzValues, nil); err == nil {
			_ = kc.Bind("a", "b")
			kc.Match(sv("x"))
		}
	})
}

func FuzzParseUpdate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	item := sampleItem()
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUpdate(s, fuzzNames, fuzzValues, &Tracker{})
		if err != nil {
			errMsg(t, err)
			return
		}
		if _, err := u.Apply(item); err != nil {
			errMsg(t, err)
		}
		_, _ = u.Apply(nil)
		u.Project(item)
	})
}

func FuzzParseProjection(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	item := sampleItem()
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProjection(s, fuzzNames, nil)
		if err != nil {
			errMsg(t, err)
			return
		}
		p.Apply(item)
	})
}
