//! The OpenAPI 3.1 document for the portal's HTTP API.
//!
//! The request schema is generated from the intake questions, so it cannot
//! drift from the rules; the committed `functions/openapi.json` is checked
//! against this in the tests (set `UPDATE_OPENAPI=1` to rewrite it).

use lead_content::{intake, QuestionKind};
use serde_json::{json, Map, Value};

/// A complete, valid example referral (synthetic).
pub fn example_referral() -> Value {
    json!({
        "lang": "en",
        "chronic_conduct": "yes",
        "legal_response_expected": "yes",
        "neighborhood": "riverside",
        "frequency": "weekly",
        "conduct_places": "Sleeps in the bus shelter on River Rd and argues with people waiting",
        "recent_harm": "unknown",
        "prior_help": "not_tried",
        "safety_notes": "Has a friendly dog",
        "person_name": "Jo",
        "person_description": "Example person: short grey hair, red backpack, about 60",
        "usual_places_times": "River Rd bus shelter, evenings",
        "referrer_type": "resident",
        "referrer_name": "Example Resident",
        "contact_email": "resident@example.org"
    })
}

fn answer_schemas() -> (Map<String, Value>, Vec<String>) {
    let content = intake();
    let mut properties = Map::new();
    let mut required = Vec::new();
    for q in &content.questions.questions {
        let mut schema = json!({ "type": "string", "description": q.label.en });
        match q.kind {
            QuestionKind::Choice => {
                let values: Vec<&str> = content.options(q).iter().map(|c| c.value.as_str()).collect();
                schema["enum"] = json!(values);
            }
            QuestionKind::Email => {
                schema["format"] = json!("email");
            }
            _ => {}
        }
        if let Some(max) = q.max_len {
            schema["maxLength"] = json!(max);
        }
        if q.required {
            required.push(q.id.clone());
        }
        properties.insert(q.id.clone(), schema);
    }
    properties.insert(
        "lang".into(),
        json!({ "type": "string", "enum": ["en", "es"], "description": "Language for messages and follow-up." }),
    );
    properties.insert(
        "website".into(),
        json!({ "type": "string", "maxLength": 0, "description": "Honeypot: must be empty or absent." }),
    );
    (properties, required)
}

fn error_response(description: &str, example_code: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": {
            "schema": { "$ref": "#/components/schemas/Error" },
            "example": { "error": example_code, "message": description }
        }}
    })
}

pub fn document() -> Value {
    let (properties, required) = answer_schemas();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "LEAD portal API",
            "version": "1.0.0",
            "description": "Community referral intake for a LEAD program. Referrals are stored encrypted and forwarded to the program's case-management system, signed per Standard Webhooks."
        },
        "servers": [{ "url": "http://127.0.0.1:8787", "description": "Local run" }],
        "paths": {
            "/api/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness check",
                    "responses": { "200": {
                        "description": "The worker is running.",
                        "content": { "application/json": { "schema": {
                            "type": "object", "required": ["status"],
                            "properties": { "status": { "const": "ok" } }
                        }}}
                    }}
                }
            },
            "/api/referrals": {
                "post": {
                    "operationId": "createReferral",
                    "summary": "Refer a person to LEAD case management",
                    "description": "Validates the answers with the program's rules, stores the referral encrypted and answers once it is durably stored. Form posts (no JavaScript) get a 303 to the confirmation page, or an HTML page listing what to correct.",
                    "requestBody": {
                        "required": true,
                        "content": {
                            "application/json": {
                                "schema": { "$ref": "#/components/schemas/Referral" },
                                "example": example_referral()
                            },
                            "application/x-www-form-urlencoded": {
                                "schema": { "$ref": "#/components/schemas/Referral" }
                            }
                        }
                    },
                    "responses": {
                        "202": {
                            "description": "Stored; it will be delivered to the case system.",
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Accepted" } } }
                        },
                        "303": { "description": "Form post accepted: redirect to the confirmation page." },
                        "400": error_response("The body is not valid JSON, UTF-8 or form data.", "malformed_json"),
                        "413": error_response("The body is larger than 32768 bytes.", "too_large"),
                        "415": error_response("Not application/json or application/x-www-form-urlencoded.", "unsupported_media_type"),
                        "422": {
                            "description": "Answers need correcting (`invalid`), the core criteria do not hold (`not_eligible`), or intake is closed (`intake_closed`).",
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                        },
                        "429": {
                            "description": "Too many referrals from this client; see Retry-After.",
                            "headers": { "Retry-After": { "schema": { "type": "integer" }, "description": "Seconds to wait." } },
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                        },
                        "503": error_response("The referral could not be stored; nothing was saved.", "unavailable")
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Referral": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": required,
                    "description": "Answers by question id. At least one of contact_phone and contact_email is required.",
                    "properties": properties
                },
                "Accepted": {
                    "type": "object",
                    "required": ["reference", "status"],
                    "properties": {
                        "reference": { "type": "string", "pattern": "^LEAD-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$" },
                        "status": { "const": "accepted" }
                    }
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": { "type": "string", "enum": [
                            "unsupported_media_type", "too_large", "not_utf8", "malformed_json", "malformed_form",
                            "invalid", "not_eligible", "intake_closed", "rate_limited", "not_found",
                            "method_not_allowed", "unavailable"
                        ]},
                        "message": { "type": "string" },
                        "errors": { "type": "array", "items": {
                            "type": "object", "required": ["field", "code", "message"],
                            "properties": {
                                "field": { "type": "string" },
                                "code": { "type": "string" },
                                "max": { "type": "integer" },
                                "message": { "type": "string" }
                            }
                        }},
                        "reasons": { "type": "array", "items": { "type": "string" } },
                        "intake_status": { "type": "string", "enum": ["open", "priority_only", "paused"] },
                        "retry_after": { "type": "integer" }
                    }
                }
            }
        }
    })
}
