package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// buildBinary builds ./cmd/unkai once per test into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "unkai")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/unkai-cloud/unkai/cmd/unkai")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var readyLine = regexp.MustCompile(`^unkai ready on (http://127\.0\.0\.1:\d+) \(data: (.+)\)$`)

// startBinary runs the real binary on a free port and waits for its ready
// line.
func startBinary(t *testing.T, bin, dataDir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	select {
	case line := <-lines:
		m := readyLine.FindStringSubmatch(line)
		if m == nil {
			cmd.Process.Kill()
			t.Fatalf("unexpected first line %q", line)
		}
		return cmd, m[1]
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no ready line within 30s")
	}
	return nil, ""
}

// killWhenAcked kills the server with SIGKILL once acked reports n
// acknowledged writes, or after 20 seconds, and waits for it to exit.
func killWhenAcked(t *testing.T, cmd *exec.Cmd, acked func() int, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for acked() < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
}

func logsClient(url string) *cloudwatchlogs.Client {
	return cloudwatchlogs.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      unkaitest.Retryer,
	})
}

// TestKill9KeepsAcknowledgedWrites writes through the API from several
// clients, kills the server with SIGKILL mid-stream, restarts it on the same
// data directory and finds every acknowledged write.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	ctx := context.Background()
	bin := buildBinary(t)
	dataDir := t.TempDir()
	cmd, url := startBinary(t, bin, dataDir)
	client := logsClient(url)
	if _, err := client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("durable")}); err != nil {
		t.Fatal(err)
	}

	const writers = 4
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		stream := fmt.Sprintf("w%d", w)
		if _, err := client.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
			LogGroupName: aws.String("durable"), LogStreamName: aws.String(stream),
		}); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		acked["stream "+stream] = true
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5000; i++ {
				msg := fmt.Sprintf("%s-%d", stream, i)
				_, err := client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{
					LogGroupName: aws.String("durable"), LogStreamName: aws.String(stream),
					LogEvents: []logstypes.InputLogEvent{{Message: aws.String(msg), Timestamp: aws.Int64(time.Now().UnixMilli())}},
				})
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked[msg] = true
				mu.Unlock()
			}
		}()
	}
	killWhenAcked(t, cmd, func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}, 400)
	wg.Wait()
	mu.Lock()
	t.Logf("%d writes acknowledged before SIGKILL", len(acked))
	mu.Unlock()

	cmd, url = startBinary(t, bin, dataDir)
	client = logsClient(url)
	found := map[string]bool{}
	for w := 0; w < writers; w++ {
		stream := fmt.Sprintf("w%d", w)
		p := cloudwatchlogs.NewGetLogEventsPaginator(client, &cloudwatchlogs.GetLogEventsInput{
			LogGroupName: aws.String("durable"), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true),
		}, func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("after restart, stream %s: %v", stream, err)
			}
			for _, e := range page.Events {
				found[aws.ToString(e.Message)] = true
			}
		}
		found["stream "+stream] = true
	}
	for k := range acked {
		if !found[k] {
			t.Errorf("acknowledged write %q lost after kill -9", k)
		}
	}

	// SIGTERM: the server finishes in-flight work, closes storage and exits 0.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("server did not stop within 30s of SIGTERM")
	}
}
