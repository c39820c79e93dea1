package warranty_test

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"

	"supportal/adapters/i18n"
	"supportal/adapters/postgres"
	"supportal/adapters/postgres/pgtest"
	wty "supportal/domain/warranty"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	os.Exit(code)
}

// largeDevices is the size of the company of TestExportLarge.
const largeDevices = 300_000

// The bound of the rise of the Go heap in use (HeapInuse, garbage not yet
// collected included, the test's own reading of the answer too) while an
// export of largeDevices runs; the CSV alone is about 25 MiB, the XLSX
// sheet's XML about 60 MiB, so a buffered export would pass neither. Both
// formats are written as the rows come.
const (
	maxCSVHeap  = 28 << 20
	maxXLSXHeap = 28 << 20
)

// TestExportLarge exports a company of 300,000 devices from PostgreSQL as CSV
// and as XLSX over a real connection, reads back every row and checks that
// the heap stayed below maxExportHeap while the server wrote the file.
// It takes about a minute on two busy cores: -short skips it.
func TestExportLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("exports 300,000 devices")
	}
	db := migratedDB(t)
	// Device i ends on a day that falls with i, so the default order (latest
	// end first) is L000000, L000001, …; its one line starts a year earlier.
	const q = `WITH d AS (
	INSERT INTO devices (owner_code, owner_name, name, sn, order_no, max_end)
	SELECT $1, '大客户', '存储节点 ' || (i % 100), 'L' || lpad(i::text, 6, '0'), 'PO-' || i,
		DATE '2900-01-01' - i
	FROM generate_series(0, $2 - 1) i
	RETURNING id, max_end)
INSERT INTO service_lines (device_id, sku, service_name, start_date, end_date)
SELECT id, 'SVC-STD', '标准维保', max_end - 365, max_end FROM d`
	// The trigram indexes are built after the rows, which is much faster
	// than maintaining them row by row.
	var gin []string
	const qGin = `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'devices' AND indexdef LIKE '% USING gin %'`
	idx, err := db.QueryxContext(t.Context(), qGin)
	if err != nil {
		t.Fatal(err)
	}
	for idx.Next() {
		var name, def string
		if err := idx.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		gin = append(gin, def)
		if _, err := db.ExecContext(t.Context(), `DROP INDEX `+name); err != nil {
			t.Fatal(err)
		}
	}
	idx.Close()
	if _, err := db.ExecContext(t.Context(), q, codeA, largeDevices); err != nil {
		t.Fatal(err)
	}
	for _, def := range gin {
		if _, err := db.ExecContext(t.Context(), def); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(t.Context(), `ANALYZE devices; ANALYZE service_lines`); err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, postgres.NewWarrantyStore(db))
	e.customer("a@example.com", codeA)
	e.customer("b@example.com", codeB)
	base := e.listen()
	c := e.signedIn(i18n.EN, "a@example.com")
	sn := func(i int) string { return fmt.Sprintf("L%06d", i) }
	end := func(i int) string {
		return time.Date(2900, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -i).Format("2006-01-02")
	}

	// CSV, read as it arrives.
	var n int
	peak := heapWhile(t, func() {
		resp := get(t, base+"/warranty/export.csv", c.Jar)
		defer resp.Body.Close()
		br := bufio.NewReader(resp.Body)
		if bom, _ := br.Peek(3); string(bom) != "\ufeff" {
			t.Fatalf("no BOM: %q", bom)
		}
		_, _ = br.Discard(3)
		r := csv.NewReader(br)
		r.ReuseRecord = true
		for ; ; n++ {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("csv row %d: %v", n, err)
			}
			if n == 0 {
				continue // the header, checked by TestExport
			}
			if i := n - 1; rec[1] != sn(i) || rec[6] != end(i) || rec[3] != "SVC-STD" {
				t.Fatalf("csv row %d = %q, want %s ending %s", n, rec, sn(i), end(i))
			}
		}
	})
	if n != 1+largeDevices {
		t.Fatalf("csv: %d rows, want the header and %d", n, largeDevices)
	}
	t.Logf("CSV of %d devices: the heap in use rose by %.1f MiB at most", largeDevices, float64(peak)/(1<<20))
	if peak > maxCSVHeap {
		t.Errorf("CSV export: the heap in use rose by %d MiB, want < %d MiB", peak>>20, maxCSVHeap>>20)
	}

	// XLSX, saved to a file as it arrives (a zip is read from its end).
	path := filepath.Join(t.TempDir(), "export.xlsx")
	peak = heapWhile(t, func() {
		resp := get(t, base+"/warranty/export.xlsx", c.Jar)
		defer resp.Body.Close()
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := io.Copy(f, resp.Body); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("XLSX of %d devices: the heap in use rose by %.1f MiB at most", largeDevices, float64(peak)/(1<<20))
	if peak > maxXLSXHeap {
		t.Errorf("XLSX export: the heap in use rose by %d MiB, want < %d MiB", peak>>20, maxXLSXHeap>>20)
	}
	n = 0
	err = xlsxEach(path, func(rec []string) {
		if i := n - 1; n > 0 {
			serial, err := strconv.ParseFloat(rec[6], 64)
			if err != nil {
				t.Fatalf("xlsx row %d: the end date %q is not a date cell", n, rec[6])
			}
			d, _ := excelize.ExcelDateToTime(serial, false)
			if rec[1] != sn(i) || d.Format("2006-01-02") != end(i) {
				t.Fatalf("xlsx row %d = %q (end %s), want %s ending %s", n, rec, d, sn(i), end(i))
			}
		}
		n++
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1+largeDevices {
		t.Fatalf("xlsx: %d rows, want the header and %d", n, largeDevices)
	}

	// The other company's customer gets none of it.
	resp := get(t, base+"/warranty/export.csv", e.signedIn(i18n.EN, "b@example.com").Jar)
	defer resp.Body.Close()
	recs, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(recs) != 1 {
		t.Errorf("B's export: %d rows (%v), want the header alone", len(recs), err)
	}
}

// xlsxEach calls fn with the cells of every row of the workbook's first
// sheet (the values as stored: text, or a date's serial number), reading
// its XML as a stream.
func xlsxEach(path string, fn func(rec []string)) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	sheet, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	defer sheet.Close()
	dec := xml.NewDecoder(bufio.NewReader(sheet))
	var (
		rec  []string
		text bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "row":
				rec = rec[:0]
			case "c":
				for _, a := range tok.Attr {
					if a.Name.Local == "r" {
						col, _, err := excelize.CellNameToCoordinates(a.Value)
						if err != nil {
							return err
						}
						for len(rec) < col {
							rec = append(rec, "")
						}
					}
				}
			case "v", "t":
				text = true
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "row":
				fn(rec)
			case "v", "t":
				text = false
			}
		case xml.CharData:
			if text && len(rec) > 0 {
				rec[len(rec)-1] += string(tok)
			}
		}
	}
}

// heapWhile runs fn and returns how far the heap in use (runtime
// HeapInuse) rose above what it was after a collection at the start: what
// the export adds, not what the application holds anyway (its parsed
// templates, its pools), which grows with every page it has.
func heapWhile(t *testing.T, fn func()) uint64 {
	t.Helper()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	t.Logf("heap in use before: %.1f MiB", float64(base.HeapInuse)/(1<<20))
	var peak atomic.Uint64
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sample()
			}
		}
	})
	fn()
	close(stop)
	wg.Wait()
	sample()
	return peak.Load() - min(base.HeapInuse, peak.Load())
}

// get fetches url over the network with the cookies of jar.
func get(t *testing.T, url string, jar map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range jar {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return resp
}

// listen serves the app on a loopback port until the test ends and returns
// its base URL.
func (e *env) listen() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go func() { _ = e.app.App.Listener(ln) }()
	e.t.Cleanup(func() { _ = e.app.App.ShutdownWithContext(context.Background()) })
	return "http://" + ln.Addr().String()
}

// migratedDB returns a fresh, migrated PostgreSQL database.
func migratedDB(t *testing.T) *sqlx.DB {
	t.Helper()
	url := pgtest.Template(t, "migrated", func(url string) error {
		db, err := postgres.Open(context.Background(), url)
		if err != nil {
			return err
		}
		defer db.Close()
		return postgres.Migrate(context.Background(), db.DB)
	})
	db, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var _ wty.Lookup = (*postgres.WarrantyStore)(nil)
