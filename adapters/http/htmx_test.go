package http

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestHTMX(t *testing.T) {
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"hx": HTMX(c), "partial": IsHTMX(c), "results": Targets(c, "results")})
	})
	tests := []struct {
		name             string
		headers          []string
		partial, results bool
		want             HXRequest
	}{
		{"plain browser", nil, false, false, HXRequest{}},
		{"htmx fragment", []string{"HX-Request", "true", "HX-Target", "results", "HX-Trigger", "f-q"}, true, true,
			HXRequest{Request: true, Target: "results", Trigger: "f-q"}},
		{"htmx, another target", []string{"HX-Request", "true", "HX-Target", "warranty"}, true, false,
			HXRequest{Request: true, Target: "warranty"}},
		{"history restore", []string{"HX-Request", "true", "HX-Target", "results", "HX-History-Restore-Request", "true"}, false, false,
			HXRequest{Request: true, Target: "results", HistoryRestore: true}},
		{"boosted", []string{"HX-Request", "true", "HX-Boosted", "true", "HX-Current-URL", "http://x/warranty"}, false, false,
			HXRequest{Request: true, Boosted: true, CurrentURL: "http://x/warranty"}},
		{"not true", []string{"HX-Request", "1", "HX-Target", "results"}, false, false, HXRequest{Target: "results"}},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", "/", nil)
		for i := 0; i+1 < len(tt.headers); i += 2 {
			req.Header.Set(tt.headers[i], tt.headers[i+1])
		}
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			HX      HXRequest
			Partial bool
			Results bool
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got.HX != tt.want || got.Partial != tt.partial || got.Results != tt.results {
			t.Errorf("%s: %+v, want %+v partial %v results %v", tt.name, got, tt.want, tt.partial, tt.results)
		}
	}
}
