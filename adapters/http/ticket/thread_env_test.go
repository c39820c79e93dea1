package ticket_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	web "supportal/adapters/http"
	identityweb "supportal/adapters/http/identity"
	ticketweb "supportal/adapters/http/ticket"
	verificationweb "supportal/adapters/http/verification"
	"supportal/adapters/http/webtest"
	"supportal/adapters/memory"
	"supportal/adapters/minio"
	"supportal/adapters/minio/miniotest"
	"supportal/adapters/modules"
	"supportal/adapters/postgres"
	"supportal/adapters/postgres/pgtest"
	"supportal/adapters/sniff"
	"supportal/adapters/totp"
	ident "supportal/domain/identity"
	tk "supportal/domain/ticket"
	"supportal/domain/ticket/sla"
	verif "supportal/domain/verification"
	wty "supportal/domain/warranty"
)

// threadEnv is the web edge of 我的工单 and the ticket page over PostgreSQL
// and MinIO, the modules wired as main wires them, on a test clock.
type threadEnv struct {
	t      *testing.T
	db     *sqlx.DB
	app    *web.Server
	ids    *ident.Service
	vsvc   *verif.Service
	svc    *tk.Service
	files  *minio.Store
	clock  *webtest.Clock
	review ident.Account
}

func migrate(url string) error {
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	return postgres.Migrate(ctx, db.DB)
}

// newThreadEnv starts the environment; lim, when given, are the ticket
// service's limits.
func newThreadEnv(t *testing.T, lim ...tk.Limits) *threadEnv {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.Template(t, "migrated", migrate))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	endpoint, access, secret := miniotest.Server(t)
	files, err := minio.New(ctx, minio.Config{Endpoint: endpoint, AccessKey: access, SecretKey: secret, Bucket: miniotest.Bucket(t)})
	if err != nil {
		t.Fatal(err)
	}
	var limits tk.Limits
	if len(lim) > 0 {
		limits = lim[0]
	}
	e := &threadEnv{t: t, db: db, files: files, clock: webtest.NewClock(time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC))}
	idStore := postgres.NewIdentityStore(db)
	var vsvc *verif.Service
	e.ids = ident.NewService(ident.Deps{Tx: postgres.NewIdentityTx(db), Accounts: idStore, Companies: idStore, Codes: idStore,
		Sessions: idStore, Attempts: idStore, Drafts: idStore, Tokens: idStore, SecondFactors: idStore,
		Hasher: memory.Hasher{}, OTP: totp.OTP{}, Secret: []byte("test"),
		Locks: modules.CompanyLocks(func(ctx context.Context, id int64) (bool, error) { return vsvc.CompanyLocked(ctx, id) })})
	vstore := postgres.NewVerificationStore(db)
	vsvc = verif.NewService(verif.Deps{Submissions: vstore, Queue: vstore, Customers: modules.Customers{Identity: e.ids},
		Tx: postgres.NewVerificationTx(db), Files: files, Attachments: postgres.NewAttachmentStore(db), Sniffer: sniff.Sniffer{},
		HoldKey: []byte("hold")})
	e.vsvc = vsvc
	ws := postgres.NewWarrantyStore(db)
	wsvc := wty.NewService(wty.Deps{Importer: ws, Runs: ws, Lookup: ws, Verifications: vsvc, Tx: postgres.NewWarrantyTx(db)})
	engine := sla.NewEngine(postgres.NewSLAStore(db))
	e.svc = tk.NewService(tk.Deps{Tickets: postgres.NewTicketStore(db), Threads: postgres.NewTicketThreads(db),
		Tx: postgres.NewTicketTx(db), People: modules.People{Identity: e.ids}, Verified: vsvc,
		Devices: modules.Devices{Warranty: wsvc}, Clocks: engine, Files: files, Sniffer: sniff.Sniffer{}, Now: e.clock.Now, Limits: limits})
	e.app = webtest.NewServer(t, web.Config{BodyLimit: 11 << 20, StreamRequestBody: true}, e.ids, func(s *web.Server) {
		s.Verified = func(ctx context.Context, a ident.Account) bool {
			ok, err := vsvc.CompanyLocked(ctx, a.CompanyID)
			return err == nil && ok
		}
		identityweb.Register(s, e.ids)
		vweb := verificationweb.Register(s, vsvc)
		s.GateState = vweb.Gate
		ticketweb.Register(s, e.svc).UseClock(e.clock.Now)
	})
	if e.review, err = e.ids.CreateStaff(ctx, "reviewer@example.com", "审核员 韩", ident.RoleReviewer, webtest.Password); err != nil {
		t.Fatal(err)
	}
	return e
}

// The credit codes of the two companies of the tests.
const (
	codeA = "91310110666007217T"
	codeB = "91440300MA5F0KQ2XL"
)

// customer creates a customer with a company of its own, verified with code
// unless code is empty.
func (e *threadEnv) customer(email, name, company, code string) ident.Account {
	e.t.Helper()
	ctx := context.Background()
	a := webtest.SeedCustomer(e.t, e.ids, email, "CN", company)
	if _, err := e.db.ExecContext(ctx, `UPDATE accounts SET name = $1 WHERE id = $2`, name, a.ID); err != nil {
		e.t.Fatal(err)
	}
	a.Name = name
	if code == "" {
		return a
	}
	img := webtest.PNG(400, 300)
	sub, err := e.vsvc.Submit(ctx, a.ID, verif.Fields{CompanyName: company, DocType: "business_licence", CreditCode: code},
		&verif.Upload{Name: "licence.png", Size: int64(len(img)), R: bytes.NewReader(img)})
	if err != nil {
		e.t.Fatalf("submit verification: %v", err)
	}
	if _, err := e.vsvc.Claim(ctx, e.review.ID, sub.ID); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.vsvc.Decide(ctx, e.review.ID, sub.ID, sub.Version, true, "", ""); err != nil {
		e.t.Fatalf("approve: %v", err)
	}
	return a
}

// colleague adds a customer to the company of a.
func (e *threadEnv) colleague(of ident.Account, email, name string) ident.Account {
	e.t.Helper()
	c := webtest.SeedCustomer(e.t, e.ids, email, "CN", "临时公司 "+email)
	if _, err := e.db.ExecContext(context.Background(), `UPDATE accounts SET company_id = $1, name = $2 WHERE id = $3`,
		of.CompanyID, name, c.ID); err != nil {
		e.t.Fatal(err)
	}
	c.CompanyID, c.Name = of.CompanyID, name
	return c
}

// agent creates an agent.
func (e *threadEnv) agent(email string) ident.Account {
	e.t.Helper()
	a, err := e.ids.CreateStaff(context.Background(), email, "工程师 陈", ident.RoleAgent, webtest.Password)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// device adds a device of the company verified with code, with one
// standard service line from start to end.
func (e *threadEnv) device(code, sn string, start, end time.Time) {
	e.t.Helper()
	const q = `WITH d AS (
	INSERT INTO devices (owner_code, owner_name, name, sn, order_no, max_end)
	VALUES ($1, '客户', '存储节点 A5000', $2, 'PO-1', $4) RETURNING id)
INSERT INTO service_lines (device_id, sku, service_name, start_date, end_date)
SELECT id, 'SVC-STD-3Y', '标准维保', $3, $4 FROM d`
	if _, err := e.db.ExecContext(context.Background(), q, code, sn, start, end); err != nil {
		e.t.Fatal(err)
	}
}

func as(a ident.Account) tk.Actor { return tk.Actor{AccountID: a.ID, CompanyID: a.CompanyID} }

func asAgent(a ident.Account) tk.Actor { return tk.Actor{AccountID: a.ID, StaffRole: tk.StaffAgent} }

// ticket opens a ticket through the service.
func (e *threadEnv) ticket(by ident.Account, title, sn string) tk.Ticket {
	e.t.Helper()
	t, err := e.svc.Create(context.Background(), as(by), tk.Input{Category: tk.CategoryFault, Priority: tk.P2, Title: title,
		Description: "第一行\n第二行", DeviceSN: sn})
	if err != nil {
		e.t.Fatalf("create ticket: %v", err)
	}
	return t
}

// client signs in as email in lang.
func (e *threadEnv) client(lang, email string) *webtest.Client {
	c := webtest.NewClient(e.t, e.app, lang)
	c.Login("/login", email)
	return c
}

// upload is one file of a reply.
type upload struct {
	name string
	data []byte
}

// reply posts the reply form of ticket id as multipart, the way a browser
// sends it (an empty file part when no file was chosen).
func reply(c *webtest.Client, id int64, body string, files []upload, hdr ...string) *webtest.Response {
	c.T.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.Token)
	_ = w.WriteField("body", body)
	if len(files) == 0 {
		files = []upload{{}}
	}
	for _, f := range files {
		ph := textproto.MIMEHeader{}
		ph.Set("Content-Disposition", `form-data; name="files"; filename="`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(f.name)+`"`)
		ph.Set("Content-Type", "application/octet-stream")
		fw, _ := w.CreatePart(ph)
		_, _ = fw.Write(f.data)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/tickets/"+itoa(id)+"/reply", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.Send(req)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
