package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Version is unkai's version.
const Version = "0.1.0"

// Auth modes.
const (
	// AuthOpen requires signatures to parse and accepts any secret.
	AuthOpen = "open"
	// AuthStrict verifies signatures against known keys.
	AuthStrict = "strict"
)

// Config is the server's configuration, from flags and UNKAI_* variables.
type Config struct {
	// Addr is the listen address (default 127.0.0.1:4566).
	Addr string
	// DataDir holds the store, blobs and the local CA.
	DataDir string
	// Ephemeral keeps everything in memory; DataDir is not used.
	Ephemeral bool
	// Auth is AuthOpen or AuthStrict.
	Auth string
	// LogLevel is debug, info, warn or error.
	LogLevel slog.Level
	// AccessKeyID and SecretAccessKey are the root key pair strict mode
	// verifies signatures with.
	AccessKeyID     string
	SecretAccessKey string
	// Keys are more key pairs strict mode accepts (--keys), so that several
	// accounts can sign: a 12-digit access key id is its own account.
	Keys []KeyPair
}

// KeyPair is an access key id and its secret.
type KeyPair struct {
	AccessKeyID     string
	SecretAccessKey string
}

// parseKeys reads "ID:SECRET[,ID:SECRET...]".
func parseKeys(s string) ([]KeyPair, error) {
	if s == "" {
		return nil, nil
	}
	var out []KeyPair
	for _, pair := range strings.Split(s, ",") {
		id, secret, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok || id == "" || secret == "" {
			return nil, errors.New("--keys takes ACCESS_KEY_ID:SECRET pairs separated by commas")
		}
		out = append(out, KeyPair{AccessKeyID: id, SecretAccessKey: secret})
	}
	return out, nil
}

// DefaultDataDir returns $XDG_DATA_HOME/unkai, or ~/.local/share/unkai.
func DefaultDataDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "unkai")
	}
	home := getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	return filepath.Join(home, ".local", "share", "unkai")
}

// ParseConfig reads the serve command's flags from args; each flag's default
// comes from its UNKAI_* variable (read with getenv) when set.
func ParseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("unkai serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	var level string
	fs.StringVar(&cfg.Addr, "addr", env("UNKAI_ADDR", "127.0.0.1:4566"), "listen address (UNKAI_ADDR)")
	fs.StringVar(&cfg.DataDir, "data-dir", env("UNKAI_DATA_DIR", DefaultDataDir(getenv)), "data directory (UNKAI_DATA_DIR)")
	ephemeral, err := parseBool(env("UNKAI_EPHEMERAL", "false"))
	if err != nil {
		return Config{}, fmt.Errorf("UNKAI_EPHEMERAL: %w", err)
	}
	fs.BoolVar(&cfg.Ephemeral, "ephemeral", ephemeral, "keep all state in memory (UNKAI_EPHEMERAL)")
	fs.StringVar(&cfg.Auth, "auth", env("UNKAI_AUTH", AuthOpen), "signature checking: open or strict (UNKAI_AUTH)")
	fs.StringVar(&level, "log-level", env("UNKAI_LOG_LEVEL", "info"), "debug, info, warn or error (UNKAI_LOG_LEVEL)")
	fs.StringVar(&cfg.AccessKeyID, "access-key-id", env("UNKAI_ACCESS_KEY_ID", ""), "root access key id for --auth=strict (UNKAI_ACCESS_KEY_ID)")
	fs.StringVar(&cfg.SecretAccessKey, "secret-access-key", env("UNKAI_SECRET_ACCESS_KEY", ""), "root secret key for --auth=strict (UNKAI_SECRET_ACCESS_KEY)")
	var keys string
	fs.StringVar(&keys, "keys", env("UNKAI_KEYS", ""), "more key pairs for --auth=strict, ID:SECRET[,ID:SECRET...]; a 12-digit id is its own account (UNKAI_KEYS)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if cfg.Keys, err = parseKeys(keys); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return Config{}, fmt.Errorf("--log-level: %w", err)
	}
	switch cfg.Auth {
	case AuthOpen:
	case AuthStrict:
		if (cfg.AccessKeyID == "") != (cfg.SecretAccessKey == "") || cfg.AccessKeyID == "" && len(cfg.Keys) == 0 {
			return Config{}, errors.New("--auth=strict needs --access-key-id and --secret-access-key (or UNKAI_ACCESS_KEY_ID and UNKAI_SECRET_ACCESS_KEY), or --keys")
		}
	default:
		return Config{}, fmt.Errorf("--auth must be %q or %q, not %q", AuthOpen, AuthStrict, cfg.Auth)
	}
	return cfg, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return strconv.ParseBool(s)
}
