package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/api"
	"supportal/domain/warranty"
)

// serve runs the fixture's server on a real listener and returns its address.
func (f *fixture) serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.s.App.Listener(ln)
	t.Cleanup(func() { f.s.App.Shutdown() })
	return ln.Addr().String()
}

// ownerDevices returns how many devices the owner of row() has, with the
// end date of row 1's line.
func (f *fixture) ownerDevices(t *testing.T) (int, string) {
	t.Helper()
	devs, err := f.warranty.SearchDevices(context.Background(), warranty.Query{Owner: "91310110666007217T", Sort: warranty.SortEndDesc, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	end := ""
	for _, d := range devs {
		if d.SN == "AS00000001" {
			end = d.Lines[0].End.Format("2006-01-02")
		}
	}
	return len(devs), end
}

// finishedRun waits until run id is no longer running and returns it.
func (f *fixture) finishedRun(t *testing.T, id int64) warranty.Run {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, err := f.warranty.RunByID(context.Background(), id)
		if err == nil && r.Status != warranty.RunRunning {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %d: %+v, %v; still running", id, r, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cutShort sends an import whose body stops short of what its framing
// announces (a chunk or a Content-Length), once the server has imported 1,000
// of its rows, and returns the answer, which a client that has gone would
// not read.
func (f *fixture) cutShort(t *testing.T, addr string, chunked bool) (int, result) {
	t.Helper()
	body := header + strings.Replace(row(1), "2026-01-01", "2030-12-31", 1)
	for i := 3; len(body) < 200<<10; i++ {
		body += row(i)
	}
	f.importer.at, f.importer.reached = f.importer.added.Load()+1000, make(chan struct{})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	framing := fmt.Sprintf("Content-Length: %d\r\n\r\n", 2*len(body))
	if chunked {
		framing = fmt.Sprintf("Transfer-Encoding: chunked\r\n\r\n%x\r\n", 2*len(body))
	}
	go fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: text/csv\r\n%s%s",
		api.ImportsPath, addr, f.secret, framing, body)
	if !wait(f.importer.reached, 20*time.Second) {
		t.Fatal("the server did not import while the body was being sent")
	}
	conn.(*net.TCPConn).CloseWrite()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, res)
}

// TestImportClientGone sends bodies that stop short mid-import, as a client
// that goes away does, in both framings: the import is cancelled, nothing
// changes, and the run is on record as cancelled.
func TestImportClientGone(t *testing.T) {
	f := newFixture(t)
	if status, r := f.do(t, f.request("", "text/csv", strings.NewReader(csvOf(row(1), row(2))))); status != http.StatusOK || r.RunID != 1 {
		t.Fatalf("first import: %d %+v", status, r)
	}
	f.h.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	addr := f.serve(t)
	for i, chunked := range []bool{false, true} {
		status, r := f.cutShort(t, addr, chunked)
		if status != 499 || r.Status != warranty.RunCancelled || r.Code != "import.error.cancelled" || r.Error == r.Code {
			t.Errorf("chunked %v: answer %d %+v", chunked, status, r)
		}
		run := f.finishedRun(t, int64(i+2))
		if run.Status != warranty.RunCancelled || run.Message != "import.error.cancelled" || run.Counts.Read < 1000 {
			t.Errorf("chunked %v: run %+v", chunked, run)
		}
		if n, end := f.ownerDevices(t); n != 2 || end != "2026-01-01" {
			t.Errorf("chunked %v: %d devices, row 1 ends %s; want 2, 2026-01-01", chunked, n, end)
		}
	}
	if status, r := f.do(t, f.request("", "text/csv", strings.NewReader(csvOf(row(1), row(3))))); status != http.StatusOK || r.Counts.Inserted != 1 {
		t.Fatalf("import after the cancelled ones: %d %+v", status, r)
	}
}

// TestImportDuplicatesAndConflicts checks the answer to a batch that repeats a
// row exactly (applied once, a warning) and to one that lists a device twice
// with other names (422, both lines named).
func TestImportDuplicatesAndConflicts(t *testing.T) {
	f := newFixture(t)
	req := f.request("", "text/csv", strings.NewReader(csvOf(row(1), row(2), row(1), row(1))))
	req.Header.Set("Accept-Language", "en")
	status, r := f.do(t, req)
	if status != http.StatusOK || r.Counts != (warranty.Counts{Read: 4, Inserted: 2, Duplicates: 2}) || len(r.Warnings) != 1 ||
		r.Warnings[0].Code != "import.warning.duplicates" || r.Warnings[0].Message != "2 duplicate rows were applied once." {
		t.Fatalf("duplicates: %d %+v", status, r)
	}
	renamed := strings.Replace(strings.Replace(row(2), "一体机 2", "一体机 X", 1), "SVC-STD-1Y", "SVC-UPG", 1)
	req = f.request("", "text/csv", strings.NewReader(csvOf(row(1), row(2), renamed)))
	req.Header.Set("Accept-Language", "zh-CN")
	status, r = f.do(t, req)
	if status != http.StatusUnprocessableEntity || r.Code != "import.error.rejected" || r.Counts.Rejected != 2 || len(r.Errors) != 2 ||
		r.Errors[0].Line != 3 || r.Errors[0].Code != "import.error.conflict_device" || r.Errors[1].Line != 4 ||
		!strings.HasPrefix(r.Errors[1].Message, "第 3 行是同一设备") || !strings.Contains(r.Errors[1].Message, "device_name 不同") {
		t.Fatalf("conflict: %d %+v", status, r)
	}
	if n, _ := f.ownerDevices(t); n != 2 {
		t.Errorf("%d devices after the rejected batch, want 2", n)
	}
}

// TestImportBadHeaderRecorded checks that a body refused at its header is a
// failed run on record.
func TestImportBadHeaderRecorded(t *testing.T) {
	f := newFixture(t)
	status, r := f.do(t, f.request("", "text/csv", strings.NewReader("a,b\n1,2\n")))
	if status != http.StatusUnprocessableEntity || r.Code != "import.error.header" || r.RunID == 0 || r.Status != warranty.RunFailed {
		t.Fatalf("bad header: %d %+v", status, r)
	}
	if run := f.finishedRun(t, r.RunID); run.Message != "import.error.header" {
		t.Errorf("recorded run = %+v", run)
	}
}
