package app

import (
	"io"
	"log/slog"
	"reflect"
	"testing"
)

func TestParseConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string {
		return func(k string) string { return kv[k] }
	}
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    Config
		wantErr bool
	}{
		{name: "defaults", env: map[string]string{"HOME": "/home/u"},
			want: Config{Addr: "127.0.0.1:4566", DataDir: "/home/u/.local/share/unkai", Auth: AuthOpen, LogLevel: slog.LevelInfo}},
		{name: "xdg data home", env: map[string]string{"HOME": "/home/u", "XDG_DATA_HOME": "/data"},
			want: Config{Addr: "127.0.0.1:4566", DataDir: "/data/unkai", Auth: AuthOpen, LogLevel: slog.LevelInfo}},
		{name: "env", env: map[string]string{"HOME": "/h", "UNKAI_ADDR": "127.0.0.1:1", "UNKAI_EPHEMERAL": "true", "UNKAI_LOG_LEVEL": "warn"},
			want: Config{Addr: "127.0.0.1:1", DataDir: "/h/.local/share/unkai", Ephemeral: true, Auth: AuthOpen, LogLevel: slog.LevelWarn}},
		{name: "flags beat env", args: []string{"--addr", "127.0.0.1:2", "--data-dir", "/d", "--log-level", "debug"},
			env:  map[string]string{"HOME": "/h", "UNKAI_ADDR": "127.0.0.1:1"},
			want: Config{Addr: "127.0.0.1:2", DataDir: "/d", Auth: AuthOpen, LogLevel: slog.LevelDebug}},
		{name: "strict with keys", args: []string{"--auth=strict"}, env: map[string]string{"HOME": "/h", "UNKAI_ACCESS_KEY_ID": "AK", "UNKAI_SECRET_ACCESS_KEY": "SK"},
			want: Config{Addr: "127.0.0.1:4566", DataDir: "/h/.local/share/unkai", Auth: AuthStrict, LogLevel: slog.LevelInfo, AccessKeyID: "AK", SecretAccessKey: "SK"}},
		{name: "strict with several keys", args: []string{"--auth=strict", "--keys", "111122223333:a/b+c, 444455556666:x"}, env: map[string]string{"HOME": "/h"},
			want: Config{Addr: "127.0.0.1:4566", DataDir: "/h/.local/share/unkai", Auth: AuthStrict, LogLevel: slog.LevelInfo,
				Keys: []KeyPair{{"111122223333", "a/b+c"}, {"444455556666", "x"}}}},
		{name: "keys from env", args: []string{"--auth=strict"}, env: map[string]string{"HOME": "/h", "UNKAI_KEYS": "AK:SK"},
			want: Config{Addr: "127.0.0.1:4566", DataDir: "/h/.local/share/unkai", Auth: AuthStrict, LogLevel: slog.LevelInfo, Keys: []KeyPair{{"AK", "SK"}}}},
		{name: "malformed keys", args: []string{"--keys", "AK"}, env: map[string]string{"HOME": "/h"}, wantErr: true},
		{name: "empty secret", args: []string{"--keys", "AK:"}, env: map[string]string{"HOME": "/h"}, wantErr: true},
		{name: "strict with half a root pair", args: []string{"--auth=strict", "--access-key-id", "AK", "--keys", "B:C"}, env: map[string]string{"HOME": "/h"}, wantErr: true},
		{name: "strict without keys", args: []string{"--auth=strict"}, env: map[string]string{"HOME": "/h"}, wantErr: true},
		{name: "unknown auth", args: []string{"--auth=maybe"}, env: map[string]string{"HOME": "/h"}, wantErr: true},
		{name: "bad level", args: []string{"--log-level=loud"}, env: map[string]string{"HOME": "/h"}, wantErr: true},
		{name: "bad ephemeral env", env: map[string]string{"HOME": "/h", "UNKAI_EPHEMERAL": "sometimes"}, wantErr: true},
		{name: "stray argument", args: []string{"extra"}, env: map[string]string{"HOME": "/h"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseConfig(tc.args, env(tc.env), io.Discard)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("want an error, got %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
