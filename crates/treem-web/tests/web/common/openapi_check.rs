//! Every answer of the JSON API that the suite receives is checked against
//! the OpenAPI document the server derives from its handlers: its status
//! must be documented for its route, and its body must be valid against the
//! documented schema — with no field the document does not name. A fault
//! turns the answer into a 500 naming the fault, and fails the test when
//! its app is dropped.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Faults seen by one app.
pub type Faults = Arc<Mutex<Vec<String>>>;

/// The document as JSON.
static DOC: LazyLock<Value> = LazyLock::new(|| {
    serde_json::to_value(treem_web::api::openapi()).expect("the document is JSON")
});

/// Wraps an app so that every API answer is checked.
pub fn layer(app: axum::Router, faults: Faults) -> axum::Router {
    app.layer(axum::middleware::from_fn_with_state(faults, check))
}

async fn check(State(faults): State<Faults>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_lowercase();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return fault(&faults, format!("{method} {path}: unreadable body"));
    };
    match problem(&method, &path, parts.status, &bytes) {
        None => Response::from_parts(parts, Body::from(bytes)),
        Some(p) => fault(&faults, format!("{method} {path} → {}: {p}", parts.status)),
    }
}

fn fault(faults: &Faults, message: String) -> Response {
    faults.lock().expect("faults").push(message.clone());
    (StatusCode::INTERNAL_SERVER_ERROR, message).into_response()
}

/// The document's route pattern for a path (`/api/v1/cases/{id}`).
fn pattern_of(path: &str) -> Option<&'static String> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    DOC["paths"].as_object()?.keys().find(|p| {
        let pattern: Vec<&str> = p.split('/').collect();
        pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
    })
}

/// What is wrong with an answer, if anything.
pub fn problem(method: &str, path: &str, status: StatusCode, body: &[u8]) -> Option<String> {
    let error = json!({ "$ref": "#/components/schemas/Error" });
    let op = pattern_of(path).map(|p| &DOC["paths"][p][method]);
    let schema = match op {
        Some(op) if op.is_object() => {
            let response = &op["responses"][status.as_str()];
            if !response.is_object() {
                return Some(format!(
                    "status {status} of {method} {path} is not documented"
                ));
            }
            &response["content"]["application/json"]["schema"]
        }
        // A path or method the API does not have is an error like any other.
        _ if matches!(status.as_u16(), 404 | 405) => &error,
        _ => return Some(format!("{method} {path} is not in the document")),
    };
    if schema.is_null() {
        return (!body.is_empty()).then(|| "a body where the document has none".into());
    }
    let instance: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Some(format!("not JSON: {e}")),
    };
    let root = json!({ "components": DOC["components"], "allOf": [schema] });
    let validator = match jsonschema::validator_for(&root) {
        Ok(v) => v,
        Err(e) => return Some(format!("the document's schema does not compile: {e}")),
    };
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if !errors.is_empty() {
        return Some(errors.join("; "));
    }
    let resolved = match jsonschema::dereference(&root) {
        Ok(v) => v,
        Err(e) => return Some(format!("unresolved reference: {e}")),
    };
    let mut extra = Vec::new();
    undocumented(&resolved, &instance, "", &mut extra);
    (!extra.is_empty()).then(|| format!("fields the document does not name: {}", extra.join(", ")))
}

/// The subschemas that together describe a value: the schema itself and
/// its `allOf`, `oneOf` and `anyOf` members, recursively.
fn parts_of<'a>(schema: &'a Value, out: &mut Vec<&'a Value>) {
    out.push(schema);
    for key in ["allOf", "oneOf", "anyOf"] {
        for member in schema[key].as_array().into_iter().flatten() {
            parts_of(member, out);
        }
    }
}

/// Collects the fields of `value` (at `at`) that no part of `schema` names.
fn undocumented(schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let mut parts = Vec::new();
    parts_of(schema, &mut parts);
    match value {
        Value::Object(map) => {
            let free = parts.iter().any(|p| p["additionalProperties"].is_object());
            let named: BTreeSet<&str> = parts
                .iter()
                .filter_map(|p| p["properties"].as_object())
                .flat_map(|props| props.keys().map(String::as_str))
                .collect();
            for (key, v) in map {
                if !named.contains(key.as_str()) {
                    if !free {
                        out.push(format!("{at}/{key}"));
                    }
                    continue;
                }
                for p in &parts {
                    let sub = &p["properties"][key];
                    if !sub.is_null() {
                        undocumented(sub, v, &format!("{at}/{key}"), out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for p in &parts {
                if !p["items"].is_null() {
                    for (i, item) in items.iter().enumerate() {
                        undocumented(&p["items"], item, &format!("{at}/{i}"), out);
                    }
                }
            }
        }
        _ => {}
    }
}
