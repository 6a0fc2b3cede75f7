//! Hostile XLSX workbooks: a cell at the sheet's far corner (a whole-sheet read would
//! allocate a grid of seventeen billion cells and abort the process) and "zip bombs" (a
//! small file that unpacks to hundreds of MB) are refused with a message that says why,
//! nothing is written, and the server keeps answering (`core::spreadsheet`,
//! `plan::exchange::read_xlsx`, `knowledge::import::local_xlsx`).

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

use crate::both;
use crate::plan_exchange::{footprint, upload, world};

/// An XLSX workbook of one sheet, written part by part so that a part can be hundreds of
/// MB of repeated text (which packs to a few hundred KB).
fn workbook(sheet: &[u8], sheet_repeat: usize, shared: Option<(&[u8], usize)>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    let shared_type = if shared.is_some() {
        r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
    } else {
        ""
    };
    let shared_rel = if shared.is_some() {
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
    } else {
        ""
    };
    let parts = [
        (
            "[Content_Types].xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{shared_type}</Types>"#
            ),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{shared_rel}</Relationships>"#
            ),
        ),
    ];
    for (name, text) in parts {
        w.start_file(name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#).unwrap();
    for _ in 0..sheet_repeat {
        w.write_all(sheet).unwrap();
    }
    w.write_all(b"</sheetData></worksheet>").unwrap();
    if let Some((item, repeat)) = shared {
        w.start_file("xl/sharedStrings.xml", opts).unwrap();
        w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#).unwrap();
        for _ in 0..repeat {
            w.write_all(item).unwrap();
        }
        w.write_all(b"</sst>").unwrap();
    }
    w.finish().unwrap().into_inner()
}

both!(
    a_plan_workbook_with_a_far_cell_or_that_unpacks_past_64_mib_is_refused_and_the_server_keeps_answering,
    |app| async move {
        let (token, t, _) = world(&app).await;
        let path = format!("/api/v1/plans/{}/actions.xlsx", t.plan);
        let before = footprint(&app).await;
        // One cell at A1 and one at XFD1048576: a few hundred bytes. Read as a whole
        // sheet it asked for 512 GiB and aborted the server.
        let far = workbook(
            br#"<row r="1"><c r="A1" t="inlineStr"><is><t>action_id</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
            1,
            None,
        );
        assert!(far.len() < 4096, "{}", far.len());
        let res = upload(&app, &token, &path, "far.xlsx", &far).await;
        res.assert_status(422);
        let msg = res.json()["details"]["file"].as_str().unwrap().to_owned();
        assert!(msg.contains("100000") && msg.contains("200"), "{msg}");
        // 80 MiB of rows that pack to about 1 MiB.
        let row = br#"<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row>"#;
        let bomb = workbook(row, 80 * 1024 * 1024 / row.len(), None);
        assert!(bomb.len() < 4 * 1024 * 1024, "{}", bomb.len());
        let res = upload(&app, &token, &path, "bomb.xlsx", &bomb).await;
        res.assert_status(422);
        let msg = res.json()["details"]["file"].as_str().unwrap().to_owned();
        assert!(msg.contains("64 MiB"), "{msg}");
        assert_eq!(footprint(&app).await, before, "nothing was written");
        // A real export still imports (the cell-by-cell reader reads what the whole-sheet
        // read did), and the server is still there to answer.
        let xlsx = crate::plan_exchange::bytes(&app, &path).await;
        upload(&app, &token, &path, "plan.xlsx", &xlsx)
            .await
            .assert_status(200);
        assert_eq!(footprint(&app).await, before, "an unchanged export changes nothing");
    }
);

both!(
    an_indicator_workbook_whose_shared_strings_unpack_past_256_mib_is_refused_and_the_job_says_so_in_words,
    |app| async move {
        use tuuli::auth::Role;
        use tuuli::jobs::JobStatus;
        app.add_user("coord@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("coord@example.fi").await;
        let item = b"<si><t>aaaaaaaaaaaaaaaaaaaaaaaa</t></si>";
        let bomb = workbook(
            br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
            1,
            Some((item, 260 * 1024 * 1024 / item.len())),
        );
        assert!(bomb.len() < 4 * 1024 * 1024, "{}", bomb.len());
        let job = crate::jobs::import_on_the_page(&app, "pommi.xlsx", &bomb).await;
        let id = job.id;
        assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
        let result = job.result.unwrap();
        assert_eq!(result["status"], "failed", "{result}");
        let import = result["import_id"].as_i64().unwrap();
        let page = app.get(&format!("/imports/{import}?lang=fi")).await;
        page.assert_status(200);
        assert!(page.body.contains("yli 256 MiB"), "{}", page.body);
        // The job's outcome is a word in the reader's language, not the stored value.
        let page = app.get(&format!("/jobs/{id}?lang=sv")).await;
        page.assert_status(200);
        assert!(page.body.contains("Avvisad"), "{}", page.body);
        assert!(!page.body.contains(">failed<"), "{}", page.body);
    }
);
