package warranty_test

import (
	"net/http"
	"strings"
	"testing"

	"supportal/adapters/i18n"
)

// BenchmarkLookup measures one htmx lookup of a signed-in customer through
// the whole web edge (session, gate, service, template) over the in-memory
// stores: the server's share of a request in the load tool's runs.
func BenchmarkLookup(b *testing.B) {
	e := newEnv(b)
	e.customer("a@example.com", codeA)
	e.load(codeA, fleet("AnyBackup 一体机 AB64", "SN", 200, now)...)
	c := e.signedIn(i18n.ZH, "a@example.com")
	for _, bb := range []struct{ name, query, want string }{
		{"sn", "sn=SN0042", "SN0042"},
		{"name", "name=ab64&page=2", "AnyBackup"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := c.Get("/warranty?"+bb.query, "HX-Request", "true", "HX-Target", "results")
				if r.Status != http.StatusOK || !strings.Contains(r.Body, bb.want) {
					b.Fatalf("status %d:\n%s", r.Status, r.Body)
				}
			}
		})
	}
}
