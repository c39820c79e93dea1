package main

import (
	"os"
	"testing"

	"supportal/adapters/minio/miniotest"
	"supportal/adapters/postgres/pgtest"
)

// TestMain stops the throwaway PostgreSQL and MinIO servers after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	miniotest.Shutdown()
	os.Exit(code)
}
