package ec2

import (
	"context"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/ec2api"
	"github.com/unkai-cloud/unkai/internal/region"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// optInStatus is what DescribeRegions reports. Every region is usable in
// unkai, so opt-in regions count as opted in.
func optInStatus(r region.Region) string {
	if r.OptIn {
		return "opted-in"
	}
	return "opt-in-not-required"
}

func (p *Provider) describeRegions(ctx context.Context, in *ec2api.DescribeRegionsRequest) (*ec2api.DescribeRegionsResult, error) {
	fs, ferr := parseFilters(in.Filters, "endpoint", "opt-in-status", "region-name")
	if ferr != nil {
		return nil, ferr
	}
	var unknown []string
	for _, n := range in.RegionNames {
		if _, ok := region.Lookup(n); !ok {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, invalidParameterValue("Invalid region: [%s]", strings.Join(unknown, ", "))
	}
	if in.DryRun != nil && *in.DryRun {
		return nil, dryRunError()
	}
	out := &ec2api.DescribeRegionsResult{Regions: []ec2api.Region{}}
	for _, r := range region.All() {
		if len(in.RegionNames) > 0 && !contains(in.RegionNames, r.Name) {
			continue
		}
		endpoint, status := region.Endpoint("ec2", r), optInStatus(r)
		if !fs.matchAll(map[string]string{"region-name": r.Name, "endpoint": endpoint, "opt-in-status": status}) {
			continue
		}
		out.Regions = append(out.Regions, ec2api.Region{
			RegionName:  ptr(r.Name),
			Endpoint:    ptr(endpoint),
			OptInStatus: ptr(status),
		})
	}
	return out, nil
}

func (p *Provider) describeAvailabilityZones(ctx context.Context, in *ec2api.DescribeAvailabilityZonesRequest) (*ec2api.DescribeAvailabilityZonesResult, error) {
	fs, ferr := parseFilters(in.Filters, "group-name", "message", "opt-in-status", "parent-zone-id",
		"parent-zone-name", "region-name", "state", "zone-id", "zone-name", "zone-type", "group-long-name")
	if ferr != nil {
		return nil, ferr
	}
	r, ok := region.Lookup(scope.From(ctx).Region)
	if !ok {
		// A region unkai does not know has no zones; AWS would not have
		// routed the request there at all.
		return &ec2api.DescribeAvailabilityZonesResult{AvailabilityZones: []ec2api.AvailabilityZone{}}, nil
	}
	names := map[string]bool{}
	idsSeen := map[string]bool{}
	for _, z := range r.Zones {
		names[r.ZoneName(z)] = true
		idsSeen[r.ZoneID(z)] = true
	}
	var unknown []string
	for _, n := range in.ZoneNames {
		if !names[n] {
			unknown = append(unknown, n)
		}
	}
	for _, id := range in.ZoneIds {
		if !idsSeen[id] {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return nil, invalidParameterValue("Invalid availability zone: [%s]", strings.Join(unknown, ", "))
	}
	if in.DryRun != nil && *in.DryRun {
		return nil, dryRunError()
	}
	out := &ec2api.DescribeAvailabilityZonesResult{AvailabilityZones: []ec2api.AvailabilityZone{}}
	for _, z := range r.Zones {
		name, id := r.ZoneName(z), r.ZoneID(z)
		if len(in.ZoneNames) > 0 || len(in.ZoneIds) > 0 {
			if !contains(in.ZoneNames, name) && !contains(in.ZoneIds, id) {
				continue
			}
		}
		az := ec2api.AvailabilityZone{
			State:              ptr("available"),
			OptInStatus:        ptr("opt-in-not-required"),
			Messages:           []ec2api.AvailabilityZoneMessage{},
			RegionName:         ptr(r.Name),
			ZoneName:           ptr(name),
			ZoneId:             ptr(id),
			GroupName:          ptr(r.Name + "-zg-1"),
			NetworkBorderGroup: ptr(r.Name),
			ZoneType:           ptr("availability-zone"),
		}
		attrs := map[string]string{
			"zone-name": name, "zone-id": id, "region-name": r.Name, "state": "available",
			"opt-in-status": "opt-in-not-required", "zone-type": "availability-zone", "group-name": *az.GroupName,
		}
		if !fs.matchAll(attrs) {
			continue
		}
		out.AvailabilityZones = append(out.AvailabilityZones, az)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
