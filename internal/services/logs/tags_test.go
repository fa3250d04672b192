package logs

import (
	"fmt"
	"maps"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
)

func TestTags(t *testing.T) {
	const groupARN = "arn:aws:logs:eu-west-1:111122223333:log-group:g"
	fifty := map[string]string{}
	for i := range 50 {
		fifty[fmt.Sprint("k", i)] = "v"
	}
	type step struct {
		op   string // tag, untag, tagres, untagres
		arg  string // group name or ARN
		tags map[string]string
		keys []string
		code string
	}
	tests := []struct {
		name  string
		steps []step
		want  map[string]string
	}{
		{name: "tag and list", steps: []step{{op: "tag", arg: "g", tags: map[string]string{"a": "1", "b": "2"}}},
			want: map[string]string{"a": "1", "b": "2"}},
		{name: "tag overwrites and untag", steps: []step{
			{op: "tag", arg: "g", tags: map[string]string{"a": "1", "b": "2"}},
			{op: "tag", arg: "g", tags: map[string]string{"a": "9"}},
			{op: "untag", arg: "g", keys: []string{"b", "absent"}},
		}, want: map[string]string{"a": "9"}},
		{name: "resource API by ARN", steps: []step{
			{op: "tagres", arg: groupARN, tags: map[string]string{"x": "1", "y": "2"}},
			{op: "tagres", arg: groupARN + ":*", tags: map[string]string{"z": "3"}},
			{op: "untagres", arg: groupARN, keys: []string{"x"}},
		}, want: map[string]string{"y": "2", "z": "3"}},
		{name: "no tags", want: map[string]string{}},
		{name: "missing group", steps: []step{{op: "tag", arg: "nope", tags: map[string]string{"a": "1"}, code: codeNotFound}}, want: map[string]string{}},
		{name: "missing group ARN", steps: []step{{op: "tagres", arg: groupARN + "x", tags: map[string]string{"a": "1"}, code: codeNotFound}}, want: map[string]string{}},
		{name: "other account ARN", steps: []step{{op: "tagres", arg: "arn:aws:logs:eu-west-1:999999999999:log-group:g", tags: map[string]string{"a": "1"}, code: codeNotFound}}, want: map[string]string{}},
		{name: "not a group ARN", steps: []step{{op: "untagres", arg: "arn:aws:logs:eu-west-1:111122223333:destination:d", keys: []string{"a"}, code: codeNotFound}}, want: map[string]string{}},
		{name: "too many tags", steps: []step{
			{op: "tag", arg: "g", tags: fifty},
			{op: "tag", arg: "g", tags: map[string]string{"one": "more"}, code: codeInvalidParameter},
			{op: "tagres", arg: groupARN, tags: map[string]string{"one": "more"}, code: codeTooManyTags},
		}, want: fifty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustGroup(t, "g")
			for _, s := range tt.steps {
				var err error
				switch s.op {
				case "tag":
					_, err = f.p.TagLogGroup(f.ctx, &logsapi.TagLogGroupRequest{LogGroupName: ptr(s.arg), Tags: s.tags})
				case "untag":
					_, err = f.p.UntagLogGroup(f.ctx, &logsapi.UntagLogGroupRequest{LogGroupName: ptr(s.arg), Tags: s.keys})
				case "tagres":
					_, err = f.p.TagResource(f.ctx, &logsapi.TagResourceRequest{ResourceArn: ptr(s.arg), Tags: s.tags})
				case "untagres":
					_, err = f.p.UntagResource(f.ctx, &logsapi.UntagResourceRequest{ResourceArn: ptr(s.arg), TagKeys: s.keys})
				}
				checkErr(t, err, s.code, "")
			}
			byName, err := f.p.ListTagsLogGroup(f.ctx, &logsapi.ListTagsLogGroupRequest{LogGroupName: ptr("g")})
			checkErr(t, err, "", "")
			byARN, err := f.p.ListTagsForResource(f.ctx, &logsapi.ListTagsForResourceRequest{ResourceArn: ptr(groupARN)})
			checkErr(t, err, "", "")
			if !maps.Equal(byName.Tags, tt.want) || !maps.Equal(byARN.Tags, tt.want) || byName.Tags == nil || byARN.Tags == nil {
				t.Fatalf("tags = %v / %v, want %v", byName.Tags, byARN.Tags, tt.want)
			}
		})
	}
	t.Run("list missing", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.p.ListTagsLogGroup(f.ctx, &logsapi.ListTagsLogGroupRequest{LogGroupName: ptr("nope")})
		checkErr(t, err, codeNotFound, "The specified log group does not exist.")
		_, err = f.p.ListTagsForResource(f.ctx, &logsapi.ListTagsForResourceRequest{ResourceArn: ptr("not an arn")})
		checkErr(t, err, codeNotFound, "")
	})
}
