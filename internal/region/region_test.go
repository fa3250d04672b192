package region

import (
	"sort"
	"testing"
)

func TestTableSortedAndUnique(t *testing.T) {
	rs := All()
	if !sort.SliceIsSorted(rs, func(i, j int) bool { return rs[i].Name < rs[j].Name }) {
		t.Fatal("region table is not sorted")
	}
	ids := map[string]bool{}
	for _, r := range rs {
		if len(r.Zones) == 0 {
			t.Errorf("%s has no zones", r.Name)
		}
		for _, z := range r.Zones {
			id := r.ZoneID(z)
			if ids[id] {
				t.Errorf("duplicate zone id %s", id)
			}
			ids[id] = true
		}
	}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ok     bool
		zones  int
		zone0  string
		zoneID string
	}{
		{"us-east-1", true, 6, "us-east-1a", "use1-az1"},
		{"ap-northeast-1", true, 3, "ap-northeast-1a", "apne1-az4"},
		{"us-west-1", true, 2, "us-west-1a", "usw1-az3"},
		{"mars-north-1", false, 0, "", ""},
	} {
		r, ok := Lookup(tc.name)
		if ok != tc.ok {
			t.Fatalf("Lookup(%q) ok = %v", tc.name, ok)
		}
		if !ok {
			continue
		}
		if len(r.Zones) != tc.zones || r.ZoneName(r.Zones[0]) != tc.zone0 || r.ZoneID(r.Zones[0]) != tc.zoneID {
			t.Errorf("%s: %d zones, first %s/%s", tc.name, len(r.Zones), r.ZoneName(r.Zones[0]), r.ZoneID(r.Zones[0]))
		}
	}
}
