package localpg

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
)

// place returns the folder the cluster of dir really lives in. That is dir
// itself, unless the server runs as another user (root starts it as postgres)
// who cannot reach dir: a clone under /root or in a mktemp -d folder (mode
// 0700) is such a place. Then the cluster lives in a folder of its own under
// the postgres user's home (or, without one, the system's temporary folder),
// named after dir, and dir becomes a symbolic link to it, so that the next
// start finds the same data through the same path.
func (o *owner) place(dir string) (string, error) {
	if o == nil {
		return dir, nil
	}
	fi, err := os.Lstat(dir)
	switch {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return filepath.EvalSymlinks(dir)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", err
	}
	if o.reach(dir) == nil {
		return dir, nil
	}
	if err == nil { // an existing folder: only an empty one may become a link
		entries, err := os.ReadDir(dir)
		if err != nil {
			return "", err
		}
		if len(entries) > 0 {
			return "", o.reach(dir)
		}
	}
	target, err := o.reachableHome(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(target, 0o700); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	_ = os.Remove(dir) // the empty folder found above, if any
	if err := os.Symlink(target, dir); err != nil {
		return "", fmt.Errorf("link %s to %s: %w", dir, target, err)
	}
	return target, nil
}

// reachableHome names the folder for the cluster of dir that o can reach:
// <home of postgres>/supportal/<parent folder's name>-<hash of dir>.
func (o *owner) reachableHome(dir string) (string, error) {
	sum := sha256.Sum256([]byte(dir))
	name := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, filepath.Base(filepath.Dir(filepath.Dir(dir))))
	leaf := name + "-" + hex.EncodeToString(sum[:6])
	var roots []string
	if u, err := user.LookupId(fmt.Sprint(o.uid)); err == nil && u.HomeDir != "" {
		roots = append(roots, u.HomeDir)
	}
	roots = append(roots, os.TempDir())
	for _, root := range roots {
		base := filepath.Join(root, "supportal")
		if err := os.MkdirAll(base, 0o755); err != nil {
			continue
		}
		if err := o.reach(filepath.Join(base, leaf)); err == nil {
			return filepath.Join(base, leaf), nil
		}
	}
	return "", fmt.Errorf("user postgres can reach neither %s nor a folder for it under %s", dir, strings.Join(roots, " or "))
}
