package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// send writes a plain-text email, with files attached, and delivers it over
// SMTP to the inbound listener: a reply to a ticket email, by hand.
func (c MailCommands) send(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("mail send", flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	to := fs.String("to", "", "the recipient: the Reply-To address of a ticket email")
	from := fs.String("from", "", "the sender: the address of the account the email was sent to")
	text := fs.String("text", "", "the reply's text")
	subject := fs.String("subject", "Re: ticket", "the subject")
	server := fs.String("server", c.Listen, "the inbound listener, host:port (default SUPPORTAL_MAIL_LISTEN)")
	var files list
	fs.Var(&files, "file", "a file to attach (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *to == "" || *from == "" || *server == "" {
		return errors.New(mailUsage)
	}
	msg, id, err := compose(*from, *to, *subject, *text, files)
	if err != nil {
		return err
	}
	if err := deliver(ctx, *server, *from, *to, msg); err != nil {
		return fmt.Errorf("mail send: %w", err)
	}
	fmt.Fprintf(c.Stdout, "sent <%s> to %s through %s\n", id, *to, *server)
	return nil
}

// compose writes the email (UTF-8 text, files in base64) and returns it with
// its Message-ID.
func compose(from, to, subject, text string, files []string) ([]byte, string, error) {
	fa, err := mail.ParseAddress(from)
	if err != nil {
		return nil, "", fmt.Errorf("mail send: --from %q: %w", from, err)
	}
	id := strings.ToLower(rand.Text()) + "@" + fa.Address[strings.LastIndexByte(fa.Address, '@')+1:]
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n",
		fa.String(), to, mime.QEncoding.Encode("utf-8", subject), time.Now().Format(time.RFC1123Z), id)
	// The text goes as it is (8bit UTF-8), with CRLF line ends.
	body := strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n") + "\r\n"
	if len(files) == 0 {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body)
		return b.Bytes(), id, nil
	}
	w := multipart.NewWriter(&b)
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=%s\r\n\r\n", w.Boundary())
	part, _ := w.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"8bit"}})
	part.Write([]byte(body))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, "", fmt.Errorf("mail send: %w", err)
		}
		name := filepath.Base(f)
		ct := mime.TypeByExtension(filepath.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		part, _ := w.CreatePart(textproto.MIMEHeader{"Content-Type": {ct},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
			"Content-Transfer-Encoding": {"base64"}})
		writeLines(part, base64.StdEncoding.EncodeToString(data))
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), id, nil
}

// writeLines writes s in lines of 76 characters.
func writeLines(w interface{ Write([]byte) (int, error) }, s string) {
	for len(s) > 76 {
		w.Write([]byte(s[:76] + "\r\n"))
		s = s[76:]
	}
	w.Write([]byte(s + "\r\n"))
}

// deliver speaks SMTP to server (no TLS, no authentication: the local
// listener) and hands it msg from from to to.
func deliver(ctx context.Context, server, from, to string, msg []byte) error {
	c, err := smtp.Dial(server)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.CommandTimeout, c.SubmissionTimeout = time.Until(dl), time.Until(dl)
	}
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	fa, _ := mail.ParseAddress(from)
	if err := c.Mail(fa.Address, nil); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	wc, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := wc.Write(msg); err != nil {
		return err
	}
	if err := wc.Close(); err != nil {
		return err
	}
	return c.Quit()
}
