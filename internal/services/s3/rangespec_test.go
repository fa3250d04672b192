package s3

import "testing"

func TestParseRange(t *testing.T) {
	for _, tc := range []struct {
		h             string
		size          int64
		want          byteRange
		ok, unsatisfy bool
	}{
		{"bytes=0-9", 100, byteRange{0, 9}, true, false},
		{"bytes=10-", 100, byteRange{10, 99}, true, false},
		{"bytes=-10", 100, byteRange{90, 99}, true, false},
		{"bytes=-200", 100, byteRange{0, 99}, true, false},
		{"bytes=50-500", 100, byteRange{50, 99}, true, false},
		{"bytes=100-", 100, byteRange{}, false, true},
		{"bytes=100-200", 100, byteRange{}, false, true},
		{"bytes=-0", 100, byteRange{}, false, true},
		{"bytes=0-0", 0, byteRange{}, false, true},
		{"bytes=5-1", 100, byteRange{}, false, false},
		{"bytes=0-1,3-4", 100, byteRange{}, false, false},
		{"items=0-1", 100, byteRange{}, false, false},
		{"bytes=a-b", 100, byteRange{}, false, false},
		{"bytes=+1-2", 100, byteRange{}, false, false},
		{"bytes=-", 100, byteRange{}, false, false},
		{"", 100, byteRange{}, false, false},
	} {
		got, ok, uns := parseRange(tc.h, tc.size)
		if got != tc.want || ok != tc.ok || uns != tc.unsatisfy {
			t.Errorf("parseRange(%q, %d) = %v %v %v, want %v %v %v",
				tc.h, tc.size, got, ok, uns, tc.want, tc.ok, tc.unsatisfy)
		}
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-9", "bytes=-5", "bytes=7-", "bytes=1-2,3-4", "bytes=-", "bytes=99999999999999999999-"} {
		f.Add(s, int64(100))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -size
		}
		if size < 0 {
			return
		}
		r, ok, uns := parseRange(h, size)
		if ok && uns {
			t.Fatalf("both satisfiable and not")
		}
		if ok && (r.first < 0 || r.last < r.first || r.last >= size) {
			t.Fatalf("parseRange(%q, %d) = %v out of bounds", h, size, r)
		}
	})
}
