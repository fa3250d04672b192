package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// ObjectPart is one file of a body made of several: a part of a completed
// multipart upload, in the order the parts make up the body.
type ObjectPart struct {
	// Blob names the part's file in the blob directory.
	Blob string `json:"blob"`
	Size int64  `json:"size"`
	// ETag is the part's quoted hex MD5.
	ETag string `json:"etag"`
	// Checksum is the part's base64 flexible checksum in the algorithm of
	// the object's, when the upload had one.
	Checksum string `json:"checksum,omitempty"`
}

// maxPartNumber is the highest part number S3 accepts.
const maxPartNumber = 10000

// readOptions select what of an object a read serves: a Range header, a
// part number (not both) or a copy's x-amz-copy-source-range, under the
// request's conditions.
type readOptions struct {
	versionID   *string // a version to read instead of the current object
	rangeHeader *string
	partNumber  *int64
	cond        conditions
	copyRange   *string
}

// viewOf resolves the byte range a read of obj serves.
//
// A partNumber read of an object that is not multipart treats the whole
// body as part 1; it is answered like a part of a multipart object (a
// Content-Range spanning the body), without x-amz-mp-parts-count. AWS does
// not document that case.
func viewOf(obj *Object, o readOptions) (*objectView, error) {
	v := &objectView{obj: obj, length: obj.Size}
	if o.copyRange != nil {
		r, err := parseCopyRange(*o.copyRange, obj.Size)
		if err != nil {
			return nil, err
		}
		v.setRange(r)
		return v, nil
	}
	if o.partNumber != nil {
		n := *o.partNumber
		if n < 1 || n > maxPartNumber {
			return nil, errPartNumber()
		}
		if o.rangeHeader != nil {
			return nil, awserr.New("InvalidRequest", http.StatusBadRequest,
				"Cannot specify both Range header and partNumber query parameter")
		}
		if n > int64(max(len(obj.Parts), 1)) {
			return nil, awserr.New("InvalidPartNumber", http.StatusRequestedRangeNotSatisfiable,
				"The requested partnumber is not satisfiable")
		}
		v.part = int(n)
		first, size := int64(0), obj.Size
		if len(obj.Parts) > 0 {
			for _, p := range obj.Parts[:n-1] {
				first += p.Size
			}
			size = obj.Parts[n-1].Size
		}
		if size > 0 {
			v.setRange(byteRange{first: first, last: first + size - 1})
		} else {
			v.length = 0
		}
		return v, nil
	}
	if o.rangeHeader != nil {
		r, ok, unsatisfiable := parseRange(*o.rangeHeader, obj.Size)
		if unsatisfiable {
			return nil, errInvalidRange()
		}
		if ok {
			v.setRange(r)
		}
	}
	return v, nil
}

// setRange makes v a partial read of r.
func (v *objectView) setRange(r byteRange) {
	v.rng, v.partial, v.length = r, true, r.last-r.first+1
	v.rangeHdr = "bytes " + strconv.FormatInt(r.first, 10) + "-" +
		strconv.FormatInt(r.last, 10) + "/" + strconv.FormatInt(v.obj.Size, 10)
}

// partsCount is the x-amz-mp-parts-count a read answers: the object's part
// count when the read named a part of a multipart object.
func (v *objectView) partsCount() *int64 {
	if v.part == 0 || len(v.obj.Parts) == 0 {
		return nil
	}
	return ptr(int64(len(v.obj.Parts)))
}

// checksum is the flexible checksum a read with checksum mode answers: the
// object's for a whole read, the part's for a part read of a multipart
// object with per-part checksums, none for a range.
func (v *objectView) checksum() *Checksum {
	switch {
	case v.obj.Checksum == nil:
		return nil
	case v.part != 0 && len(v.obj.Parts) > 0:
		if c := v.obj.Parts[v.part-1].Checksum; c != "" {
			return &Checksum{Algorithm: v.obj.Checksum.Algorithm, Value: c}
		}
		return nil
	case v.partial:
		return nil
	}
	return v.obj.Checksum
}

// segment is a run of bytes of one file.
type segment struct {
	blob      string
	off, size int64
}

// segments lists the runs of files that hold v's bytes, in order. It
// finds the first part by binary search over the parts' offsets.
func (v *objectView) segments() []segment {
	o := v.obj
	if v.length == 0 {
		return nil
	}
	first := int64(0)
	if v.partial {
		first = v.rng.first
	}
	if len(o.Parts) == 0 {
		return []segment{{blob: o.Blob, off: first, size: v.length}}
	}
	ends := make([]int64, len(o.Parts)) // ends[i] is the offset just past part i
	var end int64
	for i, p := range o.Parts {
		end += p.Size
		ends[i] = end
	}
	i := sort.Search(len(ends), func(i int) bool { return ends[i] > first })
	var segs []segment
	for left := v.length; left > 0 && i < len(o.Parts); i++ {
		start := ends[i] - o.Parts[i].Size
		off := first - start
		n := min(o.Parts[i].Size-off, left)
		segs = append(segs, segment{blob: o.Parts[i].Blob, off: off, size: n})
		first += n
		left -= n
	}
	return segs
}

// openObjectBody resolves bucket/key under o and opens the bytes the read
// serves: the whole body, a range or a part, across part files, streaming
// from one open file at a time. GetObject, UploadPartCopy and CopyObject
// read objects through it. Close the reader: the files it reads are leased
// (see blobLeases) until then, so an overwrite or delete committed while
// it streams removes them only afterwards. A file already gone when the
// read starts (an overwrite raced the lookup) makes it look up again. An
// archived object without a restored copy is refused (InvalidObjectState)
// after its conditions are checked: AWS does not document the order.
func (p *Provider) openObjectBody(ctx context.Context, bucket, key string, o readOptions) (*objectView, io.ReadCloser, error) {
	for attempt := 0; ; attempt++ {
		b, obj, err := p.lookup(ctx, bucket, key, o.versionID)
		if err != nil {
			return nil, nil, err
		}
		if err := o.cond.check(obj); err != nil {
			return nil, nil, err
		}
		if err := checkReadable(obj, p.clock.Now()); err != nil {
			return nil, nil, err
		}
		v, err := viewOf(obj, o)
		if err != nil {
			return nil, nil, err
		}
		v.bucket = b
		if obj.Blob == "" && len(obj.Parts) == 0 {
			first := int64(0)
			if v.partial {
				first = v.rng.first
			}
			return v, io.NopCloser(bytes.NewReader(obj.Inline[first : first+v.length])), nil
		}
		r, err := p.openSegments(v.segments())
		if errors.Is(err, os.ErrNotExist) && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, nil, awserr.Internal(fmt.Errorf("s3: open blob: %w", err))
		}
		return v, r, nil
	}
}

// openSegments leases the segments' files and opens the first.
func (p *Provider) openSegments(segs []segment) (*segmentReader, error) {
	r := &segmentReader{p: p, segs: segs}
	for _, s := range segs {
		r.leased = append(r.leased, s.blob)
	}
	p.leases.take(r.leased)
	if len(segs) > 0 {
		if err := r.open(); err != nil {
			p.leases.release(p.blobDir, r.leased)
			return nil, err
		}
	}
	return r, nil
}

// segmentReader reads a list of segments, one open file at a time.
type segmentReader struct {
	p      *Provider
	segs   []segment
	leased []string
	f      *os.File
	sr     *io.SectionReader
	closed bool
}

// open opens the file of the first segment.
func (r *segmentReader) open() error {
	s := r.segs[0]
	f, err := os.Open(filepath.Join(r.p.blobDir, s.blob))
	if err != nil {
		return err
	}
	r.f, r.sr = f, io.NewSectionReader(f, s.off, s.size)
	return nil
}

// Read implements io.Reader.
func (r *segmentReader) Read(b []byte) (int, error) {
	for {
		if r.closed {
			return 0, os.ErrClosed
		}
		if len(r.segs) == 0 {
			return 0, io.EOF
		}
		if r.sr == nil {
			if err := r.open(); err != nil {
				return 0, fmt.Errorf("s3: open part file: %w", err)
			}
		}
		n, err := r.sr.Read(b)
		if err == io.EOF {
			_ = r.f.Close()
			r.f, r.sr, r.segs = nil, nil, r.segs[1:]
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

// Close closes the open file and ends the leases.
func (r *segmentReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	var err error
	if r.f != nil {
		err = r.f.Close()
	}
	r.p.leases.release(r.p.blobDir, r.leased)
	return err
}

// blobLeases counts the open reads of each blob file. Removing a leased
// file is put off until its last read ends; a crash in between leaves a
// file no record names, which Start sweeps.
type blobLeases struct {
	mu     sync.Mutex
	held   map[string]int
	doomed map[string]bool
}

// take leases ids.
func (l *blobLeases) take(ids []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held, l.doomed = map[string]int{}, map[string]bool{}
	}
	for _, id := range ids {
		l.held[id]++
	}
}

// release ends leases of ids, removing the files whose removal waited.
func (l *blobLeases) release(dir string, ids []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		if l.held[id]--; l.held[id] > 0 {
			continue
		}
		delete(l.held, id)
		if l.doomed[id] {
			delete(l.doomed, id)
			_ = os.Remove(filepath.Join(dir, id))
		}
	}
}

// remove deletes the file id, or marks it for removal when its lease ends.
func (l *blobLeases) remove(dir, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[id] > 0 {
		l.doomed[id] = true
		return
	}
	_ = os.Remove(filepath.Join(dir, id))
}

func errPartNumber() *awserr.Error {
	return errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive")
}
