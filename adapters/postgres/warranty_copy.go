package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strconv"
	"strings"
	"sync"

	"supportal/domain/warranty"
)

// The COPY of a batch travels in chunks of about chunkSize bytes of COPY
// text; at most chunks of them exist, so memory stays flat (about 1 MiB)
// while the two goroutines rarely wait for each other.
const (
	chunkSize = 64 << 10
	chunks    = 16
)

// copyDataer is lib/pq's COPY statement: CopyData sends lines of COPY text
// (several, separated by newlines) as they are, which is much cheaper than
// an Exec through database/sql per row.
type copyDataer interface {
	CopyData(ctx context.Context, lines string) (driver.Result, error)
}

// copyWriter streams a batch's rows into the COPY of warranty_staging. The
// caller of add encodes each row as a line of COPY text into a chunk; a
// goroutine sends full chunks to the server on the batch's connection,
// inside sql.Conn.Raw, so that reading the file and sending the COPY run on
// two cores. Chunks come back through free for reuse.
//
// The goroutine's first error stops the COPY; add and finish report it, so
// a row's error surfaces on a later Add or on Merge.
type copyWriter struct {
	ctx  context.Context // the batch's: the COPY stops when it ends
	cur  []byte          // the chunk add fills
	full chan []byte
	free chan []byte
	done chan struct{} // closed when the goroutine has ended the COPY
	quit chan struct{} // closed by stop: drop the chunks left
	// closed says full is closed. Only the caller of add, finish and stop,
	// which holds the batch's lock, touches cur and closed.
	closed bool

	mu  sync.Mutex
	err error // the first error of the goroutine
}

// startCopy opens the COPY of query on conn, whose transaction is open, and
// starts the goroutine that feeds it. ctx bounds the COPY.
func startCopy(ctx context.Context, conn *sql.Conn, query string) (*copyWriter, error) {
	w := &copyWriter{ctx: ctx, full: make(chan []byte, chunks), free: make(chan []byte, chunks),
		done: make(chan struct{}), quit: make(chan struct{})}
	for range chunks - 1 {
		w.free <- make([]byte, 0, chunkSize+4<<10)
	}
	w.cur = make([]byte, 0, chunkSize+4<<10)
	opened := make(chan error, 1)
	go func() {
		defer close(w.done)
		// f reports nil to Raw whatever happens: Raw would close a
		// connection it sees failing, which waits for the open
		// transaction and so for this goroutine. Rollback finds out.
		err := conn.Raw(func(dc any) error {
			w.fail(w.run(dc, query, opened))
			return nil
		})
		w.fail(err)
	}()
	select {
	case err := <-opened:
		if err != nil {
			<-w.done
			return nil, err
		}
	case <-w.done: // Raw refused
		return nil, w.failed()
	}
	return w, nil
}

// run opens the COPY on the driver's connection dc, reports that on opened,
// then sends the chunks until full is closed (or quit), and ends the COPY.
func (w *copyWriter) run(dc any, query string, opened chan<- error) error {
	conn, ok := dc.(driver.Conn)
	if !ok {
		err := errors.New("copy: not a driver connection")
		opened <- err
		return err
	}
	stmt, err := conn.Prepare(query)
	if err != nil {
		opened <- err
		return err
	}
	cd, ok := stmt.(copyDataer)
	if !ok {
		_ = stmt.Close()
		err := errors.New("copy: the driver's COPY cannot take raw data")
		opened <- err
		return err
	}
	opened <- nil
	for chunk := range w.full {
		select {
		case <-w.quit:
			return stmt.Close() // ends the COPY; the batch rolls back
		default:
		}
		if err == nil && len(chunk) > 0 {
			_, err = cd.CopyData(w.ctx, string(chunk[:len(chunk)-1]))
			if err != nil {
				w.fail(err)
			}
		}
		w.free <- chunk[:0]
	}
	// Without values: send what is buffered, end the COPY and report the
	// errors of the rows still in flight.
	if _, xerr := stmt.Exec(nil); err == nil {
		err = xerr
	}
	if cerr := stmt.Close(); err == nil {
		err = cerr
	}
	return err
}

func (w *copyWriter) fail(err error) {
	if err == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

func (w *copyWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// add encodes r as a line of COPY text and hands a full chunk to the
// goroutine. It returns the goroutine's error, if any, or ctx's when it
// ends while add waits for a free chunk.
func (w *copyWriter) add(ctx context.Context, r *warranty.Row) error {
	w.cur = appendRow(w.cur, r)
	if len(w.cur) < chunkSize {
		return nil
	}
	if err := w.failed(); err != nil {
		return err
	}
	var next []byte
	select {
	case next = <-w.free:
	case <-ctx.Done():
		return ctx.Err()
	}
	w.full <- w.cur // never blocks: full can hold every chunk
	w.cur = next
	return nil
}

// finish hands over the last rows, waits for the goroutine to end the COPY
// and returns the first error.
func (w *copyWriter) finish() error {
	if !w.closed {
		if len(w.cur) > 0 {
			w.full <- w.cur
		}
		w.cur = nil
		w.closed = true
		close(w.full)
	}
	<-w.done
	return w.failed()
}

// stop makes the goroutine drop the chunks left and end the COPY, and
// waits for it. It may follow finish.
func (w *copyWriter) stop() {
	if !w.closed {
		w.closed = true
		close(w.quit)
		close(w.full)
	}
	<-w.done
}

// appendRow appends r as a line of COPY text in the columns of the staging
// table, newline included.
func appendRow(b []byte, r *warranty.Row) []byte {
	b = strconv.AppendInt(b, int64(r.Line), 10)
	for _, v := range rowTexts(r) {
		b = appendCopyText(append(b, '\t'), v)
	}
	b = r.Start.AppendFormat(append(b, '\t'), dateLayout)
	b = r.End.AppendFormat(append(b, '\t'), dateLayout)
	return append(b, '\n')
}

// appendCopyText appends s escaped for COPY's text format: a backslash, a
// newline, a carriage return and the tab delimiter take a backslash.
func appendCopyText(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\\':
			esc = '\\'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case '\t':
			esc = 't'
		default:
			continue
		}
		b = append(append(b, s[start:i]...), '\\', esc)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// hasNUL reports whether any text of r holds a NUL character.
func hasNUL(r *warranty.Row) bool {
	for _, v := range rowTexts(r) {
		if strings.IndexByte(v, 0) >= 0 {
			return true
		}
	}
	return false
}

// rowTexts returns the text columns of r in the staging table's order.
func rowTexts(r *warranty.Row) [7]string {
	return [...]string{r.OwnerCode, r.OwnerName, r.DeviceName, r.SN, r.OrderNo, r.SKU, r.ServiceName}
}
