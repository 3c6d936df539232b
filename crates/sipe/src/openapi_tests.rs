//! The assembled OpenAPI document: what client generators and the contract tests read.

use sipe_platform::api::document;

/// Every `$ref` of the document names something the document defines: client
/// generators fail on the first one that does not.
#[test]
fn every_reference_of_the_openapi_document_resolves() {
    let doc = serde_json::to_value(document(&crate::startup::modules())).unwrap();
    let mut refs = Vec::new();
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&doc, &mut refs);
    assert!(
        refs.len() > 50,
        "the document has references ({})",
        refs.len()
    );
    for r in &refs {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external $ref {r}"));
        assert!(
            doc.pointer(pointer).is_some(),
            "$ref {r} resolves to nothing"
        );
    }
}

/// Schemas are named by their type alone: two types of one name would describe one
/// of them wrongly (a list answered `ReferralDto` items for `ReferralRow` ones).
#[test]
fn no_two_documented_types_share_a_name() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    // Every crate of the workspace: the document gathers all their types.
    files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
        &mut paths,
    );
    let mut seen: std::collections::HashMap<String, String> = Default::default();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut documented = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                documented = true;
            } else if documented
                && let Some(rest) = line
                    .strip_prefix("pub struct ")
                    .or_else(|| line.strip_prefix("pub enum "))
            {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let here = path.display().to_string();
                if let Some(other) = seen.insert(name.clone(), here.clone()) {
                    panic!("{name} is documented twice: {other} and {here}");
                }
                documented = false;
            }
        }
    }
    assert!(seen.len() > 30, "{} documented types found", seen.len());
}

#[test]
fn every_operation_documents_the_platform_statuses() {
    let doc = serde_json::to_value(document(&crate::startup::modules())).unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            for status in ["400", "401", "403", "404", "422"] {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{method} {path} does not document {status}"
                );
            }
        }
    }
    assert!(operations > 40);
}
