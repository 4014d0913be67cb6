//! Helpers of the report tests: raw GETs (bytes and headers), an independent XLSX reader, the
//! tables of a report's JSON and audit counts.

use std::collections::HashMap;
use std::io::Read;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use super::{Browser, TestApp};

/// Audit rows with an action, outcome and `resources LIKE` pattern.
pub async fn audits(t: &TestApp, action: &str, outcome: &str, resources_like: &str) -> i64 {
    t.db()
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_events WHERE action = $1 AND outcome = $2 AND resources LIKE $3",
            benk_app::args![action, outcome, resources_like],
        )
        .await
        .unwrap()
}

/// Sends a request to the router; the status, headers and body as bytes.
async fn bytes_of(t: &TestApp, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let resp = t.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 20 << 20)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

/// A GET with a bearer token, the body as bytes.
pub async fn get_bytes(
    t: &TestApp,
    uri: &str,
    token: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "nb")
        .body(Body::empty())
        .unwrap();
    bytes_of(t, req).await
}

/// A page GET as a logged-in browser, the body as bytes.
pub async fn page_bytes(
    t: &TestApp,
    b: &Browser,
    uri: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(uri)
        .header(header::COOKIE, &b.cookie)
        .header(header::ACCEPT_LANGUAGE, "nb")
        .body(Body::empty())
        .unwrap();
    bytes_of(t, req).await
}

/// The cells of every sheet of an XLSX file, read with `zip` and the sheet XML (an independent
/// reader: not the writer's code): sheet name → (cell ref → value), numbers as `N:<number>`,
/// strings as `S:<text>`.
pub fn xlsx_cells(bytes: &[u8]) -> HashMap<String, HashMap<String, String>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut read = |name: &str| {
        let mut s = String::new();
        z.by_name(name)
            .map(|mut f| f.read_to_string(&mut s).unwrap())
            .ok();
        s
    };
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    };
    let shared: Vec<String> = read("xl/sharedStrings.xml")
        .split("<si>")
        .skip(1)
        .map(|si| {
            si.split("<t")
                .skip(1)
                .filter_map(|t| {
                    t.split_once('>')
                        .map(|(_, rest)| rest.split("</t>").next().unwrap_or(""))
                })
                .map(unescape)
                .collect::<String>()
        })
        .collect();
    let wb = read("xl/workbook.xml");
    let names: Vec<String> = wb
        .split("<sheet ")
        .skip(1)
        .map(|s| {
            unescape(
                s.split("name=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap(),
            )
        })
        .collect();
    let mut out = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        let xml = read(&format!("xl/worksheets/sheet{}.xml", i + 1));
        let mut cells = HashMap::new();
        for c in xml.split("<c ").skip(1) {
            let r = c
                .split("r=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            let head = c.split('>').next().unwrap();
            let v = c
                .split("<v>")
                .nth(1)
                .map(|v| v.split("</v>").next().unwrap().to_string());
            let Some(v) = v else { continue };
            if head.contains("t=\"s\"") {
                cells.insert(r, format!("S:{}", shared[v.parse::<usize>().unwrap()]));
            } else if head.contains("t=\"str\"") || head.contains("t=\"inlineStr\"") {
                cells.insert(r, format!("S:{}", unescape(&v)));
            } else {
                cells.insert(r, format!("N:{v}"));
            }
        }
        out.insert(name.clone(), cells);
    }
    out
}

/// The cells of a table in the report JSON, by table id.
pub fn table<'a>(report: &'a Value, id: &str) -> &'a Vec<Value> {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tables"].as_array().unwrap())
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no table {id} in {report}"))["rows"]
        .as_array()
        .unwrap()
}
