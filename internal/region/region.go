// Package region is the table of AWS regions and their Availability Zones
// that unkai serves, as AWS documents them today. It is data, not policy:
// every region is usable in unkai, opt-in regions included.
package region

import "sort"

// Region is one AWS region.
type Region struct {
	// Name is the region code, e.g. "us-east-1".
	Name string
	// ZoneIDPrefix is the prefix of its AZ ids, e.g. "use1" for "use1-az1".
	ZoneIDPrefix string
	// OptIn is true for regions that AWS accounts must opt in to.
	OptIn bool
	// Zones lists the AZ letters, in name order, with the number of the AZ
	// id each maps to (AWS's mapping differs per account; this is one).
	Zones []Zone
}

// Zone is one Availability Zone of a region.
type Zone struct {
	// Letter is the AZ's suffix, e.g. 'a' in "us-east-1a".
	Letter byte
	// IDNumber is the number in its zone id, e.g. 1 in "use1-az1".
	IDNumber int
}

// ZoneName returns the zone's name in r, e.g. "us-east-1a".
func (r Region) ZoneName(z Zone) string { return r.Name + string(z.Letter) }

// ZoneID returns the zone's id in r, e.g. "use1-az1".
func (r Region) ZoneID(z Zone) string {
	return r.ZoneIDPrefix + "-az" + itoa(z.IDNumber)
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func abc(n int) []Zone {
	zs := make([]Zone, n)
	for i := range zs {
		zs[i] = Zone{Letter: byte('a' + i), IDNumber: i + 1}
	}
	return zs
}

// all is the region table. Zone letters and ids follow the common mapping;
// regions whose letters skip (us-west-1, ap-northeast-1, ca-central-1) keep
// the letters AWS shows new accounts.
var all = []Region{
	{Name: "af-south-1", ZoneIDPrefix: "afs1", OptIn: true, Zones: abc(3)},
	{Name: "ap-east-1", ZoneIDPrefix: "ape1", OptIn: true, Zones: abc(3)},
	{Name: "ap-east-2", ZoneIDPrefix: "ape2", OptIn: true, Zones: abc(3)},
	{Name: "ap-northeast-1", ZoneIDPrefix: "apne1", Zones: []Zone{{'a', 4}, {'c', 1}, {'d', 2}}},
	{Name: "ap-northeast-2", ZoneIDPrefix: "apne2", Zones: abc(4)},
	{Name: "ap-northeast-3", ZoneIDPrefix: "apne3", Zones: abc(3)},
	{Name: "ap-south-1", ZoneIDPrefix: "aps1", Zones: abc(3)},
	{Name: "ap-south-2", ZoneIDPrefix: "aps2", OptIn: true, Zones: abc(3)},
	{Name: "ap-southeast-1", ZoneIDPrefix: "apse1", Zones: abc(3)},
	{Name: "ap-southeast-2", ZoneIDPrefix: "apse2", Zones: abc(3)},
	{Name: "ap-southeast-3", ZoneIDPrefix: "apse3", OptIn: true, Zones: abc(3)},
	{Name: "ap-southeast-4", ZoneIDPrefix: "apse4", OptIn: true, Zones: abc(3)},
	{Name: "ap-southeast-5", ZoneIDPrefix: "apse5", OptIn: true, Zones: abc(3)},
	{Name: "ap-southeast-7", ZoneIDPrefix: "apse7", OptIn: true, Zones: abc(3)},
	{Name: "ca-central-1", ZoneIDPrefix: "cac1", Zones: []Zone{{'a', 1}, {'b', 2}, {'d', 4}}},
	{Name: "ca-west-1", ZoneIDPrefix: "caw1", OptIn: true, Zones: abc(3)},
	{Name: "eu-central-1", ZoneIDPrefix: "euc1", Zones: abc(3)},
	{Name: "eu-central-2", ZoneIDPrefix: "euc2", OptIn: true, Zones: abc(3)},
	{Name: "eu-north-1", ZoneIDPrefix: "eun1", Zones: abc(3)},
	{Name: "eu-south-1", ZoneIDPrefix: "eus1", OptIn: true, Zones: abc(3)},
	{Name: "eu-south-2", ZoneIDPrefix: "eus2", OptIn: true, Zones: abc(3)},
	{Name: "eu-west-1", ZoneIDPrefix: "euw1", Zones: abc(3)},
	{Name: "eu-west-2", ZoneIDPrefix: "euw2", Zones: abc(3)},
	{Name: "eu-west-3", ZoneIDPrefix: "euw3", Zones: abc(3)},
	{Name: "il-central-1", ZoneIDPrefix: "ilc1", OptIn: true, Zones: abc(3)},
	{Name: "me-central-1", ZoneIDPrefix: "mec1", OptIn: true, Zones: abc(3)},
	{Name: "me-south-1", ZoneIDPrefix: "mes1", OptIn: true, Zones: abc(3)},
	{Name: "mx-central-1", ZoneIDPrefix: "mxc1", OptIn: true, Zones: abc(3)},
	{Name: "sa-east-1", ZoneIDPrefix: "sae1", Zones: abc(3)},
	{Name: "us-east-1", ZoneIDPrefix: "use1", Zones: abc(6)},
	{Name: "us-east-2", ZoneIDPrefix: "use2", Zones: abc(3)},
	{Name: "us-west-1", ZoneIDPrefix: "usw1", Zones: []Zone{{'a', 3}, {'c', 1}}},
	{Name: "us-west-2", ZoneIDPrefix: "usw2", Zones: abc(4)},
}

// All returns every region, sorted by name. The slice is a copy.
func All() []Region {
	out := make([]Region, len(all))
	copy(out, all)
	return out
}

// Lookup returns the named region.
func Lookup(name string) (Region, bool) {
	i := sort.Search(len(all), func(i int) bool { return all[i].Name >= name })
	if i < len(all) && all[i].Name == name {
		return all[i], true
	}
	return Region{}, false
}

// Endpoint returns the public endpoint host of service in region, as
// DescribeRegions reports it (e.g. "ec2.us-east-1.amazonaws.com").
func Endpoint(service string, r Region) string {
	return service + "." + r.Name + ".amazonaws.com"
}
