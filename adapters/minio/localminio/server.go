// Package localminio installs a pinned MinIO server and runs it on the
// loopback interface, for development and tests.
package localminio

import (
	"context"
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
	"supportal/adapters/proc"
	"sync"
	"syscall"
	"time"
)

// Credentials used when Options leaves them empty. They only guard a server
// that listens on 127.0.0.1.
const (
	DevAccessKey = "supportal"
	DevSecretKey = "supportal-dev-secret"
)

// Options configure Start.
type Options struct {
	// Dir is the data folder; it is created when missing.
	Dir string
	// Port is the S3 API port on 127.0.0.1; 0 picks a free one.
	Port int
	// AccessKey and SecretKey are the root credentials; empty ones default
	// to DevAccessKey and DevSecretKey. MinIO wants at least 3 and 8 characters.
	AccessKey, SecretKey string
	// Log receives the server's output and build progress; nil discards it.
	Log io.Writer
}

// Server is a MinIO process started by Start.
type Server struct {
	endpoint       string
	access, secret string
	proc           *os.Process
	done           chan struct{}
	waitErr        error // set before done is closed
	out            *proc.Tail

	stopOnce sync.Once
	stopErr  error
}

// errExited reports that the server exited before it was ready.
var errExited = errors.New("server exited during start-up")

// readyTimeout bounds the wait for the health check to pass.
const readyTimeout = 30 * time.Second

// Start runs `minio server` on opts.Dir, getting the binary from Binary, and
// waits until it reports ready. The server receives SIGTERM if this process
// dies.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Dir == "" {
		return nil, errors.New("localminio: start: no data folder given")
	}
	if opts.AccessKey == "" {
		opts.AccessKey = DevAccessKey
	}
	if opts.SecretKey == "" {
		opts.SecretKey = DevSecretKey
	}
	if len(opts.AccessKey) < 3 || len(opts.SecretKey) < 8 {
		return nil, errors.New("localminio: start: access key needs 3 characters and secret key 8")
	}
	bin, err := Binary(ctx, opts.Log)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("localminio: start: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("localminio: start: %w", err)
	}
	for attempt := 1; ; attempt++ {
		s, err := launch(ctx, bin, dir, opts)
		if err == nil {
			return s, nil
		}
		// A picked port may have been taken in the meantime; try others.
		if attempt == 3 || !errors.Is(err, errExited) {
			return nil, fmt.Errorf("localminio: start: %w", err)
		}
	}
}

// Endpoint returns the S3 API address, host:port without a scheme.
func (s *Server) Endpoint() string { return s.endpoint }

// AccessKey returns the root user's access key.
func (s *Server) AccessKey() string { return s.access }

// SecretKey returns the root user's secret key.
func (s *Server) SecretKey() string { return s.secret }

// Stop sends SIGTERM to the server, waits for it to exit and kills it when
// it has not after 10 seconds. Calling Stop again returns the first result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

// stop signals the server's process group until it exits.
func (s *Server) stop() error {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		if err := syscall.Kill(-s.proc.Pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("localminio: stop: %w", err)
		}
		select {
		case <-s.done:
			return nil
		case <-time.After(10 * time.Second):
		}
	}
	return errors.New("localminio: stop: server does not exit")
}

// launch starts one server process and waits for it to be ready.
func launch(ctx context.Context, bin, dir string, opts Options) (*Server, error) {
	port, console := opts.Port, 0
	var err error
	if port == 0 {
		if port, err = proc.FreePort(); err != nil {
			return nil, err
		}
	}
	if console, err = proc.FreePort(); err != nil {
		return nil, err
	}
	s := &Server{
		endpoint: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		access:   opts.AccessKey,
		secret:   opts.SecretKey,
		done:     make(chan struct{}),
		out:      &proc.Tail{},
	}
	cmd := exec.Command(bin, "server", dir,
		"--address", s.endpoint,
		"--console-address", net.JoinHostPort("127.0.0.1", strconv.Itoa(console)),
		// Keep MinIO's config and certs folders out of ~/.minio.
		"--config-dir", filepath.Join(dir, ".local"),
		"--certs-dir", filepath.Join(dir, ".local", "certs"),
	)
	cmd.Env = append(environ(),
		"MINIO_ROOT_USER="+opts.AccessKey,
		"MINIO_ROOT_PASSWORD="+opts.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_CI_CD=1", // single drive on the root disk is fine here
	)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	var w io.Writer = s.out
	if opts.Log != nil {
		w = io.MultiWriter(opts.Log, s.out)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.proc = cmd.Process
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx); err != nil {
		if !errors.Is(err, errExited) {
			err = errors.Join(err, s.Stop())
		}
		return nil, err
	}
	return s, nil
}

// waitReady polls the health endpoints until they report the server ready,
// the server exits, ctx ends or readyTimeout passes. /minio/health/ready
// answers 200 before the object layer is up (flagging that in a header), so
// /minio/health/cluster, which also waits for IAM and bucket metadata, must
// pass too.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := s.health(ctx, client, "ready")
		if err == nil {
			if err = s.health(ctx, client, "cluster"); err == nil {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("%w (%v): %s", errExited, s.waitErr, s.out)
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w (last: %v): %s", s.endpoint, ctx.Err(), err, s.out)
		case <-tick.C:
		}
	}
}

// health asks /minio/health/<check> and returns why the server is not
// healthy, or nil.
func (s *Server) health(ctx context.Context, client *http.Client, check string) error {
	url := "http://" + s.endpoint + "/minio/health/" + check
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if status := resp.Header.Get("X-Minio-Server-Status"); resp.StatusCode != http.StatusOK || status != "" {
		return fmt.Errorf("%s: %s %s", url, resp.Status, status)
	}
	return nil
}

// environ returns this process's environment without MINIO_ variables, so
// that a developer's shell settings cannot change the server.
func environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINIO_") {
			env = append(env, kv)
		}
	}
	return env
}
