use std::io::Write;
use std::process::Command;

use reqwest::StatusCode;

use crate::helpers::{TestApp, fresh_database};

const TUCUMAN: [&str; 17] = [
    "AR-90007", "AR-90014", "AR-90021", "AR-90028", "AR-90035", "AR-90042", "AR-90049", "AR-90056",
    "AR-90063", "AR-90070", "AR-90077", "AR-90084", "AR-90091", "AR-90098", "AR-90105", "AR-90112",
    "AR-90119",
];

pub async fn office_covering_tucuman(app: &TestApp) {
    let id = app.office("OE-TUC", "").await;
    let codes: Vec<String> = TUCUMAN.iter().map(|s| s.to_string()).collect();
    sipe::territory::store::replace_coverage(&app.db, id, &codes)
        .await
        .unwrap();
}

fn generated(count: u64, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    sipe::persons::import::generate::write_csv(
        &mut out,
        count,
        seed,
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    out
}

#[tokio::test]
async fn bad_rows_are_reported_with_line_column_and_reason_and_nothing_is_imported_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = fresh_database(dir.path()).await;
    let sipe = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sipe"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--database-url")
            .arg(&url)
            .args(args)
            .output()
            .unwrap()
    };
    let mut covers = vec!["office", "create", "--code", "OE-TUC", "--name", "Tucumán"];
    for c in TUCUMAN {
        covers.push("--covers");
        covers.push(c);
    }
    assert!(sipe(&covers).status.success());
    let file = dir.path().join("personas.csv");
    let mut data = generated(50, 3);
    // Line 52: a DNI too short; 53: a CUIL of another DNI and a bad date; 54: line 2 again.
    writeln!(
        data,
        "DNI,123,,Pérez,Ana,1990-01-01,F,,,90,90084,Capital,,,,"
    )
    .unwrap();
    writeln!(
        data,
        "DNI,30111222,20-12345678-6,Pérez,Ana,01/01/1990,F,,,90,90084,Capital,,,,"
    )
    .unwrap();
    let first_row = String::from_utf8(data.clone())
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    writeln!(data, "{first_row}").unwrap();
    // Line 55: an office that does not exist; 56: a department no office serves.
    writeln!(
        data,
        "DNI,30111223,,Pérez,Eva,1990-01-01,F,,,90,90084,Capital,,,,OE-NADA"
    )
    .unwrap();
    writeln!(
        data,
        "DNI,30111224,,Pérez,Luz,1990-01-01,F,,,02,02007,Comuna 1,,,,"
    )
    .unwrap();
    // 57: a province that does not exist; 58: a department of another province; 59: a
    // department that does not exist (the office is given, so it was never looked up);
    // 60: a NUL in the surnames; 61: a formula a spreadsheet put a quote before.
    for row in [
        "DNI,30111225,,Pérez,Sol,1990-01-01,F,,,99,,Capital,,,,OE-TUC",
        "DNI,30111226,,Pérez,Mar,1990-01-01,F,,,02,90084,Capital,,,,",
        "DNI,30111227,,Pérez,Paz,1990-01-01,F,,,90,99999,Capital,,,,OE-TUC",
        "DNI,30111228,,Pé\u{0}rez,Fe,1990-01-01,F,,,90,90084,Capital,,,,",
        "DNI,30111229,,'-Pérez,Flor,1990-01-01,F,'+54 381 4123456,,90,90084,Capital,,,,",
    ] {
        writeln!(data, "{row}").unwrap();
    }
    std::fs::write(&file, &data).unwrap();

    let out = sipe(&["import", "persons", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("51 accepted, 8 rejected, 1 already registered"),
        "{stdout}"
    );
    let report = std::fs::read_to_string(dir.path().join("personas.rechazos.csv")).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "linea,columna,valor,motivo");
    let reported = |start: &str, also: &str| {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(start) && l.contains(also)),
            "{start}…{also} missing from:\n{report}"
        );
    };
    reported("52,numero_documento,123,", "");
    reported("53,fecha_nacimiento,01/01/1990,", "");
    reported("53,cuil,20-12345678-6,", "");
    reported("54,numero_documento,", "ya está registrada");
    reported("55,oficina_codigo,OE-NADA,No existe una oficina", "");
    reported("56,departamento_codigo,AR-02007,Ninguna oficina", "");
    reported("57,provincia_codigo,99,", "No existe una provincia");
    reported(
        "58,departamento_codigo,90084,",
        "no pertenece a la provincia",
    );
    reported("59,departamento_codigo,99999,", "");
    reported("60,apellidos,", "caracteres invisibles");
    assert!(
        !report.contains("\u{0}"),
        "the report carries no control character"
    );

    let again = sipe(&["import", "persons", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("was imported before"));
    let check = sipe(&["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains("in sync: 51 people"));
    // The neutralised cells came back as typed.
    let system = sipe::access::Access::system("t");
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let flor = sipe::persons::store::find_by_document(&db, "dni", "30111229")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(flor.surnames, "-Pérez");
    assert_eq!(flor.phone.as_deref(), Some("+543814123456"));
    let _ = system;
}

#[tokio::test]
async fn a_missing_column_stops_the_import_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = fresh_database(dir.path()).await;
    let file = dir.path().join("mal.csv");
    std::fs::write(&file, "dni,apellido\n123,Pérez\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sipe"))
        .args([
            "--data-dir",
            dir.path().join("data").to_str().unwrap(),
            "--database-url",
            &url,
        ])
        .args(["import", "persons", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("the header lacks the columns: tipo_documento")
    );
}

#[tokio::test]
async fn an_interrupted_import_resumes_without_duplicating_anyone() {
    let app = TestApp::spawn().await;
    office_covering_tucuman(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("grande.csv");
    let batch = sipe::persons::import::BATCH as u64;
    let rows = 2 * batch + 500;
    std::fs::write(&file, generated(rows, 9)).unwrap();
    let report = dir.path().join("r.csv");
    // The first run dies right after its first batch committed (as with kill -9).
    let (db, f, r) = (app.db.clone(), file.clone(), report.clone());
    let crashed = tokio::spawn(async move {
        sipe::persons::import::import_file(
            &db,
            &sipe::audit::AuditCtx::cli(),
            crate::helpers::TZ,
            &f,
            &r,
            false,
            |_, _| panic!("killed"),
        )
        .await
    })
    .await;
    assert!(crashed.is_err());
    assert_eq!(
        sipe::persons::store::count_all(&app.db).await.unwrap(),
        batch
    );
    let summary = sipe::persons::import::import_file(
        &app.db,
        &sipe::audit::AuditCtx::cli(),
        crate::helpers::TZ,
        &file,
        &report,
        false,
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(summary.resumed_at, batch);
    assert_eq!(summary.accepted, rows);
    assert_eq!(summary.duplicates, 0);
    assert_eq!(
        sipe::persons::store::count_all(&app.db).await.unwrap(),
        rows
    );
    assert!(sipe::audit::verify(&app.db).await.unwrap().broken.is_none());
}

#[tokio::test]
async fn latin1_files_import_with_their_accents() {
    let app = TestApp::spawn().await;
    office_covering_tucuman(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.csv");
    let mut bytes = sipe::persons::import::generate::HEADER
        .join(",")
        .into_bytes();
    bytes.extend_from_slice(
        b"\nDNI,30111222,,Gonz\xe1lez,Mar\xeda,1990-01-01,F,,,90,90084,Capital,,,,\n",
    );
    std::fs::write(&file, bytes).unwrap();
    let summary = sipe::persons::import::import_file(
        &app.db,
        &sipe::audit::AuditCtx::cli(),
        crate::helpers::TZ,
        &file,
        &dir.path().join("r.csv"),
        false,
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(summary.accepted, 1);
    let p = sipe::persons::store::first_record(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.surnames.as_str(), p.names.as_str()),
        ("González", "María")
    );
}

#[tokio::test]
async fn xlsx_workbooks_import_with_numbers_and_dates_as_typed_in_a_spreadsheet() {
    let app = TestApp::spawn().await;
    office_covering_tucuman(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("planilla.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in sipe::persons::import::generate::HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    // Row 2: the DNI typed as a number, the birth date as a real date cell.
    sheet.write_string(1, 0, "DNI").unwrap();
    sheet.write_number(1, 1, 30111222.0).unwrap();
    sheet.write_string(1, 3, "Núñez").unwrap();
    sheet.write_string(1, 4, "Íñigo").unwrap();
    sheet
        .write_datetime_with_format(
            1,
            5,
            rust_xlsxwriter::ExcelDateTime::from_ymd(1990, 1, 31).unwrap(),
            &date,
        )
        .unwrap();
    sheet.write_string(1, 6, "M").unwrap();
    sheet.write_number(1, 10, 90084.0).unwrap();
    // Row 3: no birth date.
    sheet.write_string(2, 0, "DNI").unwrap();
    sheet.write_number(2, 1, 30111223.0).unwrap();
    sheet.write_string(2, 3, "Paz").unwrap();
    sheet.write_string(2, 4, "Ana").unwrap();
    sheet.write_string(2, 6, "F").unwrap();
    book.save(&file).unwrap();
    let report = dir.path().join("r.csv");
    let summary = sipe::persons::import::import_file(
        &app.db,
        &sipe::audit::AuditCtx::cli(),
        crate::helpers::TZ,
        &file,
        &report,
        false,
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!((summary.accepted, summary.rejected), (1, 1));
    let p = sipe::persons::store::first_record(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.doc_number, "30111222");
    assert_eq!(p.birth_date.to_string(), "1990-01-31");
    assert_eq!(p.names, "Íñigo");
    let report = std::fs::read_to_string(report).unwrap();
    assert!(report.contains("3,fecha_nacimiento"), "{report}");
}

#[tokio::test]
async fn import_with_update_keeps_the_field_history() {
    let app = TestApp::spawn().await;
    office_covering_tucuman(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let header = sipe::persons::import::generate::HEADER.join(",");
    let first = dir.path().join("a.csv");
    std::fs::write(
        &first,
        format!("{header}\nDNI,30111222,,Gómez,Ana,1990-01-01,F,,,90,90084,Capital,,,,\n"),
    )
    .unwrap();
    let second = dir.path().join("b.csv");
    std::fs::write(
        &second,
        format!(
            "{header}\nDNI,30111222,,Gómez,Ana,1990-01-01,F,,ana@example.com,90,90084,Capital,,,,\n"
        ),
    )
    .unwrap();
    let report = dir.path().join("r.csv");
    let ctx = sipe::audit::AuditCtx::cli();
    sipe::persons::import::import_file(
        &app.db,
        &ctx,
        crate::helpers::TZ,
        &first,
        &report,
        false,
        |_, _| {},
    )
    .await
    .unwrap();
    let summary = sipe::persons::import::import_file(
        &app.db,
        &ctx,
        crate::helpers::TZ,
        &second,
        &report,
        true,
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!((summary.accepted, summary.duplicates), (1, 0));
    let p = sipe::persons::store::first_record(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.email.as_deref(), Some("ana@example.com"));
    let changes = sipe::persons::store::changes(&app.db, p.id).await.unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c.field == "email" && c.new_value.as_deref() == Some("ana@example.com"))
    );
}

#[tokio::test]
async fn an_admin_uploads_a_file_that_imports_in_the_background() {
    let app = TestApp::spawn().await;
    office_covering_tucuman(&app).await;
    let (c, csrf) = app.signed_in("admin1", "admin", &[]).await;
    let mut bytes = generated(30, 7);
    bytes.extend_from_slice(b"DNI,1,,X,Y,nope,F,,,90,90084,,,,,\n");
    let upload = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        c.post(app.url(&format!("/admin/imports?_csrf={csrf}")))
            .multipart(form)
            .send()
    };
    // Without the token the upload is refused.
    let res = c
        .post(app.url("/admin/imports"))
        .multipart(reqwest::multipart::Form::new().text("x", "y"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A file without the canonical header is refused at once, clearly.
    let res = upload(b"nombre,apellido\nAna,Paz\n".to_vec(), "mal.csv")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = c
        .get(app.url("/admin/imports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("no tiene las columnas"), "{html}");
    let res = upload(bytes, "personas.csv").await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("person.import_upload").await, 1);
    let worker = sipe::jobs::Worker::new(
        app.db.clone(),
        sipe::startup::job_registry(&app.config),
        std::time::Duration::from_millis(10),
    );
    assert!(worker.run_due().await.unwrap() >= 1);
    let html = c
        .get(app.url("/admin/imports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = crate::helpers::text_of(&html, "[data-testid=imports-table]").unwrap();
    assert!(
        table.contains("Terminada") && table.contains("100 %"),
        "{table}"
    );
    assert_eq!(sipe::persons::store::count_all(&app.db).await.unwrap(), 30);
    let start = html.find("/admin/imports/").unwrap();
    let link = &html[start..start + html[start..].find('"').unwrap()];
    let report = c
        .get(app.url(link))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(report.contains("fecha_nacimiento"), "{report}");
    // Operators cannot upload.
    let (op, op_csrf) = app.signed_in("oper1", "operator", &["OE-TUC"]).await;
    let res = op
        .post(app.url(&format!("/admin/imports?_csrf={op_csrf}")))
        .multipart(reqwest::multipart::Form::new().text("x", "y"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
