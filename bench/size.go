package main

import (
	"fmt"
	"strconv"
	"strings"
)

// sizeFlag is a flag.Value of a byte count: a number, optionally followed by
// K, M or G, or KiB, MiB or GiB (all binary: K and KiB are 1024).
type sizeFlag struct{ n *int }

func (f sizeFlag) String() string {
	if f.n == nil {
		return "0"
	}
	return strconv.Itoa(*f.n)
}

func (f sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*f.n = n
	return nil
}

// parseSize reads a byte count such as "4096", "4K" or "8MiB".
func parseSize(s string) (int, error) {
	num := strings.TrimRight(s, "KMGkmgiBb")
	unit := strings.ToLower(s[len(num):])
	shift := 0
	switch unit {
	case "":
	case "k", "kib":
		shift = 10
	case "m", "mib":
		shift = 20
	case "g", "gib":
		shift = 30
	default:
		return 0, fmt.Errorf("size %q: unit must be K, M, G, KiB, MiB or GiB", s)
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("size %q: not a byte count", s)
	}
	if v > (1<<40)>>shift {
		return 0, fmt.Errorf("size %q: more than 1 TiB", s)
	}
	return int(v << shift), nil
}
