package e2e

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestS3ListBucketsPages walks ListBuckets with max-buckets, a prefix and
// a region filter through the SDK's paginator.
func TestS3ListBucketsPages(t *testing.T) {
	srv := unkaitest.Start(t)
	ctx := context.Background()
	c := s3Client(srv, "")
	for _, name := range []string{"lb-a", "lb-b", "lb-c", "lb-d", "lb-e", "other"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	west := s3Client(srv, "us-west-2")
	if _, err := west.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lb-west"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "us-west-2"}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		in     s3.ListBucketsInput
		pages  []int
		region string
		want   []string
	}{
		{"all at once", s3.ListBucketsInput{}, []int{7}, "", []string{"lb-a", "lb-b", "lb-c", "lb-d", "lb-e", "lb-west", "other"}},
		{"prefix in pages of 2", s3.ListBucketsInput{Prefix: aws.String("lb-"), MaxBuckets: aws.Int32(2)}, []int{2, 2, 2}, "", []string{"lb-a", "lb-b", "lb-c", "lb-d", "lb-e", "lb-west"}},
		{"exact last page", s3.ListBucketsInput{Prefix: aws.String("lb-"), MaxBuckets: aws.Int32(3)}, []int{3, 3}, "", []string{"lb-a", "lb-b", "lb-c", "lb-d", "lb-e", "lb-west"}},
		{"region filter", s3.ListBucketsInput{BucketRegion: aws.String("us-west-2")}, []int{1}, "us-west-2", []string{"lb-west"}},
		{"no match", s3.ListBucketsInput{Prefix: aws.String("zz")}, []int{0}, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			var sizes []int
			pager := s3.NewListBucketsPaginator(c, &tc.in)
			for pager.HasMorePages() {
				page, err := pager.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(page.Buckets))
				for _, b := range page.Buckets {
					got = append(got, aws.ToString(b.Name))
					if tc.region != "" && aws.ToString(b.BucketRegion) != tc.region {
						t.Errorf("%s: region %q", aws.ToString(b.Name), aws.ToString(b.BucketRegion))
					}
				}
			}
			if !slices.Equal(got, tc.want) || !slices.Equal(sizes, tc.pages) {
				t.Errorf("got %v in pages %v, want %v in %v", got, sizes, tc.want, tc.pages)
			}
		})
	}
	_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{ContinuationToken: aws.String("!!")})
	apiError(t, err, "InvalidArgument", 400)
}
