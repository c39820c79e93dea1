package minio_test

import (
	"os"
	"testing"

	"supportal/adapters/minio/miniotest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	miniotest.Shutdown()
	os.Exit(code)
}
