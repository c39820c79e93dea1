package ticket_test

import (
	"os"
	"testing"

	"supportal/adapters/minio/miniotest"
	"supportal/adapters/postgres/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	miniotest.Shutdown()
	os.Exit(code)
}
