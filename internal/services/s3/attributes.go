package s3

import (
	"context"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

// parseObjectAttributes reads x-amz-object-attributes: a comma-separated
// list (sent as one header or several) of ETag, Checksum, ObjectParts,
// StorageClass and ObjectSize.
func parseObjectAttributes(list []string) (map[string]bool, error) {
	want := map[string]bool{}
	for _, item := range list {
		for _, a := range strings.Split(item, ",") {
			switch a = strings.TrimSpace(a); a {
			case "":
			case "ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize":
				want[a] = true
			default:
				return nil, errInvalidArgument("Invalid attribute name specified.")
			}
		}
	}
	if len(want) == 0 {
		return nil, errInvalidArgument("x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty")
	}
	return want, nil
}

// objectParts answers the ObjectParts attribute: nil for an object
// written in one part, as S3 answers. Objects completed from a multipart
// upload describe their parts here, paged from the part after marker, at
// most max parts (1,000 when absent).
func objectParts(o *Object, marker, max *int64) *s3api.GetObjectAttributesParts {
	if len(o.Parts) == 0 {
		return nil
	}
	limit := int64(1000)
	if max != nil {
		limit = *max
	}
	from := int64(0)
	if marker != nil {
		from = *marker
	}
	out := &s3api.GetObjectAttributesParts{TotalPartsCount: ptr(int64(len(o.Parts))), PartNumberMarker: ptr(from),
		MaxParts: ptr(limit), IsTruncated: ptr(false)}
	alg := ""
	if o.Checksum != nil {
		alg = o.Checksum.Algorithm
	}
	for i := from; i < int64(len(o.Parts)); i++ {
		if int64(len(out.Parts)) == limit {
			out.IsTruncated, out.NextPartNumberMarker = ptr(true), ptr(i)
			break
		}
		part := o.Parts[i]
		op := s3api.ObjectPart{PartNumber: ptr(i + 1), Size: ptr(part.Size)}
		if part.Checksum != "" {
			checksumFields{&op.ChecksumCRC32, &op.ChecksumCRC32C, &op.ChecksumCRC64NVME, &op.ChecksumSHA1, &op.ChecksumSHA256, nil}.
				set(&Checksum{Algorithm: alg, Value: part.Checksum})
		}
		out.Parts = append(out.Parts, op)
	}
	return out
}

func (p *Provider) getObjectAttributes(ctx context.Context, in *s3api.GetObjectAttributesRequest) (*s3api.GetObjectAttributesOutput, error) {
	want, err := parseObjectAttributes(in.ObjectAttributes)
	if err != nil {
		return nil, err
	}
	if (in.MaxParts != nil && *in.MaxParts < 0) || (in.PartNumberMarker != nil && *in.PartNumberMarker < 0) {
		return nil, errInvalidArgument("Argument max-parts must be an integer between 0 and 2147483647")
	}
	b, o, err := p.lookup(ctx, deref(in.Bucket), deref(in.Key), in.VersionId)
	if err != nil {
		return nil, err
	}
	out := &s3api.GetObjectAttributesOutput{LastModified: ptr(o.LastModified), VersionId: versionHeader(b, o)}
	if want["ETag"] {
		out.ETag = ptr(strings.Trim(o.ETag, `"`))
	}
	if want["Checksum"] && o.Checksum != nil {
		c := &s3api.Checksum{}
		checksumFields{&c.ChecksumCRC32, &c.ChecksumCRC32C, &c.ChecksumCRC64NVME, &c.ChecksumSHA1, &c.ChecksumSHA256, &c.ChecksumType}.set(o.Checksum)
		out.Checksum = c
	}
	if want["ObjectParts"] {
		out.ObjectParts = objectParts(o, in.PartNumberMarker, in.MaxParts)
	}
	if want["StorageClass"] {
		out.StorageClass = ptr(storageClassOf(*o))
	}
	if want["ObjectSize"] {
		out.ObjectSize = ptr(o.Size)
	}
	return out, nil
}
