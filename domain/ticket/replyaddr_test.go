package ticket_test

import (
	"strings"
	"testing"

	"supportal/domain/ticket"
)

// TestReplyAddress: a reply address names its ticket and account, in any
// case and with angle brackets, with a local part of at most 64
// characters; another key, another domain, a changed character or a
// missing token do not verify; the channel off gives no address.
func TestReplyAddress(t *testing.T) {
	m := ticket.MailSettings{Key: []byte("0123456789abcdef0123456789abcdef"), Domain: "Mail.Example.com"}
	for _, ids := range [][2]int64{{1, 1}, {12, 3456}, {1 << 40, 1 << 41}, {1<<62 - 1, 1<<62 - 1}} {
		addr := m.ReplyAddress(ids[0], ids[1])
		local := addr[:strings.IndexByte(addr, '@')]
		if len(local) > 64 || !strings.HasPrefix(local, "support+") || local != strings.ToLower(local) {
			t.Errorf("ReplyAddress(%v) = %q", ids, addr)
		}
		for _, a := range []string{addr, strings.ToUpper(addr), "<" + addr + ">", " " + addr} {
			tid, aid, res := m.ParseReplyAddress(a)
			if res != ticket.AddressValid || tid != ids[0] || aid != ids[1] {
				t.Errorf("ParseReplyAddress(%q) = %d, %d, %d", a, tid, aid, res)
			}
		}
	}
	addr := m.ReplyAddress(12, 3456)
	other := ticket.MailSettings{Key: []byte("fedcba9876543210fedcba9876543210"), Domain: m.Domain}
	if _, _, res := other.ParseReplyAddress(addr); res != ticket.AddressForged {
		t.Errorf("another key: %d", res)
	}
	tok := strings.TrimPrefix(addr[:strings.IndexByte(addr, '@')], "support+")
	for i := range tok {
		c := byte('a')
		if tok[i] == 'a' {
			c = 'b'
		}
		changed := "support+" + tok[:i] + string(c) + tok[i+1:] + "@mail.example.com"
		if _, _, res := m.ParseReplyAddress(changed); res != ticket.AddressForged {
			t.Errorf("character %d changed: %q gives %d", i, changed, res)
		}
	}
	for _, a := range []string{"support+" + tok + "@example.com", "support@mail.example.com", "help+" + tok + "@mail.example.com",
		"support+@mail.example.com", "no-at-sign", ""} {
		if _, _, res := m.ParseReplyAddress(a); res != ticket.AddressUnknown {
			t.Errorf("ParseReplyAddress(%q) = %d, want unknown", a, res)
		}
	}
	if got := (ticket.MailSettings{}).ReplyAddress(1, 1); got != "" {
		t.Errorf("channel off: %q", got)
	}
}

// FuzzParseReplyAddress: any recipient address parses without panicking,
// and one that verifies is the address ReplyAddress gives its ids.
func FuzzParseReplyAddress(f *testing.F) {
	m := ticket.MailSettings{Key: []byte("0123456789abcdef0123456789abcdef"), Domain: "mail.example.com"}
	f.Add(m.ReplyAddress(12, 3456))
	f.Add("support+@mail.example.com")
	f.Add("<SUPPORT+AAAA@MAIL.EXAMPLE.COM>")
	f.Fuzz(func(t *testing.T, addr string) {
		tid, aid, res := m.ParseReplyAddress(addr)
		if res != ticket.AddressValid {
			return
		}
		if want := m.ReplyAddress(tid, aid); !strings.EqualFold(strings.Trim(strings.TrimSpace(addr), "<>"), want) {
			t.Errorf("%q verifies as %d/%d, whose address is %q", addr, tid, aid, want)
		}
	})
}
