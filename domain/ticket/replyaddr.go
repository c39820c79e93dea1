package ticket

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"strconv"
	"strings"
)

// MailSettings are the settings of the tickets' email channel: every
// ticket email carries a reply address of its recipient,
// <Local>+<token>@<Domain>, whose token names the ticket and the account
// under an HMAC keyed with Key, and message ids under Domain so that mail
// clients thread a ticket's emails. An empty Domain (or Key) sends the
// emails without reply addresses nor thread headers.
type MailSettings struct {
	Key    []byte
	Domain string
	// Local is the local part before the "+" ("support" when empty).
	Local string
}

// macBytes is how much of the HMAC-SHA256 a token keeps: 80 bits.
const macBytes = 10

// token32 is lower-case base32 without padding: a token survives mail
// systems that fold the case of local parts.
var token32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func (m MailSettings) enabled() bool { return m.Domain != "" && len(m.Key) > 0 }

func (m MailSettings) local() string {
	if m.Local == "" {
		return "support"
	}
	return m.Local
}

// mac is the HMAC of the ticket and account ids.
func (m MailSettings) mac(ticketID, accountID int64) []byte {
	var msg [16]byte
	binary.BigEndian.PutUint64(msg[:8], uint64(ticketID))
	binary.BigEndian.PutUint64(msg[8:], uint64(accountID))
	h := hmac.New(sha256.New, m.Key)
	h.Write([]byte("ticket-reply\x00"))
	h.Write(msg[:])
	return h.Sum(nil)[:macBytes]
}

// ReplyAddress returns the reply address of the account on the ticket, ""
// when the channel is off. Its local part is at most 56 characters.
func (m MailSettings) ReplyAddress(ticketID, accountID int64) string {
	if !m.enabled() || ticketID <= 0 || accountID <= 0 {
		return ""
	}
	b := binary.AppendUvarint(nil, uint64(ticketID))
	b = binary.AppendUvarint(b, uint64(accountID))
	b = append(b, m.mac(ticketID, accountID)...)
	return m.local() + "+" + token32.EncodeToString(b) + "@" + m.Domain
}

// The outcomes of ParseReplyAddress.
const (
	AddressValid   = iota // the token names a ticket and an account
	AddressUnknown        // not a reply address of this portal
	AddressForged         // a reply address whose token does not verify
)

// ParseReplyAddress reads a reply address (any case, with or without angle
// brackets) and returns the ticket and account its token names. The MAC is
// compared in constant time.
func (m MailSettings) ParseReplyAddress(addr string) (ticketID, accountID int64, outcome int) {
	addr = strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
	at := strings.LastIndexByte(addr, '@')
	if !m.enabled() || at < 0 || addr[at+1:] != strings.ToLower(m.Domain) {
		return 0, 0, AddressUnknown
	}
	tok, ok := strings.CutPrefix(addr[:at], strings.ToLower(m.local())+"+")
	if !ok || tok == "" || len(tok) > 64 {
		return 0, 0, AddressUnknown
	}
	b, err := token32.DecodeString(tok)
	if err != nil || token32.EncodeToString(b) != tok { // one spelling per token

		return 0, 0, AddressForged
	}
	t, n := binary.Uvarint(b)
	if n <= 0 || t == 0 || t > 1<<62 {
		return 0, 0, AddressForged
	}
	a, k := binary.Uvarint(b[n:])
	if k <= 0 || a == 0 || a > 1<<62 || len(b[n+k:]) != macBytes {
		return 0, 0, AddressForged
	}
	if !hmac.Equal(b[n+k:], m.mac(int64(t), int64(a))) {
		return 0, 0, AddressForged
	}
	return int64(t), int64(a), AddressValid
}

// ThreadID is the id of the ticket's thread, the root every email of the
// ticket refers to (without angle brackets).
func (m MailSettings) ThreadID(ticketID int64) string {
	return "ticket-" + strconv.FormatInt(ticketID, 10) + "@" + m.Domain
}

// messageID returns a fresh message id of an email about the ticket.
func (m MailSettings) messageID(ticketID int64) string {
	return "ticket-" + strconv.FormatInt(ticketID, 10) + "-" + strings.ToLower(rand.Text()) + "@" + m.Domain
}
