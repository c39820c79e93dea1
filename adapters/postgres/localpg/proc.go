package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// owner is the operating-system user the server runs as. A nil *owner means
// the current user.
type owner struct {
	uid, gid uint32
}

// runAs returns the user to run initdb and postgres as: the current user, or
// the postgres system user when running as root, because both programs refuse
// to run as root.
func runAs() (*owner, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a postgres system user: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("postgres uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("postgres gid %q: %w", u.Gid, err)
	}
	return &owner{uid: uint32(uid), gid: uint32(gid)}, nil
}

// command builds a command that runs as o and, when its parent dies, receives
// sig. It runs in its own process group so that a terminal's Ctrl-C reaches
// only the parent, which then stops the server in order.
func (o *owner) command(ctx context.Context, sig syscall.Signal, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: sig}
	if o != nil {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: o.uid, Gid: o.gid, NoSetGroups: true}
	}
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd
}

// own hands dir and everything below it to o, and checks that o can reach
// dir through its parent folders.
func (o *owner) own(dir string) error {
	if o == nil {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid == o.uid {
		return o.reach(dir)
	}
	err = filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(o.uid), int(o.gid))
	})
	if err != nil {
		return fmt.Errorf("chown %s: %w", dir, err)
	}
	return o.reach(dir)
}

// reach checks that o can search every parent folder of dir.
func (o *owner) reach(dir string) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		perm := fi.Mode().Perm()
		if ok && perm&0o001 == 0 && st.Uid != o.uid && !(perm&0o010 != 0 && st.Gid == o.gid) {
			return fmt.Errorf("user postgres cannot reach %s: %s is not searchable (chmod o+x it or choose another folder)", dir, p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// clearPIDFile handles a postmaster.pid left in dir: it stops a server that
// is still running there and removes the file when its process is gone.
func clearPIDFile(ctx context.Context, bin, dir string, o *owner) error {
	pidFile := filepath.Join(dir, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 || !isPostgres(pid) {
		return os.Remove(pidFile)
	}
	out, err := o.command(ctx, 0, filepath.Join(bin, "pg_ctl"), "stop", "-D", dir, "-m", "fast", "-w", "-t", "30").CombinedOutput()
	if err != nil {
		return fmt.Errorf("stop previous server (pid %d): %w: %s", pid, err, bytes.TrimSpace(out))
	}
	return nil
}

// isPostgres reports whether pid is a live postgres process.
func isPostgres(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return true // cannot tell; assume it is
	}
	exe = strings.TrimSuffix(exe, " (deleted)")
	return filepath.Base(exe) == "postgres" || filepath.Base(exe) == "postmaster"
}

// waitExit waits up to d for done to close, and reports whether it did.
func waitExit(done <-chan struct{}, d time.Duration) bool {
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}
