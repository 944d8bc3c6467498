//! Checklist documents uploaded for an application: checked from their bytes before anything is
//! stored, kept content-addressed, served back only to those who may see the application, and
//! checked by the officer.

#[macro_use]
mod common;
use common::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::Digest;
use std::io::Cursor;

/// A one-page PDF with a deflated content stream of `content`, with correct offsets.
fn pdf(content: &[u8]) -> Vec<u8> {
    let deflated = miniz_oxide::deflate::compress_to_vec_zlib(content, 9);
    let mut stream = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        deflated.len()
    )
    .into_bytes();
    stream.extend_from_slice(&deflated);
    stream.extend_from_slice(b"\nendstream");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        stream,
    ];
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 180, 160]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn send(
    c: &Client,
    app: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
    date: Option<&str>,
) -> (StatusCode, Value) {
    let mut form = Form::new()
        .text("kind", kind.to_string())
        .part("file", Part::bytes(bytes).file_name(name.to_string()));
    if let Some(d) = date {
        form = form.text("declared_date", d.to_string());
    }
    Client::send(
        c.request(
            reqwest::Method::POST,
            &format!("/api/v1/applications/{app}/uploads"),
        )
        .multipart(form),
    )
    .await
}

fn files_in(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                files_in(&e.path())
            } else {
                usize::from(!e.file_name().to_string_lossy().starts_with('.'))
            }
        })
        .sum()
}

async fn uploads_are_checked_stored_and_served(srv: TestServer) {
    let hr = srv.sign_in("hr").await;
    let app = submit_new(&hr).await;
    let id = app["id"].as_str().unwrap().to_string();
    let files = server::config::Config::for_url(srv.db.url.clone()).files_dir;
    let _ = std::fs::remove_dir_all(&files);

    let contract = pdf(b"BT /F1 12 Tf 72 770 Td (Employment contract) Tj ET");
    let (s, up) = send(
        &hr,
        &id,
        "employment_contract",
        "contract.pdf",
        contract.clone(),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{up}");
    assert_eq!(up["media_type"], "application/pdf");
    assert_eq!(up["sha256"], hex::encode(sha2::Sha256::digest(&contract)));
    assert_eq!(files_in(&files), 1);

    // Bad files: each refused with its reason on the field, nothing stored.
    let mut polyglot = contract.clone();
    polyglot.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00hidden.txt");
    polyglot.extend_from_slice(
        b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\x38\x00\x00\x00\x10\x00\x00\x00\x00\x00",
    );
    let bomb = pdf(&vec![b'0'; 80 * 1024 * 1024]);
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "employment_contract",
            "contract.pdf",
            b"this is not a PDF".to_vec(),
            "file_type_unsupported",
        ),
        (
            "employment_contract",
            "contract.pdf",
            b"%PDF-1.7\nrubbish without end".to_vec(),
            "pdf_invalid",
        ),
        ("employment_contract", "empty.pdf", Vec::new(), "file_empty"),
        (
            "employment_contract",
            "../../etc/passwd.pdf",
            contract.clone(),
            "file_name_invalid",
        ),
        (
            "employment_contract",
            "contract.pdf",
            polyglot,
            "file_polyglot",
        ),
        ("employment_contract", "bomb.pdf", bomb, "pdf_bomb"),
        ("photo", "photo.png", png(100, 100), "photo_too_small"),
        (
            "passport",
            "passport.png",
            contract.clone(),
            "file_type_mismatch",
        ),
    ];
    for (kind, name, bytes, code) in cases {
        let (s, e) = send(&hr, &id, kind, name, bytes, Some(&today())).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {e}");
        let codes: Vec<&str> = std::iter::once(&e)
            .chain(e["errors"].as_array().into_iter().flatten())
            .filter_map(|x| x["code"].as_str())
            .collect();
        assert!(codes.contains(&code), "{name}: wanted {code}, got {e}");
        assert_eq!(e["field"], "file", "{e}");
    }
    let (s, e) = send(&hr, &id, "lunch_menu", "menu.pdf", contract.clone(), None).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("kind"))
    );
    assert_eq!(files_in(&files), 1, "nothing stored for a refused file");

    // A passport photo of the right size and date.
    let (s, photo) = send(
        &hr,
        &id,
        "photo",
        "photo.png",
        png(413, 551),
        Some(&today()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{photo}");
    let (_, list) = hr.get(&format!("/api/v1/applications/{id}/uploads")).await;
    assert_eq!(list.as_array().unwrap().len(), 2);

    // Served back to those who see the application, as an attachment; to no one else.
    let up_id = up["id"].as_str().unwrap();
    let path = format!("/api/v1/uploads/{up_id}/content");
    let officer = srv.sign_in("officer.beijing").await;
    let r = officer
        .request(reqwest::Method::GET, &path)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), contract.as_slice());
    for who in ["jean", "officer.shanghai", "immigration.beijing"] {
        let c = srv.sign_in(who).await;
        let (s, e) = c.get(&path).await;
        assert_eq!(
            (s, e["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("upload_not_found")),
            "{who}"
        );
    }
    let (s, _) = hr
        .get(&format!("/api/v1/uploads/{}/content", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The officer's check: a new file is asked for with a reason, once.
    let decision = format!("/api/v1/uploads/{up_id}/decision");
    let (s, _) = hr.post(&decision, json!({ "verified": true })).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = officer.post(&decision, json!({ "verified": false })).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let (s, d) = officer
        .post(
            &decision,
            json!({ "verified": false, "reason": "Unsigned: send the signed contract" }),
        )
        .await;
    assert_eq!(
        (s, d["status"].as_str()),
        (StatusCode::OK, Some("rejected")),
        "{d}"
    );
    let (s, e) = officer.post(&decision, json!({ "verified": true })).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("upload_decided"))
    );
    audit_records(&srv).await;
    srv.stop().await;
}
on_both!(
    uploads_are_checked_stored_and_served,
    sqlite_uploads_are_checked_stored_and_served,
    postgres_uploads_are_checked_stored_and_served
);

fn today() -> String {
    use server::clock::Clock;
    server::clock::SystemClock.today().to_string()
}

/// The documents page: the employer uploads through a form (a bad file is shown at its field
/// and stored nowhere), the officer downloads and checks, in both languages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documents_page() {
    let srv = TestServer::sqlite().await;
    let hr = srv.sign_in("hr").await;
    let app = submit_new(&hr).await;
    let id = app["id"].as_str().unwrap().to_string();
    let (mut b, _) = Browser::sign_in(&srv, "hr").await;
    let page = b.get(&format!("/applications/{id}")).await;
    assert!(page.body.contains(&format!("/applications/{id}/documents")));
    let page = b.get(&format!("/applications/{id}/documents")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("enctype=\"multipart/form-data\""),
        "{}",
        page.body
    );

    let post = |b: &Browser, bytes: Vec<u8>, name: &str| {
        let form = Form::new()
            .text("csrf", b.csrf())
            .text("kind", "employment_contract")
            .part("file", Part::bytes(bytes).file_name(name.to_string()));
        b.http
            .post(format!("{}/applications/{id}/documents", b.base))
            .multipart(form)
    };
    let r = post(&b, b"not a pdf at all".to_vec(), "contract.pdf");
    let bad = b.send(r).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("must be a PDF, JPEG or PNG"),
        "{}",
        bad.body
    );
    let (_, list) = hr.get(&format!("/api/v1/applications/{id}/uploads")).await;
    assert!(list.as_array().unwrap().is_empty(), "nothing stored");
    let contract = pdf(b"BT (Contract) Tj ET");
    let r = post(&b, contract.clone(), "contract.pdf");
    let ok = b.send(r).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(
        ok.location.as_deref(),
        Some(format!("/applications/{id}/documents?done=uploaded").as_str())
    );

    // The officer, in Chinese, sees it, downloads it and asks for a new one.
    let (mut officer, _) = Browser::sign_in(&srv, "officer.beijing").await;
    officer.lang = Some("zh-CN");
    let page = officer.get(&format!("/applications/{id}/documents")).await;
    assert!(page.body.contains("待核验"), "{}", page.body);
    assert!(
        !page.body.contains("enctype"),
        "the officer uploads nothing"
    );
    let (_, list) = hr.get(&format!("/api/v1/applications/{id}/uploads")).await;
    let up = list[0]["id"].as_str().unwrap().to_string();
    let r = officer
        .http
        .get(format!("{}/api/v1/uploads/{up}/content", officer.base));
    let file = officer.send(r).await;
    assert_eq!(file.status, StatusCode::OK);
    let done = officer
        .post(
            &format!("/documents/{up}/decision"),
            &[("verified", "false"), ("reason", "Unsigned")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = officer.get(&format!("/applications/{id}/documents")).await;
    assert!(page.body.contains("要求重新提交") && page.body.contains("Unsigned"));
    srv.stop().await;
}

fn uscc(first17: &str) -> String {
    format!(
        "{first17}{}",
        domain::check::uscc_check(first17).expect("a USCC body")
    )
}

/// An employer in `city` and its HR account (with the demo password), signed in.
async fn employer_in(
    srv: &TestServer,
    admin: &Client,
    city: &str,
    uscc17: &str,
    username: &str,
) -> Client {
    let (s, e) = admin
        .post(
            "/api/v1/employers",
            json!({ "name": format!("{username} Example Co., Ltd."), "uscc": uscc(uscc17),
                    "city": city, "kind": "enterprise" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (s, a) = admin
        .post(
            "/api/v1/accounts",
            json!({ "username": username, "display_name": format!("{username} HR"),
                    "password": DEMO_PASSWORD, "role": "employer_hr", "employer_id": e["id"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    srv.sign_in(username).await
}

/// The new employer takes the holder over by a change of employer, which the officer of its
/// city approves: the holder is then on its roster.
async fn move_to(new_hr: &Client, officer: &Client, permit: &str, passport: &str) {
    let yesterday = {
        use server::clock::Clock;
        server::clock::SystemClock.today() - chrono::Days::new(1)
    };
    let (s, change) = new_hr
        .post(
            "/api/v1/applications",
            json!({ "kind": "change", "permit_number": permit, "change_what": "employer",
                    "change_date": yesterday.to_string(), "passport_number": passport, "submit": true }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{change}");
    approve(officer, &change, grant_b()).await;
}

/// A new application for Anna filed by `hr`, with nothing uploaded yet.
async fn new_for_anna(hr: &Client) -> String {
    let app = submit_new(hr).await;
    app["id"].as_str().unwrap().to_string()
}

async fn uploads_of(c: &Client, app: &str) -> Vec<Value> {
    let (s, list) = c.get(&format!("/api/v1/applications/{app}/uploads")).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

/// Beijing–Tianjin–Hebei: Anna's degree certificate, verified in Beijing, counts as provided
/// when she applies in Tianjin, shown as reused with who verified it and when, downloadable by
/// the Tianjin employer and officer and by no stranger; not so in Shanghai; and never a
/// certificate that was refused or never checked.
async fn documents_verified_in_the_cluster_are_reused(srv: TestServer) {
    let admin = srv.sign_in("admin").await;
    let hr = srv.sign_in("hr").await;
    let beijing = srv.sign_in("officer.beijing").await;
    let tianjin = srv.sign_in("officer.tianjin").await;
    let shanghai = srv.sign_in("officer.shanghai").await;
    let hr_tj = employer_in(&srv, &admin, "120000", "91120116MA05XKB01", "hr.binhai").await;
    let hr_sh = employer_in(&srv, &admin, "310000", "91310115MA1KXYW01", "hr.pudong").await;

    // In Beijing: the degree verified, the record asked again, the experience never checked.
    let first = submit_new(&hr).await;
    let first_id = first["id"].as_str().unwrap().to_string();
    let degree_pdf = pdf(b"BT (Master of Science) Tj ET");
    let (s, degree) = send(
        &hr,
        &first_id,
        "degree_certificate",
        "degree.pdf",
        degree_pdf.clone(),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{degree}");
    let (s, record) = send(
        &hr,
        &first_id,
        "no_criminal_record",
        "record.pdf",
        pdf(b"BT (No record) Tj ET"),
        Some(&today()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{record}");
    let (s, experience) = send(
        &hr,
        &first_id,
        "experience_proof",
        "experience.pdf",
        pdf(b"BT (Five years) Tj ET"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{experience}");
    let decide = |id: &Value, body: Value| {
        let path = format!("/api/v1/uploads/{}/decision", id["id"].as_str().unwrap());
        let beijing = &beijing;
        async move {
            let (s, d) = beijing.post(&path, body).await;
            assert_eq!(s, StatusCode::OK, "{d}");
            d
        }
    };
    let verified = decide(&degree, json!({ "verified": true })).await;
    decide(
        &record,
        json!({ "verified": false, "reason": "Not apostilled" }),
    )
    .await;
    let permit = approve(&beijing, &first, grant_b()).await["permit_number"]
        .as_str()
        .expect("a permit number")
        .to_string();
    let anna = person_id(&hr, "MÜLLER").await;
    let (_, person) = hr.get(&format!("/api/v1/people/{anna}")).await;
    let passport = person["passport_number"].as_str().unwrap().to_string();

    // Anna moves to an employer in Tianjin, which applies for her anew.
    move_to(&hr_tj, &tianjin, &permit, &passport).await;
    let second = new_for_anna(&hr_tj).await;
    let list = uploads_of(&hr_tj, &second).await;
    assert_eq!(list.len(), 1, "only the verified degree: {list:?}");
    let reused = &list[0];
    assert_eq!(reused["document"], "degree_certificate");
    assert_eq!(reused["status"], "verified");
    assert_eq!(reused["application_id"], second.as_str());
    assert_eq!(reused["sha256"], degree["sha256"]);
    assert_eq!(reused["reused_from"]["upload_id"], degree["id"]);
    assert_eq!(reused["reused_from"]["city"], "110000");
    // As stored (PostgreSQL keeps microseconds).
    let original = uploads_of(&hr, &first_id)
        .await
        .into_iter()
        .find(|u| u["id"] == verified["id"])
        .unwrap();
    assert_eq!(reused["reused_from"]["verified_at"], original["decided_at"]);
    assert!(reused["reused_from"]["verified_by"].is_string());
    assert_ne!(reused["id"], degree["id"]);
    // Read again, by the officer this time: recorded once.
    assert_eq!(uploads_of(&tianjin, &second).await, list);

    // Downloadable by the Tianjin employer and officer; the officer need not check it again.
    let content = format!("/api/v1/uploads/{}/content", reused["id"].as_str().unwrap());
    for c in [&hr_tj, &tianjin] {
        let r = c
            .request(reqwest::Method::GET, &content)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), degree_pdf.as_slice());
    }
    let (s, e) = tianjin
        .post(
            &format!(
                "/api/v1/uploads/{}/decision",
                reused["id"].as_str().unwrap()
            ),
            json!({ "verified": false, "reason": "again" }),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("upload_decided"))
    );
    // A stranger, or a guessed id, finds nothing.
    for who in ["officer.shanghai", "jean", "immigration.beijing"] {
        let c = srv.sign_in(who).await;
        let (s, e) = c.get(&content).await;
        assert_eq!(
            (s, e["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("upload_not_found")),
            "{who}"
        );
    }
    let (s, _) = hr_tj
        .get(&format!("/api/v1/uploads/{}/content", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The documents page of the Tianjin application, beside its checklist line, in both
    // languages; the items not reused show nothing uploaded, with the employer's upload form.
    let (mut officer_page, _) = Browser::sign_in(&srv, "officer.tianjin").await;
    let page = officer_page
        .get(&format!("/applications/{second}/documents"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let line = |body: &str, kind: &str| -> String {
        let at = body
            .find(&format!("id=\"item-{kind}\""))
            .unwrap_or_else(|| panic!("no line {kind}"));
        let end = body[at..].find("</tr>").unwrap();
        body[at..at + end].to_string()
    };
    let degree_line = line(&page.body, "degree_certificate");
    assert!(
        degree_line.contains("verified in Beijing, reused"),
        "{degree_line}"
    );
    assert!(degree_line.contains(&format!(
        "/api/v1/uploads/{}/content",
        reused["id"].as_str().unwrap()
    )));
    assert!(!degree_line.contains("/decision"), "nothing to check");
    for kind in ["no_criminal_record", "experience_proof"] {
        assert!(
            line(&page.body, kind).contains("Nothing uploaded yet."),
            "{kind}"
        );
    }
    officer_page.lang = Some("zh-CN");
    let page = officer_page
        .get(&format!("/applications/{second}/documents"))
        .await;
    assert!(
        line(&page.body, "degree_certificate").contains("已在北京市核验，沿用"),
        "{}",
        page.body
    );
    let (mut hr_page, _) = Browser::sign_in(&srv, "hr.binhai").await;
    let page = hr_page.get(&format!("/applications/{second}")).await;
    assert!(line(&page.body, "degree_certificate").contains("verified in Beijing, reused"));
    let page = hr_page
        .get(&format!("/applications/{second}/documents"))
        .await;
    assert!(!line(&page.body, "degree_certificate").contains("type=\"file\""));
    assert!(line(&page.body, "experience_proof").contains("type=\"file\""));

    // Anna moves on to Shanghai, outside the cluster: nothing is reused there.
    move_to(&hr_sh, &shanghai, &permit, &passport).await;
    let third = new_for_anna(&hr_sh).await;
    assert!(uploads_of(&hr_sh, &third).await.is_empty());
    assert!(uploads_of(&shanghai, &third).await.is_empty());
    audit_records(&srv).await;
    srv.stop().await;
}
on_both!(
    documents_verified_in_the_cluster_are_reused,
    sqlite_documents_verified_in_the_cluster_are_reused,
    postgres_documents_verified_in_the_cluster_are_reused
);
