//! The OpenAPI 3.1 document at `GET /api/openapi.json`. Request and response schemas are
//! generated from the very types the handlers (de)serialise (schemars, honouring their serde
//! attributes); the operations are listed here, and an end-to-end test sends a request to
//! every documented operation so the document cannot list a route that does not exist.

use axum::Json;
use axum::routing::get;
use domain::contract::{DeadlineAnswer, EligibilityAnswer, EligibilityRequest};
use domain::guide::Guide;
use domain::materials::ProvidedMaterial;
use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

pub fn router() -> axum::Router {
    axum::Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}

fn problem(description: &str) -> Value {
    json!({"description": description, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

fn query(name: &str, required: bool, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": required, "description": description, "schema": {"type": "string"}})
}

/// The whole document.
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let eligibility_request = generator.subschema_for::<EligibilityRequest>().to_value();
    let eligibility_answer = generator.subschema_for::<EligibilityAnswer>().to_value();
    let deadline_answer = generator.subschema_for::<DeadlineAnswer>().to_value();
    let guide = generator.subschema_for::<Guide>().to_value();
    let provided = generator.subschema_for::<ProvidedMaterial>().to_value();
    let notice = generator
        .subschema_for::<domain::calendar::HolidayNotice>()
        .to_value();
    let case_view = generator
        .subschema_for::<domain::contract::CaseView>()
        .to_value();
    let staff_case_view = generator
        .subschema_for::<domain::contract::StaffCaseView>()
        .to_value();
    let revealed = generator
        .subschema_for::<domain::contract::Revealed>()
        .to_value();
    let keys = generator
        .subschema_for::<domain::certificate::PublishedKeys>()
        .to_value();
    let certificate_status = generator
        .subschema_for::<domain::certificate::CertificateStatus>()
        .to_value();
    let revocations = generator
        .subschema_for::<domain::certificate::Revocations>()
        .to_value();
    let coverage = generator
        .subschema_for::<domain::contract::CalendarCoverage>()
        .to_value();
    let calendar_overview = generator
        .subschema_for::<domain::contract::CalendarOverview>()
        .to_value();
    let supervision_summary = generator
        .subschema_for::<domain::contract::SupervisionSummary>()
        .to_value();
    let login_answer = generator
        .subschema_for::<domain::contract::LoginAnswer>()
        .to_value();
    // Its definition lands in the components (`#/components/schemas/CaseSubmitted`).
    generator.subschema_for::<domain::contract::CaseSubmitted>();
    let staff_accounts = generator
        .subschema_for::<domain::contract::StaffAccounts>()
        .to_value();
    let staff_account = generator
        .subschema_for::<domain::contract::StaffAccountView>()
        .to_value();
    let lookup_answer = generator
        .subschema_for::<domain::contract::LookupAnswer>()
        .to_value();
    let correction_requested = generator
        .subschema_for::<domain::contract::CorrectionRequested>()
        .to_value();
    let registry_answer = generator
        .subschema_for::<domain::contract::RegistryAnswer>()
        .to_value();
    let queue_page = generator
        .subschema_for::<domain::contract::QueuePage>()
        .to_value();
    // The applicant (access code) and staff (bearer) read the same route and get their view.
    let either_view = json!({"anyOf": [case_view, staff_case_view]});
    let mut schemas = generator.take_definitions(true);
    schemas.insert("Problem".into(), json!({
        "type": "object",
        "description": "RFC 9457 problem details; `errors` lists every problem of a validation failure",
        "required": ["type", "status", "code", "title", "title_en"],
        "properties": {
            "type": {"type": "string"}, "status": {"type": "integer"},
            "code": {"type": "string", "description": "stable machine code"},
            "title": {"type": "string", "description": "Chinese"}, "title_en": {"type": "string"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}}
        }
    }));
    let person = json!({"type": "object", "required": ["name", "id_number"], "properties": {
        "name": {"type": "string", "maxLength": 50},
        "id_number": {"type": "string", "pattern": "^[0-9]{17}[0-9Xx]$", "description": "GB 11643 resident ID; never in a URL"},
        "phone": {"type": "string", "pattern": "^1[0-9]{10}$"}
    }});
    schemas.insert(
        "CaseSubmission".into(),
        json!({
            "type": "object", "required": ["situation", "applicant"], "additionalProperties": false,
            "properties": {
                "situation": eligibility_request,
                "applicant": person, "spouse": person,
                "materials": {"type": "array", "items": provided},
                "delivery": {"type": "object", "required": ["method"], "description": "how the certificate should reach the applicant (SPEC §6)", "properties": {
                    "method": {"enum": ["pickup", "express_cod", "self_print"]},
                    "address": {"type": "string", "minLength": 5, "maxLength": 200, "description": "for express_cod"}
                }},
                "commitment": {"type": "object", "required": ["accepted", "version"], "description": "the online commitment (002 art. 10; 004 三(二)); stands for commitment_letter; not for persons on the dishonesty list", "properties": {
                    "accepted": {"const": true},
                    "version": {"const": domain::commitment::VERSION}
                }}
            }
        }),
    );
    let json_body = |schema: Value| json!({"required": true, "content": {"application/json": {"schema": schema}}});
    let ok = |description: &str, schema: Value| json!({"description": description, "content": {"application/json": {"schema": schema}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "计生证件网上办 API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Family-planning certificates online: eligibility with cited rules, complete material lists, applications, tracking. Errors are RFC 9457 problem details with a Chinese `title` and an English `title_en`."
        },
        "paths": {
            "/api/health": {"get": {"operationId": "health", "summary": "Liveness, version, the service's date (China time) and the confirmed holiday-data range with its warning",
                "responses": {"200": ok("up", json!({"type": "object", "properties": {"status": {"type": "string"}, "version": {"type": "string"}, "today": {"type": "string", "format": "date"},
                    "calendar": coverage.clone()}})), "503": problem("store unavailable")}}},
            "/api/calendar": {"get": {"operationId": "calendar", "summary": "The working-day calendar: confirmed range, warning, each year's notice and the notices loaded at run time (issue 16)",
                "responses": {"200": ok("the calendar", calendar_overview),
                    "503": problem("store unavailable")}}},
            "/api/admin/calendar": {"post": {"operationId": "loadHolidayNotice", "summary": "Load a year's State Council holiday notice (admins): checked against the statutory holidays, stored, open cases recounted and audited", "security": [{"bearer": []}],
                "requestBody": json_body(notice),
                "responses": {"201": ok("loaded or replaced; the recount's report", json!({"type": "object", "required": ["year", "outcome", "report"], "properties": {
                        "year": {"type": "integer"}, "outcome": {"enum": ["loaded", "replaced", "unchanged"]}, "report": {"type": "object"}}})),
                    "200": ok("the same notice again: nothing changed", json!({"type": "object"})),
                    "400": problem("every bad field"), "401": problem("not signed in"), "403": problem("not an admin"),
                    "413": problem("too large"), "415": problem("not JSON"),
                    "422": problem("invalid_notice: every date problem and every statutory holiday outside the rest spans"), "503": problem("store unavailable")}}},
            "/api/eligibility": {"post": {"operationId": "eligibility", "summary": "The domain's eligibility check: reasons with sources, the complete material list",
                "requestBody": json_body(json!({"$ref": "#/components/schemas/EligibilityRequest"})),
                "responses": {"200": ok("the answer", eligibility_answer), "400": problem("every bad field"), "413": problem("body too large"),
                    "415": problem("not JSON"), "422": problem("no rules for the province or the date")}}},
            "/api/deadline": {"get": {"operationId": "deadline", "summary": "Legal steps and due dates, or one limit's due date",
                "parameters": [query("from", true, "day of acceptance, YYYY-MM-DD"), query("division", false, "accepting office"),
                    query("service", false, "service code"), query("unit", false, "working_days | days"), query("value", false, "the limit"),
                    query("cross_province", false, "true when a spouse's hukou is in another province")],
                "responses": {"200": ok("steps with due dates, or {due}; `provisional: true` where a count crossed a year whose holiday notice is not loaded", json!({"oneOf": [deadline_answer, {"type": "object", "required": ["due"], "additionalProperties": false, "properties": {"due": {"type": "string", "format": "date"}, "provisional": {"type": "boolean"}}}]})),
                    "400": problem("every bad parameter"), "422": problem("a date outside the years that can be counted (2008–2099), or no rules for it")}}},
            "/api/guides": {"get": {"operationId": "guides", "summary": "The public service guide of an office",
                "parameters": [query("division", true, "office"), query("service", true, "service code")],
                "responses": {"200": ok("the guide", guide), "400": problem("every bad parameter"), "422": problem("no rules for the province")}}},
            "/api/uploads": {"post": {"operationId": "upload", "summary": "A material photo or scan (JPEG, PNG or PDF; at most 10 MB)",
                "requestBody": {"required": true, "content": {"image/jpeg": {"schema": {"type": "string", "contentMediaType": "image/jpeg"}},
                    "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
                    "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}},
                    "application/json": {"schema": {"type": "object", "required": ["content_type", "size"], "description": "on AWS: ask for a presigned PUT instead of sending the file (a Lambda request is at most 6 MB)",
                        "properties": {"content_type": {"enum": domain::applicant::UPLOAD_TYPES}, "size": {"type": "integer", "minimum": 1, "maximum": crate::attachments::UPLOAD_LIMIT}}}}}},
                "responses": {"201": ok("stored, or (JSON request) the presigned PUT to send the file to", json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "content_type": {"type": "string"}, "size": {"type": "integer"},
                        "upload": {"type": "object", "description": "the presigned PUT: url, method, headers"}}})),
                    "400": problem("malformed_json, invalid size, or presign_unavailable (this server takes the file itself)"),
                    "413": problem("over 10 MB"), "415": problem("not JPEG/PNG/PDF, or not what it claims"), "503": problem("file store unavailable")}}},
            "/api/cases": {"post": {"operationId": "submitCase", "summary": "Submit an application (re-checked on the server)",
                "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 128},
                    "description": "a retry with the same key and body returns the first answer and creates nothing"}],
                "requestBody": json_body(json!({"$ref": "#/components/schemas/CaseSubmission"})),
                "responses": {"201": ok("accepted", json!({"$ref": "#/components/schemas/CaseSubmitted"})), "400": problem("malformed"),
                    "409": problem("the key was used for another body"), "413": problem("too large"), "415": problem("not JSON"),
                    "422": problem("every missing material and invalid field, all at once; on_site_only: the applicant or spouse is on the dishonesty list (Chongqing, 004 四(三)), nothing saved"), "503": problem("store unavailable; nothing saved")}}},
            "/api/cases/{number}": {"get": {"operationId": "trackCase", "summary": "Track a case with its access code; staff in scope (bearer) get the full record, and the read is audited",
                "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "X-Access-Code", "in": "header", "required": false, "schema": {"type": "string"}, "description": "the applicant's code (or a staff bearer token)"}],
                "responses": {"200": ok("the case, its deadlines, what is missing and its timeline: `CaseView` with the access code, `StaffCaseView` for staff", either_view.clone()), "403": problem("staff outside the case's divisions"),
                    "401": problem("no access code"), "404": problem("no such case or a wrong code (indistinguishable)"), "503": problem("store unavailable")}}},
            "/api/auth/login": {"post": {"operationId": "login", "summary": "Staff sign-in: a bearer token (JWT, 8 h) with role and division",
                "requestBody": json_body(json!({"type": "object", "required": ["username", "password"], "additionalProperties": false,
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}}})),
                "responses": {"200": ok("signed in", login_answer),
                    "400": problem("every bad field"), "401": problem("wrong username or password (indistinguishable)"),
                    "403": problem("account_disabled: told only with the right password"),
                    "429": problem("login_throttled or account_locked, with Retry-After")}}},
            "/api/auth/logout": {"post": {"operationId": "logout", "summary": "Revoke the token presented", "security": [{"bearer": []}],
                "responses": {"204": {"description": "signed out"}, "401": problem("no or invalid token")}}},
            "/api/auth/me": {"get": {"operationId": "me", "summary": "Who the token is for", "security": [{"bearer": []}],
                "responses": {"200": ok("claims", json!({"type": "object"})), "401": problem("no or invalid token")}}},
            "/api/cases/{number}/reveal": {"post": {"operationId": "revealIdNumbers", "summary": "The case's ID numbers in full, for staff in scope who work the case (not supervisors); audited (吉林 art. 13)",
                "security": [{"bearer": []}],
                "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok("applicant and spouse with full ID numbers", revealed), "401": problem("not signed in"),
                    "403": problem("outside the case's divisions, or a supervisor or an admin"), "404": problem("no such case")}}},
            "/api/cases/{number}/attachments/{id}": {"get": {"operationId": "caseAttachment", "summary": "A scan attached to the case: staff in scope (audited) or the applicant (X-Access-Code)",
                "security": [{"bearer": []}],
                "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "X-Access-Code", "in": "header", "required": false, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the file as stored (JPEG, PNG or PDF)", "content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}},
                    "401": problem("neither a token nor an access code"), "403": problem("outside the case's divisions"),
                    "404": problem("no such case or attachment")}}},
            "/api/cases/{number}/actions": {"post": {"operationId": "caseAction",
                "summary": "A workflow step on the version you saw: pre_review, return, township_opinion, approve, refuse, seal, request_verification, answer_verification, issue, defer_out_of_city_check, forward_out, deliver, revoke, void, resolve_correction (staff), resubmit, withdraw (applicant, X-Access-Code)",
                "security": [{"bearer": []}],
                "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "X-Access-Code", "in": "header", "required": false, "schema": {"type": "string"}, "description": "the applicant's code, for resubmit and withdraw"}],
                "requestBody": json_body(json!({"type": "object", "required": ["version", "action"], "properties": {
                    "version": {"type": "integer"}, "action": {"type": "string"},
                    "missing": {"type": "array", "items": {"type": "string"}, "description": "return: item codes, each 'missing' (older clients; prefer items)"}, "note": {"type": "string"},
                    "items": {"type": "array", "description": "return: each item and what is wrong with it (000 二(二)2); only items of the case's `returnable` list", "items": {"type": "object", "required": ["code"], "properties": {
                        "code": {"type": "string"}, "defect": {"type": "string", "enum": ["missing", "unreadable", "expired", "inconsistent"]}, "detail": {"type": "string"}}}},
                    "out_of_city": {"type": "object", "description": "issue: for a 婚育情况证明 with a hukou outside the province (out_of_city_check_required), how the window verified (003 三(二))", "required": ["method", "contact", "result"], "properties": {
                        "method": {"type": "string", "enum": ["phone", "letter"]}, "contact": {"type": "string"}, "result": {"type": "string"}}},
                    "exception": {"type": "string", "description": "return: a county approver's written reason for naming an item accepted before (recorded, shown to supervisors)"},
                    "agree": {"type": "boolean"}, "opinion": {"type": "string"}, "basis": {"type": "string", "description": "approve: the written basis (optional in the API, kept with the decision)"}, "reasons": {"type": "array", "items": {"type": "string"}},
                    "to": {"type": "string", "description": "request_verification: the office asked; defer_out_of_city_check: optional office sent a 协查"}, "question": {"type": "string"}, "id": {"type": "integer"}, "answer": {"type": "string"},
                    "reason": {"type": "string", "description": "defer_out_of_city_check: why the checks in several places cannot finish on the spot (004 三(三))"},
                    "via": {"type": "string", "description": "forward_out: how the accepting office sent the file to the competent office outside the system, with its reference (000 二(二)3)"},
                    "resolution": {"type": "string", "description": "resolve_correction: what was verified and changed"}, "holders": {"type": "array", "items": {"type": "string"}, "description": "resolve_correction: the corrected holders' names (the certificate is signed anew)"},
                    "delivery": {"type": "object"}, "materials": {"type": "array", "items": provided}}})),
                "responses": {"200": ok("the case after the step, as the actor reads it", either_view), "400": problem("malformed; every bad field"),
                    "401": problem("not signed in and no access code"), "403": problem("forbidden_action (role) or out_of_scope (division)"),
                    "404": problem("no such case"), "409": problem("version_conflict with current_version, or invalid_state"),
                    "422": problem("reasons_required, missing_list_required, not_asked_for (a return naming an item the applicant was not asked for), accepted_before (naming an item accepted before without a county approver's reason), out_of_city_check_required, application_incomplete …")}}},
            "/api/certificates/keys": {"get": {"operationId": "certificateKeys", "summary": "The Ed25519 public keys certificates are signed with (cache them to verify offline)",
                "responses": {"200": ok("the keys", keys)}}},
            "/api/certificates/{number}/status": {"get": {"operationId": "certificateStatus", "summary": "One certificate's status: valid, revoked or void",
                "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok("the status", certificate_status),
                    "400": problem("not a certificate number (format or check character)"), "404": problem("certificate_not_found")}}},
            "/api/certificates/revocations": {"get": {"operationId": "certificateRevocations", "summary": "Every revoked and void certificate of an issuing office: what the verify page reads, so the server learns the office and not the certificate",
                "parameters": [query("issuer", true, "the issuing office's division code")],
                "responses": {"200": ok("the lists", revocations),
                    "400": problem("no or invalid issuer")}}},
            "/api/certificates/{file}": {"get": {"operationId": "certificatePdf", "summary": "The electronic certificate as an A4 PDF (file = `<number>.pdf`): Chinese text in an embedded font subset, the e-seals, a QR code that opens /verify with the signed payload. For the holder (X-Access-Code) or staff in scope (bearer; audited)",
                "parameters": [{"name": "file", "in": "path", "required": true, "description": "`<certificate number>.pdf`", "schema": {"type": "string"}},
                    {"name": "X-Access-Code", "in": "header", "required": false, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the PDF", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    "401": problem("neither an access code nor a staff token"), "403": problem("staff outside the division"),
                    "404": problem("certificate_not_found (also for a wrong access code)"),
                    "500": problem("unprintable_character: the font lacks a character of the certificate (never printed blank)")}}},
            "/api/divisions/search": {"get": {"operationId": "searchVillages", "summary": "Villages and communities anywhere in the country by a few characters of the name or the pinyin initials (issue 22); provinces to townships are searched in the browser from /divisions/search/places.tsv. Limited per client",
                "parameters": [{"name": "q", "in": "query", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 20}}],
                "responses": {"200": ok("at most 20 villages, best first", json!({"type": "object", "properties": {"results": {"type": "array", "items": {"type": "object",
                    "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}}}})),
                    "400": problem("q empty or longer than 20 characters"), "429": problem("search_throttled, with Retry-After"),
                    "503": problem("search_unavailable: no village index on this server")}}},
            "/api/lookup": {"post": {"operationId": "lookup", "summary": "Self-service lookup (004 三(四)): a person's certificates by name and ID number. A wrong name or ID answers the same empty list as a right one with none; limited per client and per ID number",
                "requestBody": json_body(json!({"type": "object", "required": ["name", "id_number"], "properties": {"name": {"type": "string"}, "id_number": {"type": "string"}}})),
                "responses": {"200": ok("the certificates", lookup_answer),
                    "400": problem("no name or no ID number"), "429": problem("lookup_throttled, with Retry-After")}}},
            "/api/lookup/export": {"post": {"operationId": "lookupExport", "summary": "The lookup result as a PDF for the person's own records; it states that it is a lookup result, not an electronic certificate (004 三(四))",
                "requestBody": json_body(json!({"type": "object", "required": ["name", "id_number"], "properties": {"name": {"type": "string"}, "id_number": {"type": "string"}}})),
                "responses": {"200": {"description": "the PDF", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    "400": problem("no name or no ID number"), "429": problem("lookup_throttled, with Retry-After")}}},
            "/api/corrections": {"post": {"operationId": "requestCorrection", "summary": "Ask the issuing office to correct a certificate of one's lookup result (004 四(四)); queued there with a due date, resolved by staff with `resolve_correction`",
                "requestBody": json_body(json!({"type": "object", "required": ["name", "id_number", "certificate", "request"], "properties": {"name": {"type": "string"}, "id_number": {"type": "string"},
                    "certificate": {"type": "string"}, "request": {"type": "string", "maxLength": 500}}})),
                "responses": {"201": ok("the request, its due date and the office", correction_requested), "400": problem("every missing or invalid field"),
                    "404": problem("not_in_lookup_result: no such certificate among the caller's"), "429": problem("lookup_throttled, or too_many_corrections open")}}},
            "/api/staff/cases": {"get": {"operationId": "staffQueue", "summary": "The work queue of the caller's division: next deadline first (red lights first), masked IDs, paginated",
                "security": [{"bearer": []}],
                "parameters": [query("division", false, "a division inside the caller's"), query("state", false, "case state"),
                    query("service", false, "service code"), query("overdue", false, "true: red lights only"),
                    query("limit", false, "1–200, default 50"), query("cursor", false, "next_cursor of the previous page")],
                "responses": {"200": ok("a page", queue_page),
                    "400": problem("every bad parameter"), "401": problem("not signed in"), "403": problem("admin, or a division outside yours")}}},
            "/api/staff/registry": {"post": {"operationId": "registryLookup", "summary": "Window staff (village, township): a person's registered marriage, children and hukou from the population database, to issue the 婚育情况证明 on the spot (003 三(二)); the ID number in the body, never the URL",
                "security": [{"bearer": []}],
                "requestBody": json_body(json!({"type": "object", "required": ["id_number"], "properties": {"id_number": {"type": "string"}}})),
                "responses": {"200": ok("the registered facts", registry_answer), "400": problem("no or invalid ID number"),
                    "401": problem("not signed in"), "403": problem("not a window role"), "404": problem("not_in_registry: out-of-city, verify by commitment and phone or letter"),
                    "429": problem("registry_throttled: too many look-ups by this account this hour")}}},
            "/api/supervision/summary": {"get": {"operationId": "supervisionSummary", "summary": "Per deciding office: counts by state, red lights, median and p90 processing days, deemed issues, the processing-time distribution",
                "security": [{"bearer": []}],
                "parameters": [query("division", false, "a division inside the supervisor's"), query("format", false, "json | csv")],
                "responses": {"200": {"description": "the summary", "content": {"application/json": {"schema": supervision_summary}, "text/csv": {"schema": {"type": "string"}}}},
                    "401": problem("not signed in"), "403": problem("not a supervisor, or outside the division")}}},
            "/api/admin/staff": {
                "get": {"operationId": "listStaff", "summary": "Staff accounts (admins)", "security": [{"bearer": []}],
                    "responses": {"200": ok("accounts, without password hashes", staff_accounts), "401": problem("not signed in"), "403": problem("not an admin")}},
                "post": {"operationId": "createStaff", "summary": "Create a staff account: one role, one division of that role's level (admins)", "security": [{"bearer": []}],
                    "requestBody": json_body(json!({"type": "object", "required": ["username", "display_name", "role", "password"], "additionalProperties": false,
                        "properties": {"username": {"type": "string", "pattern": "^[a-z0-9._-]{3,32}$"}, "display_name": {"type": "string"},
                            "role": {"type": "string"}, "division": {"type": ["string", "null"]}, "password": {"type": "string", "minLength": 10}}})),
                    "responses": {"201": ok("created", staff_account.clone()), "400": problem("every bad field"), "401": problem("not signed in"),
                        "403": problem("not an admin"), "409": problem("username_taken")}}},
            "/api/admin/staff/{username}/reset": {"post": {"operationId": "resetStaffPassword", "summary": "Set a new password and lift a lock (admins)", "security": [{"bearer": []}],
                "parameters": [{"name": "username", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": json_body(json!({"type": "object", "required": ["password"], "properties": {"password": {"type": "string", "minLength": 10}}})),
                "responses": {"200": ok("reset", staff_account.clone()), "400": problem("password too short"), "401": problem("not signed in"),
                    "403": problem("not an admin"), "404": problem("no such account")}}},
            "/api/supervision/audit": {"get": {"operationId": "supervisionAudit", "summary": "What staff of the supervisor's division did outside any case on a day: registry look-ups, queue listings (issue 18)", "security": [{"bearer": []}],
                "parameters": [query("day", false, "YYYY-MM-DD, default today (China time)")],
                "responses": {"200": ok("the entries", json!({"type": "object"})), "400": problem("a bad day"), "401": problem("not signed in"), "403": problem("not a supervisor")}}},
            "/api/admin/staff/{username}/disable": {"post": {"operationId": "disableStaff", "summary": "Disable an account: no sign-in, every token refused at once (admins; not oneself)", "security": [{"bearer": []}],
                "parameters": [{"name": "username", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok("disabled", staff_account.clone()), "401": problem("not signed in"), "403": problem("not an admin"),
                    "404": problem("no such account"), "409": problem("cannot_disable_self")}}},
            "/api/admin/staff/{username}/enable": {"post": {"operationId": "enableStaff", "summary": "Enable an account again (tokens from before stay void; admins)", "security": [{"bearer": []}],
                "parameters": [{"name": "username", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok("enabled", staff_account.clone()), "401": problem("not signed in"), "403": problem("not an admin"), "404": problem("no such account")}}},
            "/api/admin/staff/{username}/role": {"post": {"operationId": "changeStaffRole", "summary": "Another role and division of its level; the account's tokens stop counting (admins)", "security": [{"bearer": []}],
                "parameters": [{"name": "username", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": json_body(json!({"type": "object", "required": ["role"], "additionalProperties": false,
                    "properties": {"role": {"type": "string"}, "division": {"type": ["string", "null"]}}})),
                "responses": {"200": ok("changed", staff_account.clone()), "400": problem("every bad field"), "401": problem("not signed in"),
                    "403": problem("not an admin"), "404": problem("no such account")}}},
            "/api/openapi.json": {"get": {"operationId": "openapi", "summary": "This document", "responses": {"200": ok("OpenAPI 3.1", json!({"type": "object"}))}}}
        },
        "components": {"schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}}
    })
}
