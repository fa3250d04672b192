package s3

import (
	"bytes"
	"encoding/base64"
	"hash/crc64"
	"testing"
)

func TestCRC64NVMECheckValue(t *testing.T) {
	// The catalogued check value of CRC-64/NVME over "123456789".
	if got := crc64.Checksum([]byte("123456789"), crc64.MakeTable(crc64NVME)); got != 0xae8b14860a799888 {
		t.Fatalf("CRC-64/NVME check = %#x", got)
	}
}

func TestCRCCombine(t *testing.T) {
	data := bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog\x00\xff"), 997)
	for _, name := range []string{"CRC32", "CRC32C", "CRC64NVME"} {
		a := algorithm(name)
		for _, cuts := range [][]int{{0}, {1}, {4096}, {1, 2, 3}, {100, 100, 100, 5000}, {len(data) - 1}} {
			c := newCRCCombiner(a)
			rest := data
			for _, n := range append(cuts, len(data)) {
				n = min(n, len(rest))
				h := a.new()
				h.Write(rest[:n])
				crc, err := c.decodeCRC(base64.StdEncoding.EncodeToString(h.Sum(nil)))
				if err != nil {
					t.Fatal(err)
				}
				c.add(crc, int64(n))
				rest = rest[n:]
			}
			whole := a.new()
			whole.Write(data)
			if want := base64.StdEncoding.EncodeToString(whole.Sum(nil)); c.value() != want {
				t.Errorf("%s cuts %v: combined %s, want %s", name, cuts, c.value(), want)
			}
		}
	}
}

func TestMultipartETag(t *testing.T) {
	// Two parts "a" and "b": md5(md5("a")‖md5("b")) with the part count.
	parts := []partDigest{
		{etag: `"0cc175b9c0f1b6a831c399e269772661"`}, {etag: `"92eb5ffee6ae2fec3ad71c777531578f"`},
	}
	got, err := multipartETag(parts)
	if err != nil || got != `"96e024ba2074fe77e8e965ba43a704be-2"` {
		t.Fatalf("etag %s, %v", got, err)
	}
}
