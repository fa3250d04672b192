package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// crashBody is the body written under key: its size and bytes follow from
// the key, so any object read back can be checked.
func crashBody(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	n := 1 + int(sum[0])<<8 | int(sum[1]) // up to 64 KiB
	return bytes.Repeat(sum[:], n/len(sum)+1)[:n]
}

func s3At(url string) *s3.Client {
	return s3.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      unkaitest.Retryer,
	}, func(o *s3.Options) { o.UsePathStyle = true })
}

// slowReader yields a large body slowly, so an upload is in flight when
// the server is killed.
type slowReader struct{ left int }

func (r *slowReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(5 * time.Millisecond)
	n := min(len(p), r.left, 64<<10)
	r.left -= n
	return n, nil
}

// TestS3Kill9 kills the real binary with SIGKILL while writers put and
// delete objects and a large upload streams. After a restart every
// acknowledged PUT reads back exactly, every listed object is whole, no
// unacknowledged upload is visible, and no temporary upload file is left.
func TestS3Kill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	cmd, url := startBinary(t, bin, data)
	ctx := context.Background()
	c := s3At(url)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("crash")}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	// acked maps each key to its state: present (PUT acknowledged), gone
	// (DELETE acknowledged) or in doubt (DELETE sent, not acknowledged).
	const present, gone, inDoubt = 1, 2, 3
	acked := map[string]int{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := s3At(url)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d/%05d", w, i)
				if _, err := cl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("crash"), Key: aws.String(key),
					Body: bytes.NewReader(crashBody(key))}); err != nil {
					return
				}
				mu.Lock()
				acked[key] = present
				mu.Unlock()
				if i%5 == 4 {
					old := fmt.Sprintf("w%d/%05d", w, i-2)
					mu.Lock()
					acked[old] = inDoubt
					mu.Unlock()
					if _, err := cl.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("crash"), Key: aws.String(old)}); err != nil {
						return
					}
					mu.Lock()
					acked[old] = gone
					mu.Unlock()
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		cl := s3At(url)
		_, _ = cl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("crash"), Key: aws.String("big/in-flight"),
			Body: &slowReader{left: 256 << 20}, ContentLength: aws.Int64(256 << 20)})
	}()
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	close(stop)
	wg.Wait()

	cmd, url = startBinary(t, bin, data)
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	c = s3At(url)
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 20 {
		t.Fatalf("only %d writes acknowledged before the kill", len(acked))
	}
	for key, state := range acked {
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("crash"), Key: aws.String(key)})
		switch {
		case state == gone && err == nil:
			got.Body.Close()
			t.Errorf("%s: deleted (acknowledged) but readable after restart", key)
			continue
		case state == gone, state == inDoubt && err != nil:
			continue
		}
		if err != nil {
			t.Errorf("%s: acknowledged but lost: %v", key, err)
			continue
		}
		b, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if !bytes.Equal(b, crashBody(key)) {
			t.Errorf("%s: %d bytes read back, not the acknowledged body", key, len(b))
		}
	}
	pager := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("crash")})
	listed := 0
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			listed++
			key := aws.ToString(o.Key)
			if key == "big/in-flight" {
				t.Errorf("the upload in flight at the kill is visible (%d bytes)", aws.ToInt64(o.Size))
				continue
			}
			if aws.ToInt64(o.Size) != int64(len(crashBody(key))) {
				t.Errorf("%s listed with %d bytes, want %d", key, aws.ToInt64(o.Size), len(crashBody(key)))
			}
		}
	}
	entries, err := os.ReadDir(filepath.Join(data, "blobs", "s3"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".upload-") {
			t.Errorf("temporary upload file %s left after restart", e.Name())
		}
	}
	t.Logf("%d keys written, %d listed after the restart, %d files in the blob directory", len(acked), listed, len(entries))
}
