package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"supportal/adapters/minio/localminio"
	"supportal/adapters/smtp/mailbox"
)

// buildServer compiles the supportal binary into dir, from the module that
// holds this command.
func buildServer(ctx context.Context, dir string, log io.Writer) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("build server: find the module (run from inside it): %w", err)
	}
	bin := filepath.Join(dir, "supportal")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/supportal")
	cmd.Dir = strings.TrimSpace(string(out))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build server: %w", err)
	}
	return bin, nil
}

// deps are the services the server needs besides PostgreSQL.
type deps struct {
	minio *localminio.Server
	box   *mailbox.Box
}

// startDeps starts a MinIO server in dir/minio and an in-process mailbox.
func startDeps(ctx context.Context, dir string, log io.Writer) (*deps, error) {
	if _, err := localminio.Binary(ctx, log); err != nil {
		return nil, err
	}
	mo, err := localminio.Start(ctx, localminio.Options{Dir: filepath.Join(dir, "minio"), AccessKey: "supportal-bench",
		SecretKey: "supportal-bench-secret", Log: io.Discard})
	if err != nil {
		return nil, err
	}
	box, err := mailbox.Start("")
	if err != nil {
		return nil, errors.Join(err, mo.Stop())
	}
	return &deps{minio: mo, box: box}, nil
}

func (d *deps) stop() error { return errors.Join(d.box.Close(), d.minio.Stop()) }

// server is a running `supportal serve`.
type server struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startServer runs `bin serve` configured by environment variables, its log
// in logFile, and waits until /readyz answers 200. extra are more KEY=VALUE
// environment variables.
func startServer(ctx context.Context, bin, dbURL string, d *deps, logFile string, extra []string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	env := map[string]string{
		"SUPPORTAL_DATABASE_URL": dbURL, "SUPPORTAL_S3_ENDPOINT": d.minio.Endpoint(),
		"SUPPORTAL_S3_ACCESS_KEY": d.minio.AccessKey(), "SUPPORTAL_S3_SECRET_KEY": d.minio.SecretKey(),
		"SUPPORTAL_SMTP_HOST": d.box.Host(), "SUPPORTAL_SMTP_PORT": strconv.Itoa(d.box.Port()), "SUPPORTAL_SMTP_TLS": "none",
		"SUPPORTAL_LISTEN": addr, "SUPPORTAL_BASE_URL": "http://" + addr, "SUPPORTAL_SECRET": hex.EncodeToString(secret),
		"SUPPORTAL_LOG_FORMAT": "json",
	}
	f, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, extra...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &server{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); f.Close() }()
	deadline := time.Now().Add(time.Minute)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("server exited during start-up (%v); see %s", err, logFile)
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), s.stop())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, errors.Join(fmt.Errorf("server not ready after a minute; see %s", logFile), s.stop())
		}
	}
}

// pid returns the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// stop asks the server to shut down gracefully and kills it after 20 s.
func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("server did not stop within 20 s")
	}
}

// freePort returns a free TCP port on the loopback interface.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
