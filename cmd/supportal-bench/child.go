package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// runChild runs this program with args in a child process, copying its
// output to stdout, and returns the output.
func runChild(ctx context.Context, stdout io.Writer, args ...string) ([]byte, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stdout = io.MultiWriter(stdout, &buf)
	cmd.Stderr = io.MultiWriter(os.Stderr, &buf)
	if err := cmd.Run(); err != nil {
		return buf.Bytes(), fmt.Errorf("all: %s: %w", args[0], err)
	}
	return buf.Bytes(), nil
}

// decodeLastLine decodes the last non-empty line of out, the JSON result a
// child printed with --json, into v.
func decodeLastLine(out []byte, v any) error {
	var last []byte
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			last = append(last[:0], l...)
		}
	}
	if err := json.Unmarshal(last, v); err != nil {
		return fmt.Errorf("all: result of the child: %w", err)
	}
	return nil
}
