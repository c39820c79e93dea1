package localpg

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrNotInstalled is returned by BinDir and Start when no PostgreSQL server
// binaries can be found. Its message is one line telling the user what to do.
var ErrNotInstalled = errors.New("PostgreSQL server binaries not found: install them (Debian/Ubuntu: apt-get install postgresql) or set SUPPORTAL_DATABASE_URL")

// BinDir returns the folder holding initdb and postgres. It looks at the
// environment variable SUPPORTAL_PG_BINDIR, then at `pg_config --bindir`, then
// at the highest version under /usr/lib/postgresql/*/bin. It returns
// ErrNotInstalled when none of them holds the server binaries.
func BinDir() (string, error) {
	if dir := os.Getenv("SUPPORTAL_PG_BINDIR"); dir != "" {
		if !hasServer(dir) {
			return "", fmt.Errorf("SUPPORTAL_PG_BINDIR=%s holds no initdb and postgres: %w", dir, ErrNotInstalled)
		}
		return dir, nil
	}
	if pgConfig, err := exec.LookPath("pg_config"); err == nil {
		out, err := exec.Command(pgConfig, "--bindir").Output()
		if dir := strings.TrimSpace(string(out)); err == nil && hasServer(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, dir := range dirs {
		if hasServer(dir) {
			return dir, nil
		}
	}
	return "", ErrNotInstalled
}

// hasServer reports whether dir holds executable initdb and postgres files.
func hasServer(dir string) bool {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// version extracts the major version from /usr/lib/postgresql/<version>/bin,
// or -1 when it is not a number.
func version(binDir string) float64 {
	v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	if err != nil {
		return -1
	}
	return v
}
