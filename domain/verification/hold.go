package verification

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// holdFor is how long a licence stored for a failed submission may be used
// by the retry: less than the hour after which the sweeper removes objects
// no row names.
const holdFor = 45 * time.Minute

// Hold is a licence stored for a submission that failed validation, kept
// for the retry: Token (the form's held_licence) binds its key, name, type
// and size to the account until an expiry, under the service's HoldKey.
type Hold struct {
	Token   string
	Licence Licence
}

type holdClaims struct {
	Account int64  `json:"a"`
	Key     string `json:"k"`
	Name    string `json:"n"`
	Type    string `json:"t"`
	Size    int64  `json:"s"`
	Expires int64  `json:"e"` // unix seconds
}

func (s *Service) holdMAC(payload string) []byte {
	m := hmac.New(sha256.New, s.d.HoldKey)
	m.Write([]byte("verification.held_licence\x00"))
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// hold signs the licence for the account's retry; ok is false when the
// service has no HoldKey (nothing is held then).
func (s *Service) hold(accountID int64, l Licence, expires time.Time) (Hold, bool) {
	if len(s.d.HoldKey) == 0 {
		return Hold{}, false
	}
	b, err := json.Marshal(holdClaims{Account: accountID, Key: l.Key, Name: l.Name, Type: l.ContentType, Size: l.Size, Expires: expires.Unix()})
	if err != nil {
		return Hold{}, false
	}
	p := base64.RawURLEncoding.EncodeToString(b)
	return Hold{Token: p + "." + base64.RawURLEncoding.EncodeToString(s.holdMAC(p)), Licence: l}, true
}

// held verifies a held_licence token: signed under HoldKey, for this
// account, not expired, naming a licence object. Anything else is ignored.
func (s *Service) held(accountID int64, token string) (Licence, time.Time, bool) {
	if len(s.d.HoldKey) == 0 || token == "" {
		return Licence{}, time.Time{}, false
	}
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return Licence{}, time.Time{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, s.holdMAC(p)) {
		return Licence{}, time.Time{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return Licence{}, time.Time{}, false
	}
	var c holdClaims
	if json.Unmarshal(b, &c) != nil || c.Account != accountID || !strings.HasPrefix(c.Key, licencePrefix) || c.Size <= 0 {
		return Licence{}, time.Time{}, false
	}
	exp := time.Unix(c.Expires, 0).UTC()
	if !s.now().Before(exp) {
		return Licence{}, time.Time{}, false
	}
	return Licence{Key: c.Key, Name: c.Name, ContentType: c.Type, Size: c.Size}, exp, true
}
