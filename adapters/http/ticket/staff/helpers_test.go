package staff_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"supportal/adapters/http/home"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	web "supportal/adapters/http"
	identityweb "supportal/adapters/http/identity"
	"supportal/adapters/http/ticket/staff"
	"supportal/adapters/http/webtest"
	"supportal/adapters/memory"
	"supportal/adapters/minio"
	"supportal/adapters/minio/miniotest"
	"supportal/adapters/modules"
	"supportal/adapters/postgres"
	"supportal/adapters/postgres/pgtest"
	"supportal/adapters/sniff"
	"supportal/adapters/totp"
	"supportal/domain"
	ident "supportal/domain/identity"
	tk "supportal/domain/ticket"
	"supportal/domain/ticket/report"
	"supportal/domain/ticket/sla"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	miniotest.Shutdown()
	os.Exit(code)
}

// env is the agents' pages over PostgreSQL and MinIO, wired as main wires
// them; the verified companies and their devices are the tests' own.
type env struct {
	t     testing.TB
	db    *sqlx.DB
	app   *web.Server
	ids   *ident.Service
	svc   *tk.Service
	clock *webtest.Clock
	ver   verified
	devs  *devices
}

// verified are the verified companies.
type verified map[int64]bool

func (v verified) VerifiedCreditCode(_ context.Context, id int64) (string, error) {
	if v[id] {
		return "91310000MA1K000000", nil
	}
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

// devices are the devices of each company (the warranty module's port).
type devices struct {
	mu  sync.Mutex
	by  map[int64][]tk.Device
	nid int64
}

func (d *devices) add(companyID int64, sn string, lines ...tk.Line) tk.Device {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nid++
	dev := tk.Device{ID: d.nid, SN: sn, Name: "存储阵列 " + sn, Lines: lines}
	d.by[companyID] = append(d.by[companyID], dev)
	return dev
}

func (d *devices) DeviceBySN(_ context.Context, companyID int64, sn string) (tk.Device, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, x := range d.by[companyID] {
		if x.SN == sn {
			return x, nil
		}
	}
	return tk.Device{}, domain.E(domain.NotFound, "error.device.not_found")
}

func (d *devices) DeviceByID(_ context.Context, companyID, id int64) (tk.Device, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, x := range d.by[companyID] {
		if x.ID == id {
			return x, nil
		}
	}
	return tk.Device{}, domain.E(domain.NotFound, "error.device.not_found")
}

func (d *devices) Suggest(context.Context, int64, string, int) ([]tk.Device, error) { return nil, nil }

func (d *devices) CompanyLines(context.Context, int64, time.Time) ([]tk.Line, error) { return nil, nil }

// start is the tests' time: a Wednesday, 10:00 in Shanghai.
var start = time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvCaching(t, 0)
}

// newEnvCaching is newEnv with the identity service caching for cacheFor,
// as main wires it.
func newEnvCaching(t testing.TB, cacheFor time.Duration) *env {
	t.Helper()
	e := &env{t: t, db: migratedDB(t), clock: webtest.NewClock(start), ver: verified{}, devs: &devices{by: map[int64][]tk.Device{}}}
	store := postgres.NewIdentityStore(e.db)
	e.ids = ident.NewService(ident.Deps{Tx: postgres.NewIdentityTx(e.db), Accounts: store, Companies: store, Codes: store,
		Sessions: store, Attempts: store, Drafts: store, Tokens: store, SecondFactors: store, Hasher: memory.Hasher{},
		OTP: totp.OTP{}, Secret: []byte("test"), CacheFor: cacheFor})
	endpoint, access, secret := miniotest.Server(t)
	files, err := minio.New(t.Context(), minio.Config{Endpoint: endpoint, AccessKey: access, SecretKey: secret, Bucket: miniotest.Bucket(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = tk.NewService(tk.Deps{Tickets: postgres.NewTicketStore(e.db), Threads: postgres.NewTicketThreads(e.db),
		Tx: postgres.NewTicketTx(e.db), People: modules.People{Identity: e.ids}, Verified: e.ver, Devices: e.devs,
		Clocks: sla.NewEngine(postgres.NewSLAStore(e.db)), Files: files, Sniffer: sniff.Sniffer{}, Now: e.clock.Now})
	e.app = webtest.NewServer(t, web.Config{BodyLimit: 1 << 20, StreamRequestBody: true}, e.ids, func(s *web.Server) {
		identityweb.Register(s, e.ids)
		staff.Register(s, e.svc).Now = e.clock.Now
		staff.RegisterReports(s, report.NewService(postgres.NewTicketReports(e.db), e.clock.Now))
		home.Register(s, nil)
	})
	return e
}

// migratedDB returns a fresh, migrated PostgreSQL database.
func migratedDB(t testing.TB) *sqlx.DB {
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

// customer creates a customer of a new, verified company.
func (e *env) customer(email, company string) ident.Account {
	e.t.Helper()
	a := webtest.SeedCustomer(e.t, e.ids, email, "CN", company)
	e.ver[a.CompanyID] = true
	return a
}

func (e *env) staff(email, name string, role ident.Role) ident.Account {
	e.t.Helper()
	a, err := e.ids.CreateStaff(context.Background(), email, name, role, webtest.Password)
	if err != nil {
		e.t.Fatalf("seed staff: %v", err)
	}
	return a
}

// premium is a 7×24 service line active around start.
func premium() tk.Line {
	return tk.Line{SKU: "SVC-PREM-3Y", ServiceName: "高级维保（7x24）", Start: start.AddDate(-1, 0, 0), End: start.AddDate(2, 0, 0)}
}

// open has the customer open a ticket at the clock's time, on the device
// with SN sn ("" none).
func (e *env) open(c ident.Account, title string, p tk.Priority, sn string) tk.Ticket {
	e.t.Helper()
	t, err := e.svc.Create(context.Background(), tk.Actor{AccountID: c.ID, CompanyID: c.CompanyID},
		tk.Input{Category: tk.CategoryFault, Priority: p, Title: title, Description: "描述：" + title, DeviceSN: sn})
	if err != nil {
		e.t.Fatalf("open %q: %v", title, err)
	}
	return t
}

// agent signs a staff member in (password and TOTP).
func (e *env) signIn(a ident.Account, lang string) *client {
	e.t.Helper()
	c := &client{webtest.NewClient(e.t, e.app, lang)}
	c.Login("/staff/login", a.Email)
	return c
}

type client struct{ *webtest.Client }

var (
	versionField = regexp.MustCompile(`name="version" value="(\d+)"`)
	loadedField  = regexp.MustCompile(`name="loaded" value="([^"]+)"`)
)

// page opens the ticket's page and returns it with the version and last
// activity its forms carry.
func (c *client) page(id int64) (*webtest.Response, url.Values) {
	c.T.Helper()
	r := c.Get("/staff/tickets/" + strconv.FormatInt(id, 10))
	webtest.WantStatus(c.T, r, http.StatusOK)
	v, l := versionField.FindStringSubmatch(r.Body), loadedField.FindStringSubmatch(string(r.Raw))
	if v == nil || l == nil {
		c.T.Fatalf("ticket page without version or loaded field")
	}
	return r, url.Values{"version": {v[1]}, "loaded": {l[1]}}
}

// act posts an action with the loaded stamp and the fields.
func (c *client) act(id int64, action string, stamp url.Values, kv ...string) *webtest.Response {
	c.T.Helper()
	f := url.Values{}
	for k, v := range stamp {
		f[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return c.Post("/staff/tickets/"+strconv.FormatInt(id, 10)+"/"+action, f)
}

// upload is one file of a reply.
type upload struct {
	name string
	data []byte
}

// reply posts the reply form as multipart, with the files.
func (c *client) reply(id int64, stamp url.Values, fields map[string]string, files ...upload) *webtest.Response {
	c.T.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.Token)
	for k, v := range stamp {
		_ = w.WriteField(k, v[0])
	}
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for _, f := range files {
		fw, _ := w.CreateFormFile("files", f.name)
		_, _ = fw.Write(f.data)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/staff/tickets/"+strconv.FormatInt(id, 10)+"/reply", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Send(req)
}

// rows returns the ticket numbers of the queue page in their order.
func rows(r *webtest.Response) []string {
	var out []string
	for _, m := range regexp.MustCompile(`class="mono nowrap" data-label="[^"]*"><a href="/staff/tickets/\d+">(T\d{8}-\d{6})</a>`).FindAllStringSubmatch(r.Body, -1) {
		out = append(out, m[1])
	}
	return out
}

// tabCount returns the count the queue shows on a view's tab.
func tabCount(t *testing.T, r *webtest.Response, view string) string {
	t.Helper()
	re := regexp.MustCompile(`data-focus-key="view-` + view + `"[^>]*>[^<]*<span class="count">([^<]+)</span>`)
	m := re.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no tab %s", view)
	}
	return m[1]
}

func has(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
