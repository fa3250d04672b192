package pebble

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// leaseFile names the file, next to Pebble's own, that holds the
// commit-stamp lease.
const leaseFile = "UNKAI-STAMP-LEASE"

// fileLease keeps the commit-stamp lease in a file of the database
// directory, replaced atomically (temporary file, fsync, rename, fsync of
// the directory).
type fileLease struct {
	fs  vfs.FS
	dir string
}

// Load implements occ.Lease.
func (l fileLease) Load() (uint64, error) {
	f, err := l.fs.Open(l.fs.PathJoin(l.dir, leaseFile))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var buf [8]byte
	if _, err := io.ReadFull(f, buf[:]); err != nil {
		return 0, fmt.Errorf("read %s: %w", leaseFile, err)
	}
	return binary.BigEndian.Uint64(buf[:]), nil
}

// Save implements occ.Lease.
func (l fileLease) Save(bound uint64) error {
	tmp := l.fs.PathJoin(l.dir, leaseFile+".tmp")
	f, err := l.fs.Create(tmp, vfs.WriteCategoryUnspecified)
	if err != nil {
		return err
	}
	_, werr := f.Write(binary.BigEndian.AppendUint64(nil, bound))
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return err
	}
	if err := l.fs.Rename(tmp, l.fs.PathJoin(l.dir, leaseFile)); err != nil {
		return err
	}
	d, err := l.fs.OpenDir(l.dir)
	if err != nil {
		return err
	}
	serr = d.Sync()
	return errors.Join(serr, d.Close())
}
