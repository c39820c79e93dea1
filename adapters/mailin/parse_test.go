package mailin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestParseTooLarge refuses a message over the limit and reads one that
// is exactly at it.
func TestParseTooLarge(t *testing.T) {
	msg := "From: a@b.cn\r\nSubject: x\r\n\r\n" + strings.Repeat("y", 100)
	if _, err := Parse(strings.NewReader(msg), int64(len(msg))-1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over the limit: err = %v, want ErrTooLarge", err)
	}
	m, err := Parse(strings.NewReader(msg), int64(len(msg)))
	if err != nil || m.Text != strings.Repeat("y", 100) {
		t.Fatalf("at the limit: %v, text %q", err, m.Text)
	}
}

// TestParseHeaders reads ids without brackets, addresses lower-cased with
// decoded names, also from headers the standard parser refuses, and the
// date.
func TestParseHeaders(t *testing.T) {
	msg := "Message-ID: <Abc.123@Example.CN>\r\n" +
		"In-Reply-To: <t-1@support.example.com> (comment)\r\n" +
		"References: <t-1@support.example.com>\r\n <t-1-m2@support.example.com>\t<t-1@support.example.com>\r\n" +
		"From: =?GBK?B?1cXI/Q==?= <ZhangSan@Example.CN>\r\n" +
		"To: support+tok@Support.Example.com, \"Li, Si\" <LiSi@example.cn>\r\n" +
		"Cc: broken name <with> brackets <Ops@Example.cn>; wang.wu@example.cn\r\n" +
		"Date: Tue, 1 Dec 2026 11:02:38 +0800 (CST)\r\n" +
		"Subject: =?UTF-8?B?5Zue5aSNOiBb?=\r\n =?UTF-8?B?IzEyXQ==?=\r\n\r\nhi\r\n"
	m, err := Parse(strings.NewReader(msg), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%s|%s|%q|%s|%s|%q|%q|%s", m.MessageID, m.InReplyTo, m.References, m.From, m.FromName, m.To, m.Cc, m.Subject)
	want := `Abc.123@Example.CN|t-1@support.example.com|["t-1@support.example.com" "t-1-m2@support.example.com"]|zhangsan@example.cn|张三|["support+tok@support.example.com" "lisi@example.cn"]|["ops@example.cn" "wang.wu@example.cn"]|回复: [#12]`
	if got != want {
		t.Errorf("headers\n got %s\nwant %s", got, want)
	}
	if want := time.Date(2026, 12, 1, 3, 2, 38, 0, time.UTC); !m.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", m.Date, want)
	}
}

// nested builds a message whose multiparts nest depth times around one
// text part.
func nested(depth int) string {
	var b strings.Builder
	b.WriteString("From: a@b.cn\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\ndeep text\r\n--b%d--\r\n", depth, depth)
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return b.String()
}

// TestParseBounds reads text nested within MaxDepth, ignores what is
// deeper, and stops after MaxParts parts.
func TestParseBounds(t *testing.T) {
	if m, err := Parse(strings.NewReader(nested(MaxDepth-1)), 1<<20); err != nil || m.Text != "deep text" {
		t.Errorf("within the depth: %v, %q", err, m.Text)
	}
	if m, err := Parse(strings.NewReader(nested(MaxDepth+5)), 1<<20); err != nil || m.Text != "" {
		t.Errorf("beyond the depth: %v, %q", err, m.Text)
	}
	var b strings.Builder
	b.WriteString("From: a@b.cn\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n")
	for i := 0; i < MaxParts+50; i++ {
		fmt.Fprintf(&b, "--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=f%d.bin\r\n\r\n%d\r\n", i, i)
	}
	b.WriteString("--x--\r\n")
	m, err := Parse(strings.NewReader(b.String()), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != MaxParts-1 || m.Attachments[0].Name != "f0.bin" || string(m.Attachments[0].Data) != "0" {
		t.Errorf("%d attachments, first %+v; want %d", len(m.Attachments), m.Attachments[0], MaxParts-1)
	}
}

// TestParseBodies picks the text part of an alternative, falls back to
// HTML when the text part is empty, decodes quoted-printable and flowed
// text, and keeps inline images as attachments.
func TestParseBodies(t *testing.T) {
	alt := func(plain string) string {
		return "From: a@b.cn\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n" +
			"--a\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + plain + "\r\n" +
			"--a\r\nContent-Type: multipart/related; boundary=r\r\n\r\n" +
			"--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>From <b>HTML</b></p><img src=\"cid:logo@x\">\r\n" +
			"--r\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n--r--\r\n--a--\r\n"
	}
	m, _ := Parse(strings.NewReader(alt("Caf=C3=A9 =\r\nau lait")), 1<<20)
	if m.Text != "Café au lait" || m.TextFromHTML {
		t.Errorf("text part: %q (from HTML %v)", m.Text, m.TextFromHTML)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].ContentID != "logo@x" || !m.Attachments[0].Inline || m.Attachments[0].Name != "attachment-1.png" {
		t.Errorf("inline image: %+v", m.Attachments)
	}
	m, _ = Parse(strings.NewReader(alt(" \r\n")), 1<<20)
	if m.Text != "From HTML" || !m.TextFromHTML {
		t.Errorf("empty text part: %q (from HTML %v)", m.Text, m.TextFromHTML)
	}
	flowed := "From: a@b.cn\r\nContent-Type: text/plain; format=flowed; delsp=yes\r\n\r\nlong li \r\nne and  \r\nmore\r\n>quo \r\n>ted\r\n"
	m, _ = Parse(strings.NewReader(flowed), 1<<20)
	if m.Text != "long line and more\n> quoted" || m.Reply != "long line and more" {
		t.Errorf("flowed: %q / %q", m.Text, m.Reply)
	}
}

// TestCorpusHTMLAgrees checks, for every corpus message that has both a
// text and an HTML version, that the reply found in the HTML version, by
// the parser and by the fallback over its tokens, is the reply found in
// the text version.
func TestCorpusHTMLAgrees(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	n := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(msg.Body)
		var w walker
		c := w.walk(textproto.MIMEHeader(msg.Header), body, 0, false)
		if c.html == "" || c.plain == "" {
			continue
		}
		n++
		fromText := strings.Join(strings.Fields(extractReply(c.plain)), " ")
		fromHTML := strings.Join(strings.Fields(extractReply(htmlToText(c.html))), " ")
		fromTokens := strings.Join(strings.Fields(extractReply(tokensToText(c.html))), " ")
		if fromText != fromHTML || fromText != fromTokens {
			t.Errorf("%s: reply from text %q, from HTML %q, from its tokens %q", f, fromText, fromHTML, fromTokens)
		}
	}
	if n < 6 {
		t.Errorf("only %d corpus messages have both versions", n)
	}
}

// TestParseAttachmentKinds keeps text files, forwarded messages and files
// named only in Content-Type as attachments, and drops signatures.
func TestParseAttachmentKinds(t *testing.T) {
	msg := "From: a@b.cn\r\nContent-Type: multipart/signed; boundary=s; protocol=\"application/pkcs7-signature\"\r\n\r\n" +
		"--s\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n" +
		"--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the files.\r\n" +
		"--m\r\nContent-Type: text/plain; name=\"log.txt\"\r\nContent-Disposition: inline\r\n\r\nline 1\r\n" +
		"--m\r\nContent-Type: message/rfc822\r\n\r\nSubject: =?UTF-8?B?5bel5Y2V?=\r\nFrom: x@y.cn\r\n\r\nold\r\n" +
		"--m\r\nContent-Type: application/pdf; name*=UTF-8''%E6%8A%A5%E5%91%8A.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x\r\n" +
		"--m\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=\"..\\\\..\\\\page.html\"\r\n\r\n<p>x</p>\r\n" +
		"--m--\r\n" +
		"--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n\r\nMIAG\r\n--s--\r\n"
	m, err := Parse(strings.NewReader(msg), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range m.Attachments {
		got = append(got, fmt.Sprintf("%s %s %q", a.Name, a.ContentType, a.Data))
	}
	want := []string{
		`log.txt text/plain "line 1"`,
		`工单.eml message/rfc822 "Subject: =?UTF-8?B?5bel5Y2V?=\r\nFrom: x@y.cn\r\n\r\nold"`,
		`报告.pdf application/pdf "%PDF-1"`,
		`page.html text/html "<p>x</p>"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || m.Reply != "See the files." {
		t.Errorf("attachments\n%s\nwant\n%s\nreply %q", strings.Join(got, "\n"), strings.Join(want, "\n"), m.Reply)
	}
}

// TestParseAlternativeVersions takes Gmail's AMP and Apple's watch HTML
// for versions of the body, not attachments.
func TestParseAlternativeVersions(t *testing.T) {
	msg := "From: a@b.cn\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n" +
		"--a\r\nContent-Type: text/plain\r\n\r\nplain\r\n" +
		"--a\r\nContent-Type: text/x-amp-html\r\n\r\n<html amp4email></html>\r\n" +
		"--a\r\nContent-Type: text/watch-html\r\n\r\n<b>w</b>\r\n" +
		"--a\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--a--\r\n"
	m, err := Parse(strings.NewReader(msg), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "plain" || len(m.Attachments) != 0 {
		t.Errorf("text %q, attachments %+v", m.Text, m.Attachments)
	}
}

// TestParseUndeclaredCharset reads GBK bodies whose charset is only in an
// HTML meta element, or nowhere.
func TestParseUndeclaredCharset(t *testing.T) {
	html := "From: a@b.cn\r\nContent-Type: text/html\r\n\r\n<html><head><meta charset=\"gbk\"></head><body>" + string(gbk("设备无法开机")) + "</body></html>"
	if m, err := Parse(strings.NewReader(html), 1<<20); err != nil || m.Text != "设备无法开机" {
		t.Errorf("HTML with a meta charset: %v, %q", err, m.Text)
	}
	plain := "From: a@b.cn\r\n\r\n" + string(gbk("您好，序列号是 SN-1。"))
	if m, err := Parse(strings.NewReader(plain), 1<<20); err != nil || m.Text != "您好，序列号是 SN-1。" {
		t.Errorf("text without a charset: %v, %q", err, m.Text)
	}
}
